"""Word templates the organisation edits: checked, then rendered in a sandbox in a separate process.

An uploaded template is code. So, before it is stored (``check``): it must be a .docx (not a macro-enabled
.docm, no ``vbaProject``), with no relationship to an external target (linked images, remote templates,
hyperlinks fetched on open), and every placeholder must name a field of the document's schema — an unknown
one is refused by name. Rendering (``render_many``) runs in a child process with CPU-time, wall-time and
address-space limits, in Jinja's ``SandboxedEnvironment`` with autoescaping on, over JSON data only: the
child never sees a model object, so ``{{ x.__class__ }}`` has nothing to reach. No Django here.
"""

from __future__ import annotations

import base64
import datetime
import io
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree

from jinja2 import TemplateSyntaxError, nodes
from jinja2.sandbox import SandboxedEnvironment

MAX_UPLOAD = 5 * 1024 * 1024
MAX_UNPACKED = 50 * 1024 * 1024
CPU_SECONDS = 20
WALL_SECONDS = 40
MEMORY_BYTES = 1024 * 1024 * 1024
BATCH = 100  # documents a child renders within one set of limits
PARALLEL = 2  # children at once for a long run
MACRO_TYPES = ("macroEnabled", "vbaProject", "vbaData", "activeX")

IMAGE = "image"  # a schema's leaf that holds a picture: {IMAGE_KEY: base64 PNG}
IMAGE_KEY = "__png__"  # a key no template can name (underscored) and no text value can produce
# A schema maps each field to None (a value: text or number), to a nested schema (an object), or to a
# one-element list holding the schema of the list's items.
Schema = Mapping[str, Any]


class TemplateRefused(Exception):
    """The template cannot be used; ``problems`` says why, in Chinese, one line each."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("；".join(problems))
        self.problems = list(problems)


class RenderFailed(Exception):
    pass


def environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(autoescape=True)


def _parts(data: bytes) -> zipfile.ZipFile:
    if len(data) > MAX_UPLOAD:
        raise TemplateRefused(
            [f"模板文件过大（{len(data) // 1024} KB），不能超过 {MAX_UPLOAD // 1024 // 1024} MB"]
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise TemplateRefused(["不是 Word 文档（.docx）：文件无法按 docx 格式打开"]) from None
    if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
        raise TemplateRefused(["模板解压后过大，不能使用"])
    if "word/document.xml" not in archive.namelist():
        raise TemplateRefused(["不是 Word 文档（.docx）：缺少 word/document.xml"])
    return archive


def package_problems(data: bytes) -> list[str]:
    """Macros, ActiveX and external relationships: each found named by the part that holds it."""
    archive = _parts(data)
    problems = []
    names = archive.namelist()
    for name in names:
        if any(marker.lower() in name.lower() for marker in MACRO_TYPES):
            problems.append(f"模板含有宏或控件（{name}），请另存为不含宏的 .docx 后再上传")
    content_types = (
        archive.read("[Content_Types].xml").decode("utf-8", "replace")
        if "[Content_Types].xml" in names
        else ""
    )
    if "macroEnabled" in content_types:
        problems.append("模板是启用宏的文档（.docm），请另存为 .docx 后再上传")
    for name in names:
        if not name.endswith(".rels"):
            continue
        try:
            root = ElementTree.fromstring(archive.read(name))  # noqa: S314 (a .rels part: no DTD expansion in ElementTree)
        except ElementTree.ParseError:
            problems.append(f"模板的 {name} 无法解析")
            continue
        for rel in root:
            if rel.get("TargetMode", "").lower() == "external":
                problems.append(f"模板含有外部链接（{name}：{rel.get('Target', '')[:80]}），请删除后再上传")
    return problems


def placeholders(data: bytes) -> dict[str, set[str]]:
    """Each field the template reads from the context, with the attribute paths read on it (``team.name``)."""
    from docxtpl import DocxTemplate

    template = DocxTemplate(io.BytesIO(data))
    template.init_docx()
    env = environment()
    found: dict[str, set[str]] = {}
    sources = [template.patch_xml(template.get_xml())]
    for uri in (template.HEADER_URI, template.FOOTER_URI):
        for _relkey, part in template.get_headers_footers(uri):
            sources.append(template.patch_xml(template.get_part_xml(part)))
    for source in sources:
        try:
            tree = env.parse(source)
        except TemplateSyntaxError as error:
            raise TemplateRefused([f"模板占位符写法有误：{error.message}"]) from None
        _collect(tree, _declared(tree), found)
    return found


def _declared(tree: nodes.Template) -> set[str]:
    names = {"loop"}  # a for loop's own variable
    for node in tree.find_all((nodes.For, nodes.Assign, nodes.Macro, nodes.With)):
        for target in node.find_all(nodes.Name):
            if target.ctx in ("store", "param"):
                names.add(target.name)
    return names


def _path(node: nodes.Node) -> list[str] | None:
    if isinstance(node, nodes.Name):
        return [node.name]
    if isinstance(node, nodes.Getattr):
        inner = _path(node.node)
        return None if inner is None else [*inner, node.attr]
    if (
        isinstance(node, nodes.Getitem)
        and isinstance(node.arg, nodes.Const)
        and isinstance(node.arg.value, str)
    ):
        inner = _path(node.node)
        return None if inner is None else [*inner, node.arg.value]
    return None


def _collect(tree: nodes.Node, declared: set[str], found: dict[str, set[str]]) -> None:
    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Name)):
        path = _path(node)
        if path is None or path[0] in declared:
            continue
        found.setdefault(path[0], set())
        if len(path) > 1:
            found[path[0]].add(".".join(path))
    # Attribute reads on loop variables are checked against the list's item schema by the sandbox at run
    # time (missing keys render empty); dunder names are refused below wherever they appear.
    for node in tree.find_all((nodes.Getattr,)):
        if node.attr.startswith("_"):
            found.setdefault("__private__", set()).add(node.attr)


def _allowed(schema: Schema, path: list[str]) -> bool:
    current: Any = schema
    for part in path:
        if isinstance(current, list):
            return False  # a list has no named fields
        if not isinstance(current, Mapping) or part not in current:
            return False
        current = current[part]
    return True


def unknown_placeholders(data: bytes, schema: Schema) -> list[str]:
    problems = []
    for name, paths in sorted(placeholders(data).items()):
        if name == "__private__":
            problems.append("模板访问了内部属性（" + "、".join(sorted(paths)) + "），不能使用")
        elif name not in schema:
            problems.append(f"模板中的占位符「{name}」不是本文档可用的字段")
        else:
            problems += [
                f"模板中的占位符「{p}」不是本文档可用的字段"
                for p in sorted(paths)
                if not _allowed(schema, p.split("."))
            ]
    return problems


def check(data: bytes, schema: Schema) -> None:
    """Refuse a template that has macros, external links, syntax errors or unknown placeholders."""
    problems = package_problems(data)
    if not problems:
        problems = unknown_placeholders(data, schema)
    if problems:
        raise TemplateRefused(problems)


def plain(value: Any) -> Any:
    """Only JSON data crosses into the sandbox; anything else (a model, a function) is refused here."""
    return json.loads(json.dumps(value, ensure_ascii=False))


def conform(schema: Any, value: Any) -> Any:
    """``value`` cut to ``schema``: unknown keys dropped, missing ones filled (\"\", [] or an object)."""
    if isinstance(schema, list):
        return [conform(schema[0], item) for item in value] if isinstance(value, list) else []
    if schema == IMAGE:
        return {IMAGE_KEY: value[IMAGE_KEY]} if isinstance(value, Mapping) and IMAGE_KEY in value else ""
    if isinstance(schema, Mapping):
        given = value if isinstance(value, Mapping) else {}
        return {key: conform(sub, given.get(key)) for key, sub in schema.items()}
    if value is None:
        return ""
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal | datetime.date):
        return str(value)
    raise TypeError(f"only plain data goes into a template, not {type(value).__name__}")


@dataclass(frozen=True)
class Limits:
    cpu_seconds: int = CPU_SECONDS
    wall_seconds: int = WALL_SECONDS
    memory_bytes: int = MEMORY_BYTES


def render_many(
    data: bytes, schema: Schema, contexts: Sequence[Mapping[str, Any]], limits: Limits = Limits()
) -> list[bytes]:
    """Render ``data`` once per context (cut to ``schema``) in child processes; the documents in order.

    Each child renders at most ``BATCH`` documents, so the limits hold per batch, whatever the count."""
    batches = [contexts[start : start + BATCH] for start in range(0, len(contexts), BATCH)]
    if len(batches) <= 1:
        return _render_batch(data, schema, contexts, limits)
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        done = pool.map(lambda batch: _render_batch(data, schema, batch, limits), batches)
        return [document for batch in done for document in batch]


def _render_batch(
    data: bytes, schema: Schema, contexts: Sequence[Mapping[str, Any]], limits: Limits
) -> list[bytes]:
    request = json.dumps(
        {
            "template": base64.b64encode(data).decode(),
            "contexts": [plain(conform(schema, c)) for c in contexts],
            "cpu": limits.cpu_seconds,
            "memory": limits.memory_bytes,
        },
        ensure_ascii=False,
    ).encode()
    env = {key: value for key, value in os.environ.items() if key in ("PATH", "LANG", "LC_ALL", "PYTHONPATH")}
    try:
        done = subprocess.run(  # noqa: S603 (our own interpreter and module)
            [sys.executable, "-m", "kaohe.reports.sandbox"],
            input=request,
            capture_output=True,
            timeout=limits.wall_seconds,
            env=env,
            cwd=_root(),
        )
    except subprocess.TimeoutExpired:
        raise RenderFailed(f"模板生成超时（超过 {limits.wall_seconds} 秒），请检查模板中的循环") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = message[-1] if message else f"退出码 {done.returncode}"
        if "MemoryError" in reason or done.returncode in (-9, -24) or "CPU" in reason:
            raise RenderFailed("模板生成超出时间或内存限制，请检查模板中的循环")
        raise RenderFailed(f"模板无法生成文档：{reason[:300]}")
    payload = json.loads(done.stdout)
    return [base64.b64decode(doc) for doc in payload]


def render(data: bytes, schema: Schema, context: Mapping[str, Any], limits: Limits = Limits()) -> bytes:
    return render_many(data, schema, [context], limits)[0]


def _root() -> str:
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

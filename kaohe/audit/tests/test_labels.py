"""Every action code the app records and every field name it writes has a Chinese name (audit/labels.py),
and the log page, its filter and its workbook show them."""

import ast
import io
import pathlib

import pytest
from django.db import transaction
from django.urls import reverse
from openpyxl import load_workbook

from kaohe.accounts.actors import SystemActor
from kaohe.audit import labels
from kaohe.audit.actions import audit_record

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _modules():
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "migrations" in parts:
            continue
        yield path, ast.parse(path.read_text(encoding="utf-8"))


def _name(call: ast.Call) -> str:
    return getattr(call.func, "id", None) or getattr(call.func, "attr", None) or ""


def _strings(node: ast.AST | None) -> list[str]:
    """The string constants an expression may evaluate to (a constant, or either side of a conditional)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _strings(node.body) + _strings(node.orelse)
    return []


def _dict_keys(node: ast.AST | None) -> list[str]:
    if not isinstance(node, ast.Dict):
        return []
    return [k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)]


def recorded_actions() -> dict[str, str]:
    """Each action code found in the code, with where."""
    found = {}
    for path, tree in _modules():
        audits = "audit_record(" in path.read_text(encoding="utf-8")
        for node in ast.walk(tree):
            where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Call) and _name(node) == "audit_record":
                for kw in node.keywords:
                    if kw.arg == "action":
                        for code in _strings(kw.value):
                            found[code] = where
            elif isinstance(node, ast.Call) and _name(node) == "audit_read" and len(node.args) >= 2:
                for what in _strings(node.args[1]):
                    found[f"read.{what}"] = where
            elif isinstance(node, ast.Assign) and audits:
                targets = [t.id for t in node.targets if isinstance(t, ast.Name)]
                if any(t == "action" or t.endswith("_ACTION") for t in targets):
                    for code in _strings(node.value):
                        found[code] = where
    return found


def recorded_fields() -> dict[str, str]:
    """The field names written into before/after: dicts handed to audit_record, the keywords of audit_read,
    the dicts built by the ``*_state`` functions and the before/after/summary dicts of a module that audits."""
    found = {}
    for path, tree in _modules():
        audits = "audit_record(" in path.read_text(encoding="utf-8")
        for node in ast.walk(tree):
            where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
            keys: list[str] = []
            if isinstance(node, ast.Call) and _name(node) == "audit_record":
                for kw in node.keywords:
                    if kw.arg in ("before", "after"):
                        keys += _dict_keys(kw.value)
            elif isinstance(node, ast.Call) and _name(node) == "audit_read":
                keys += [kw.arg for kw in node.keywords if kw.arg]
            elif (
                isinstance(node, ast.FunctionDef)
                and ("state" in node.name or "count" in node.name)
                and audits
            ):
                for inner in ast.walk(node):
                    keys += _dict_keys(inner)
            elif isinstance(node, ast.Assign) and audits:
                targets = [t.id for t in node.targets if isinstance(t, ast.Name)]
                if any(t in ("before", "after", "summary", "detail", "state") for t in targets):
                    keys += _dict_keys(node.value)
                for target in node.targets:  # after["copied_from"] = …
                    if (
                        isinstance(target, ast.Subscript)
                        and isinstance(target.value, ast.Name)
                        and target.value.id in ("before", "after")
                    ):
                        keys += _strings(target.slice)
            for key in keys:
                found.setdefault(key, where)
    return found


def test_the_scan_finds_what_it_should():
    actions, fields = recorded_actions(), recorded_fields()
    assert {"result.publish", "adjustment.approve", "read.results.export", "calendar.import"} <= set(actions)
    assert {"previous_year", "invalid_ballots", "seal_algorithm", "working_days"} <= set(fields)


def test_every_recorded_action_has_a_chinese_name():
    missing = {code: where for code, where in recorded_actions().items() if code not in labels.ACTIONS}
    assert missing == {}


def test_every_recorded_field_has_a_chinese_name():
    missing = {name: where for name, where in recorded_fields().items() if name not in labels.FIELDS}
    assert missing == {}


def test_the_names_are_chinese():
    for table in (labels.ACTIONS, labels.FIELDS):
        for code, label in table.items():
            assert any("\u4e00" <= ch <= "\u9fff" for ch in label), code


@pytest.fixture
def entries(db):
    with transaction.atomic():
        audit_record(
            actor=SystemActor("测试"),
            action="result.compute",
            object_type="results.computerun",
            object_repr="第1次计算",
            after={"version": 1, "invalid_ballots": 2, "previous_year": 2024},
        )
        audit_record(actor=SystemActor("测试"), action="adjustment.approve", after={"codes_used": 3})


def test_the_log_page_and_its_filter_show_chinese(entries, client_for):
    page = client_for("auditadmin").get(reverse("audit:entry_list")).content.decode()
    assert "计算考核结果" in page and "批准加减分" in page
    assert "无效票数" in page and "上一年度" in page and "已使用的码" in page
    assert ">invalid_ballots<" not in page and ">previous_year<" not in page
    assert '<option value="result.compute">计算考核结果（result.compute）</option>' in page


def test_the_workbook_names_the_action(entries, client_for):
    response = client_for("auditadmin").get(reverse("audit:entry_export"))
    content = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert "计算考核结果（result.compute）" in [row[3] for row in rows]

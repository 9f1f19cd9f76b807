"""The child process that renders Word templates: limits first, then JSON in, documents out.

Run by ``templating.render_many`` as ``python -m kaohe.reports.sandbox``. It sets its own CPU-time and
address-space limits before importing the template engine, renders every context with docxtpl in a
``SandboxedEnvironment`` with autoescaping on, and writes the documents as a JSON list of base64 strings.
"""

from __future__ import annotations

import base64
import io
import json
import resource
import sys
from typing import Any


class _Picture:
    """A picture as the template sees it: nothing but its XML, given to the autoescaper (``__html__``).

    The docxtpl image (and through it the document) stays in an underscored attribute the sandbox refuses
    to read; the XML is made while the document part renders, as docxtpl needs."""

    __slots__ = ("_image",)

    def __init__(self, image: Any) -> None:
        self._image = image

    def __html__(self) -> str:
        return str(self._image)

    def __str__(self) -> str:
        return ""


def _images(template: Any, value: Any) -> Any:
    """Pictures become their drawing's XML as Markup: a string, so the sandbox reaches no document object."""
    from docx.shared import Mm
    from docxtpl import InlineImage

    from kaohe.reports.templating import IMAGE_KEY

    if isinstance(value, dict):
        if set(value) == {IMAGE_KEY}:
            return _Picture(
                InlineImage(template, io.BytesIO(base64.b64decode(value[IMAGE_KEY])), width=Mm(150))
            )
        return {key: _images(template, item) for key, item in value.items()}
    if isinstance(value, list):
        return [_images(template, item) for item in value]
    return value


def main() -> None:
    request = json.loads(sys.stdin.buffer.read())
    cpu, memory = int(request["cpu"]), int(request["memory"])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    from docxtpl import DocxTemplate

    from kaohe.reports.templating import environment

    env = environment()
    compiled: dict[str, Any] = {}
    plain_from_string = env.from_string

    def from_string(source: str, *args: Any, **kwargs: Any) -> Any:
        # docxtpl compiles each part's XML again for every document; the parts are the same each time.
        if args or kwargs:
            return plain_from_string(source, *args, **kwargs)
        if source not in compiled:
            compiled[source] = plain_from_string(source)
        return compiled[source]

    env.from_string = from_string  # type: ignore[method-assign]
    template_bytes = base64.b64decode(request["template"])
    out = []
    for context in request["contexts"]:
        template = DocxTemplate(io.BytesIO(template_bytes))
        context = _images(template, context)
        template.render(context, jinja_env=env, autoescape=True)
        buffer = io.BytesIO()
        template.save(buffer)
        out.append(base64.b64encode(buffer.getvalue()).decode())
    sys.stdout.write(json.dumps(out))


if __name__ == "__main__":
    main()

"""Uploaded templates are code: attacks on the sandbox, the limits and the escaping, kept as tests."""

import io
import zipfile

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT

from kaohe.reports import templating
from kaohe.reports.defaults import KINDS, SCHEMAS, default_template

SCHEMA = {"name": None, "items": [{"name": None}]}
QUICK = templating.Limits(cpu_seconds=3, wall_seconds=8, memory_bytes=400 * 1024 * 1024)


def make(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def text_of(content: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(content)).paragraphs)


@pytest.mark.parametrize("kind", list(KINDS))
def test_default_templates_pass_their_own_checks(kind):
    templating.check(default_template(kind), SCHEMAS[kind])


def test_unknown_placeholder_is_refused_by_name():
    with pytest.raises(templating.TemplateRefused) as refused:
        templating.check(make("{{ name }} {{ password }} {{ name.secret }}"), SCHEMA)
    assert any("「password」" in p for p in refused.value.problems)
    assert any("「name.secret」" in p for p in refused.value.problems)


def test_dunder_access_is_refused_at_upload():
    with pytest.raises(templating.TemplateRefused) as refused:
        templating.check(make("{{ ''.__class__.__mro__ }}"), SCHEMA)
    assert "内部属性" in refused.value.problems[0]


def test_sandbox_refuses_escape_at_render_even_unchecked():
    attack = make("{{ ''.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(templating.RenderFailed) as failed:
        templating.render(attack, SCHEMA, {"name": "x"}, QUICK)
    assert "SecurityError" in str(failed.value) or "unsafe" in str(failed.value)


def test_loop_variable_cannot_reach_python_either():
    attack = make("{%p for i in items %}", "{{ i.__class__.__base__.__subclasses__() }}", "{%p endfor %}")
    with pytest.raises(templating.RenderFailed):
        templating.render(attack, SCHEMA, {"items": [{"name": "a"}]}, QUICK)


def test_huge_range_is_refused():
    with pytest.raises(templating.RenderFailed):
        templating.render(make("{% for i in range(10**9) %}x{% endfor %}"), SCHEMA, {}, QUICK)


def test_endless_nested_loops_hit_the_time_limit():
    attack = make("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}")
    with pytest.raises(templating.RenderFailed) as failed:
        templating.render(attack, SCHEMA, {}, QUICK)
    assert "限制" in str(failed.value) or "超时" in str(failed.value)


def test_memory_bomb_hits_the_memory_limit():
    with pytest.raises(templating.RenderFailed):
        templating.render(make("{{ 'a' * 10**9 }}"), SCHEMA, {}, QUICK)


def test_markup_in_data_is_escaped_and_the_document_opens():
    name = "A&B <w:t>x</w:t> ]]> \"q\" 'r'"
    out = templating.render(
        make("{{ name }}", "{%p for i in items %}", "{{ i.name }}", "{%p endfor %}"),
        SCHEMA,
        {"name": name, "items": [{"name": "<b>&"}]},
    )
    text = text_of(out)
    assert name in text and "<b>&" in text


def test_only_plain_data_crosses_into_the_sandbox():
    with pytest.raises(TypeError):
        templating.render(make("{{ name }}"), SCHEMA, {"name": object()}, QUICK)


def test_fields_outside_the_schema_never_reach_the_template():
    assert templating.conform(SCHEMA, {"name": 1, "secret": "s", "items": [{"name": "a", "x": 1}]}) == {
        "name": 1,
        "items": [{"name": "a"}],
    }


def test_external_link_is_refused():
    document = docx.Document()
    document.part.relate_to("http://evil.example/x.png", RT.IMAGE, is_external=True)
    buffer = io.BytesIO()
    document.save(buffer)
    with pytest.raises(templating.TemplateRefused) as refused:
        templating.check(buffer.getvalue(), SCHEMA)
    assert "外部链接" in refused.value.problems[0] and "evil.example" in refused.value.problems[0]


def _with(extra: dict[str, bytes], content_types: bytes | None = None) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(make("{{ name }}")))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "[Content_Types].xml" and content_types is not None:
                data = content_types
            out.writestr(info, data)
        for name, data in extra.items():
            out.writestr(name, data)
    return buffer.getvalue()


def test_macros_are_refused():
    with pytest.raises(templating.TemplateRefused) as refused:
        templating.check(_with({"word/vbaProject.bin": b"\x00macro"}), SCHEMA)
    assert "宏" in refused.value.problems[0]


def test_macro_enabled_document_type_is_refused():
    types = make("x")
    types = (
        zipfile.ZipFile(io.BytesIO(types))
        .read("[Content_Types].xml")
        .replace(b"document.main+xml", b"document.macroEnabled.main+xml")
    )
    with pytest.raises(templating.TemplateRefused):
        templating.check(_with({}, types), SCHEMA)


def test_not_a_docx_is_refused():
    with pytest.raises(templating.TemplateRefused):
        templating.check(b"PK\x03\x04 not really", SCHEMA)

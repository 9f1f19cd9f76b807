"""The Chinese default templates and each document's schema (the placeholders a template may use).

The defaults are built here with python-docx, so they ship with the code and an organiser downloads them as
the starting point for their own. Placeholders are docxtpl's: ``{{ field }}``, ``{%p for … %}`` around
paragraphs, ``{%tr for … %}`` around table rows. No Django.
"""

from __future__ import annotations

import io
from functools import cache
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Pt

from kaohe.reports.templating import IMAGE

KINDS = {
    "team": "领导班子综合分析报告",
    "cadre": "领导干部综合分析报告",
    "cycle": "年度考核分析报告",
    "register": "年度考核登记表",
    "feedback": "考核结果反馈意见书",
}

_ANALYSIS = {
    "year": None,
    "title": None,
    "name": None,
    "unit": None,
    "post": None,
    "pool": None,
    "grade": None,
    "composite": None,
    "rank": None,
    "pool_size": None,
    "democratic": None,
    "performance": None,
    "rater_groups": [{"name": None, "ballots": None, "score": None}],
    "rater_groups_note": None,
    "aspects": [{"name": None, "summary": None}],
    "sections": [{"title": None, "text": None, "paragraphs": [None]}],  # paragraphs: the text's lines
    "achievements": None,
    "shortcomings": None,
    "suggestions": None,
    "grade_advice": None,
    "discussion": {"date": None, "attendees": None, "conclusion": None},
    "status": None,
    "version": None,
    "group": None,
}

SCHEMAS: dict[str, dict[str, Any]] = {
    "team": _ANALYSIS,
    "cadre": _ANALYSIS,
    "cycle": {
        "year": None,
        "title": None,
        "organisation": None,
        "participation": [{"name": None, "value": None}],
        "turnout": [{"session": None, "expected": None, "ballots": None, "rate": None}],
        "grades": [{"kind": None, "group": None, "counts": None, "total": None}],
        "quotas": [{"kind": None, "pool": None, "size": None, "quota": None, "excellent": None, "use": None}],
        "changes": [{"text": None}],
        "problems": [{"text": None}],
        "integrity": [{"text": None}],
        "charts": [{"title": None, "image": IMAGE}],
        "summary": None,
    },
    "register": {
        "year": None,
        "organisation": None,
        "registers": [
            {
                "name": None,
                "gender": None,
                "birth": None,
                "unit": None,
                "post": None,
                "summary": None,
                "summary_paragraphs": [None],
                "leader_comment": None,
                "grade": None,
                "opinion": None,
                "stamp": None,
                "last": None,
            }
        ],
    },
    "feedback": {
        "year": None,
        "title": None,
        "organisation": None,
        "recipient": None,
        "subject": None,
        "unit": None,
        "grade": None,
        "achievements": [None],
        "problems": [{"number": None, "text": None}],
        "suggestions": [None],
        "requirement": None,
        "date": None,
    },
}


def _font(document: Any) -> None:
    style = document.styles["Normal"]
    style.font.name = "宋体"
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")


def _title(document: Any, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold = True
    run.font.size = Pt(18)


def _heading(document: Any, text: str) -> None:
    run = document.add_paragraph().add_run(text)
    run.bold = True
    run.font.size = Pt(14)


def _table(document: Any, headers: list[str], loop: str, cells: list[str]) -> None:
    table = document.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
    table.rows[1].cells[0].text = "{%tr " + loop + " %}"
    for cell, text in zip(table.rows[2].cells, cells, strict=True):
        cell.text = text
    table.rows[3].cells[0].text = "{%tr endfor %}"


def _analysis(kind: str) -> Any:
    document = Document()
    _font(document)
    _title(document, "{{ title }}")
    document.add_paragraph(
        "考核对象：{{ name }}　　单位：{{ unit }}" + ("　　职务：{{ post }}" if kind == "cadre" else "")
    )
    document.add_paragraph(
        "考核组：{{ group }}　　年度：{{ year }}　　状态：{{ status }}（第{{ version }}稿）"
    )
    _heading(document, "一、考核得分")
    document.add_paragraph(
        "综合得分 {{ composite }}，在「{{ pool }}」{{ pool_size }} 个考核对象中排第 {{ rank }} 名；"
        "民主测评 {{ democratic }}；实绩 {{ performance }}。"
    )
    document.add_paragraph("{%p if rater_groups %}")
    _table(
        document,
        ["评价人类别", "有效票", "得分"],
        "for g in rater_groups",
        ["{{ g.name }}", "{{ g.ballots }}", "{{ g.score }}"],
    )
    document.add_paragraph("{%p endif %}")
    document.add_paragraph("{{ rater_groups_note }}")
    document.add_paragraph("{%p for a in aspects %}")
    document.add_paragraph("{{ a.name }}：{{ a.summary }}")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("{%p for s in sections %}")
    _heading(document, "{{ s.title }}")
    document.add_paragraph("{%p for line in s.paragraphs %}")
    document.add_paragraph("{{ line }}")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("{%p endfor %}")
    _heading(document, "集体研究讨论")
    document.add_paragraph("时间：{{ discussion.date }}")
    document.add_paragraph("参加人员：{{ discussion.attendees }}")
    document.add_paragraph("讨论结论：{{ discussion.conclusion }}")
    return document


def _cycle() -> Any:
    document = Document()
    _font(document)
    _title(document, "{{ title }}")
    document.add_paragraph("{{ summary }}")
    _heading(document, "一、参加考核情况")
    _table(document, ["项目", "数量"], "for p in participation", ["{{ p.name }}", "{{ p.value }}"])
    _heading(document, "二、民主测评参与率")
    _table(
        document,
        ["测评会", "应到人数", "有效票", "参与率"],
        "for t in turnout",
        ["{{ t.session }}", "{{ t.expected }}", "{{ t.ballots }}", "{{ t.rate }}"],
    )
    _heading(document, "三、等次分布")
    _table(
        document,
        ["类型", "类别/名额池", "各等次人数", "合计"],
        "for g in grades",
        ["{{ g.kind }}", "{{ g.group }}", "{{ g.counts }}", "{{ g.total }}"],
    )
    _heading(document, "四、优秀名额使用")
    _table(
        document,
        ["类型", "名额池", "参加定等", "优秀名额", "优秀", "使用率"],
        "for q in quotas",
        ["{{ q.kind }}", "{{ q.pool }}", "{{ q.size }}", "{{ q.quota }}", "{{ q.excellent }}", "{{ q.use }}"],
    )
    _heading(document, "五、与上年比较")
    document.add_paragraph("{%p for c in changes %}")
    document.add_paragraph("{{ c.text }}")
    document.add_paragraph("{%p endfor %}")
    _heading(document, "六、共性问题")
    document.add_paragraph("{%p for p in problems %}")
    document.add_paragraph("{{ p.text }}")
    document.add_paragraph("{%p endfor %}")
    _heading(document, "七、数据质量分析")
    document.add_paragraph("{%p for i in integrity %}")
    document.add_paragraph("{{ i.text }}")
    document.add_paragraph("{%p endfor %}")
    _heading(document, "附图")
    document.add_paragraph("{%p for c in charts %}")
    document.add_paragraph("{{ c.image }}")
    document.add_paragraph("{{ c.title }}").alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph("{%p endfor %}")
    return document


def _register() -> Any:
    document = Document()
    _font(document)
    document.add_paragraph("{%p for r in registers %}")
    _title(document, "{{ year }}年度考核登记表")
    table = document.add_table(rows=0, cols=4)
    table.style = "Table Grid"
    for left, right in (
        (("姓名", "{{ r.name }}"), ("性别", "{{ r.gender }}")),
        (("出生年月", "{{ r.birth }}"), ("单位", "{{ r.unit }}")),
    ):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = left
        cells[2].text, cells[3].text = right
    for label, value in (
        ("职务", "{{ r.post }}"),
        ("个人总结", None),
        ("主管领导评语", "{{ r.leader_comment }}"),
        ("考核等次", "{{ r.grade }}"),
        ("本人意见", "{{ r.opinion }}"),
        ("考核机关意见", "{{ r.stamp }}"),
    ):
        cells = table.add_row().cells
        cells[0].text = label
        merged = cells[1].merge(cells[3])
        if value is None:  # the summary: a paragraph a line
            merged.text = "{%p for line in r.summary_paragraphs %}"
            merged.add_paragraph("{{ line }}")
            merged.add_paragraph("{%p endfor %}")
        else:
            merged.text = value
    document.add_paragraph(
        "{{ organisation }}（盖章）　　　　年　　月　　日"
    ).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_paragraph("{%p if not loop.last %}")
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    document.add_paragraph("{%p endif %}")
    document.add_paragraph("{%p endfor %}")
    return document


def _feedback() -> Any:
    document = Document()
    _font(document)
    _title(document, "{{ title }}")
    document.add_paragraph("{{ recipient }}：")
    document.add_paragraph(
        "根据{{ year }}年度考核工作安排，考核组对{{ subject }}进行了年度考核。"
        "经考核工作领导小组审定，{{ subject }}{{ year }}年度考核等次为「{{ grade }}」。现将考核中反映的"
        "主要问题和改进建议反馈如下。"
    )
    _heading(document, "一、主要成绩")
    document.add_paragraph("{%p for line in achievements %}")
    document.add_paragraph("{{ line }}")
    document.add_paragraph("{%p endfor %}")
    _heading(document, "二、存在的问题")
    document.add_paragraph("{%p for p in problems %}")
    document.add_paragraph("{{ p.number }}. {{ p.text }}")
    document.add_paragraph("{%p endfor %}")
    _heading(document, "三、改进意见建议")
    document.add_paragraph("{%p for line in suggestions %}")
    document.add_paragraph("{{ line }}")
    document.add_paragraph("{%p endfor %}")
    _heading(document, "四、整改要求")
    document.add_paragraph("{{ requirement }}")
    document.add_paragraph("{{ organisation }}（盖章）　　{{ date }}").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return document


@cache
def default_template(kind: str) -> bytes:
    builders = {
        "team": lambda: _analysis("team"),
        "cadre": lambda: _analysis("cadre"),
        "cycle": _cycle,
        "register": _register,
        "feedback": _feedback,
    }
    document = builders[kind]()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()

"""Printed interview papers (python-docx) and the organiser's text export.

- the outline of one interview, as edited;
- the blank record form for handwriting, laid out like the app's record so it can be typed in later;
- every record of a cycle as plain text (export, organiser only).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document
from docx.shared import Pt

from kaohe.interviews.record import ASPECTS, GRADES, PROBLEM_TAGS, QUALITIES, InterviewRecord

CONFIDENTIAL = "机密 · 考核工作材料，不得复制、外传"


def _document(title: str) -> Document:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.size = Pt(11)
    doc.add_paragraph(CONFIDENTIAL)
    doc.add_heading(title, level=1)
    return doc


def _bytes(doc: Document) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def outline_docx(title: str, text: str) -> bytes:
    doc = _document(title)
    for line in text.splitlines():
        doc.add_paragraph(line)
    return _bytes(doc)


def blank_form_docx(unit: str, cycle: str, cadres: Sequence[str], recommend: bool) -> bytes:
    doc = _document(f"{cycle}个别谈话记录（{unit}）")
    head = doc.add_table(rows=3, cols=4)
    head.style = "Table Grid"
    for row, (a, b) in enumerate((("谈话人", "谈话日期"), ("谈话对象", "职务"), ("谈话对象类别", "记录人"))):
        head.cell(row, 0).text, head.cell(row, 2).text = a, b
    doc.add_heading("一、对领导班子的评价", level=2)
    team = doc.add_table(rows=len(ASPECTS), cols=2)
    team.style = "Table Grid"
    for i, aspect in enumerate(ASPECTS):
        team.cell(i, 0).text = aspect
    doc.add_heading("二、对班子成员的评价", level=2)
    people = doc.add_table(rows=len(cadres) + 1, cols=len(QUALITIES) + 2)
    people.style = "Table Grid"
    for j, heading in enumerate(("姓名", *QUALITIES, "推荐等次")):
        people.cell(0, j).text = heading
    for i, name in enumerate(cadres, 1):
        people.cell(i, 0).text = name
        people.cell(i, len(QUALITIES) + 1).text = "  ".join(f"□{g}" for g in GRADES)
    doc.add_heading("三、反映的问题", level=2)
    doc.add_paragraph("  ".join(f"□{tag}" for tag in PROBLEM_TAGS))
    for _ in range(6):
        doc.add_paragraph("")
    doc.add_heading("四、意见建议", level=2)
    for _ in range(4):
        doc.add_paragraph("")
    if recommend:
        doc.add_heading("五、推荐人选", level=2)
        doc.add_paragraph("")
    doc.add_paragraph("谈话人签名：                        谈话对象签名（可不签）：")
    return _bytes(doc)


def record_lines(record: InterviewRecord, cadre_names: dict[int, str] | None = None) -> list[str]:
    lines = [
        f"谈话日期：{record.held_on:%Y-%m-%d}",
        f"谈话人：{'、'.join(record.interviewers)}",
        f"谈话对象：{record.interviewee_name}（{record.interviewee_post}）",
        "对领导班子的评价：",
    ]
    lines += [f"  {aspect}：{record.team[aspect]}" for aspect in ASPECTS if record.team.get(aspect)]
    lines.append("对班子成员的评价：")
    for c in record.cadres:
        comments = "；".join(f"{q}：{c.comments[q]}" for q in QUALITIES if c.comments.get(q))
        lines.append(f"  {c.name}：{comments or '—'}；推荐等次：{c.grade or '未提出'}")
    lines.append(f"问题类别：{'、'.join(record.problem_tags) or '—'}")
    lines.append(f"反映的问题：{record.problems or '—'}")
    lines.append(f"意见建议：{record.suggestions or '—'}")
    if record.recommended:
        names = cadre_names or {c.cadre_id: c.name for c in record.cadres}
        lines.append(f"推荐人选：{'、'.join(names.get(pk, str(pk)) for pk in record.recommended)}")
    lines.append(f"录入方式：{'手写记录录入' if record.source == 'handwritten' else '谈话时录入'}")
    return lines


def records_text(cycle, records: Sequence[tuple]) -> str:
    out = [f"{cycle.name} 个别谈话记录", CONFIDENTIAL, ""]
    for person, record in records:
        out.append(f"【{person.unit.name}】{person.get_kind_display()}")
        out += record_lines(record)
        out.append("")
    return "\n".join(out)

"""The per-unit 审定表 (approval sheet): the unit's team and cadres with scores, ranks, grades and the
committee's decisions, for the 考核组, 考核办 and 领导小组 to sign.

Once the cycle is finalised the sheet shows the sealed final results (``FinalResult`` of the latest seal);
before that, the current run with the committee's active decisions applied, marked as a draft (拟定). The
same ``ApprovalSheet`` renders as a printable HTML page and as a .docx (python-docx).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.utils import timezone
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from kaohe.audit.anchors import printed_line
from kaohe.crypto.modes import shown
from kaohe.org.models import Unit
from kaohe.plans.models import AssessedCadre, AssessmentCycle
from kaohe.results import selectors
from kaohe.results.feedback import decision_text, final_decision_text, flag_labels, latest_seal, voided_codes
from kaohe.results.models import FinalResult, Kind, Quota, Result

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SIGNATURES = ("考核组意见", "考核办意见", "考核工作领导小组意见")
EXCELLENT = "优秀"


@dataclass
class SheetRow:
    kind: str
    code: str
    name: str
    post: str
    pool: str
    democratic: str | None
    performance: Decimal | None
    composite: Decimal | None
    rank: int | None
    pool_size: int
    computed_grade: str
    grade: str
    flags: list[str]
    decision: str  # the committee's decision and its reason, blank when none
    void: bool = False

    @property
    def rank_text(self) -> str:
        return "—" if self.rank is None else f"{self.rank}/{self.pool_size}"

    @property
    def changed(self) -> bool:
        return self.grade != self.computed_grade


@dataclass
class PoolLine:
    kind: str
    pool: str
    size: int
    theoretical: Decimal
    quota: int
    excellent: int

    @property
    def kind_label(self) -> str:
        return selectors.KIND_LABELS[Kind(self.kind)]


@dataclass
class ApprovalSheet:
    cycle: AssessmentCycle
    unit: Unit
    finalised: bool
    run_version: int | None
    seal_hash: str = ""
    seal_algorithm: str = ""  # sha256, sm3
    team: list[SheetRow] = field(default_factory=list)
    cadres: list[SheetRow] = field(default_factory=list)
    pools: list[PoolLine] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.cycle.year}年度考核结果审定表"

    @property
    def status(self) -> str:
        if self.run_version is None:
            return "尚未计算考核结果"
        if self.finalised:
            return f"已定档（第{self.run_version}次计算，封存哈希 {shown(self.seal_algorithm, self.seal_hash[:12])}…）"
        return f"拟定（第{self.run_version}次计算，领导小组决定已计入，尚未定档）"

    @property
    def empty(self) -> bool:
        return not self.team and not self.cadres

    @cached_property
    def audit_anchor(self) -> str:
        # The printed sheet is an anchor kept outside the database (`kaohe audit verify --anchor`).
        return printed_line()


def _democratic(value: dict | None) -> str | None:
    return value["score"] if value else None


def approval_sheet(cycle: AssessmentCycle, unit: Unit) -> ApprovalSheet:
    """The unit's sheet: sealed final results when the cycle is finalised, else the decided current run."""
    state = selectors.results_state(cycle)
    seal = latest_seal(cycle)
    posts = dict(AssessedCadre.objects.filter(cycle=cycle, unit=unit).values_list("cadre_id", "post"))
    rows: list[SheetRow] = []
    if state.finalised and seal is not None and state.run is not None:
        run = state.run  # the sealed run: finalised means the latest seal is of the current run
        sheet = ApprovalSheet(cycle, unit, True, run.version, seal.hash, seal.algorithm)
        voided = voided_codes([seal.pk])
        finals = (
            FinalResult.objects.filter(seal=seal, unit=unit)
            .select_related("result")
            .order_by("-kind", "rank", "code")
        )
        for f in finals:
            rows.append(
                SheetRow(
                    kind=f.kind,
                    code=f.code,
                    name=f.name,
                    post=posts.get(f.cadre_id, "") if f.cadre_id else "",
                    pool=f.pool,
                    democratic=_democratic(f.result.democratic),
                    performance=f.result.performance,
                    composite=f.composite,
                    rank=f.rank,
                    pool_size=f.pool_size,
                    computed_grade=f.computed_grade,
                    grade=f.grade,
                    flags=flag_labels(f.flags),
                    decision=final_decision_text(f),
                    void=(seal.pk, f.kind, f.code) in voided,
                )
            )
    elif state.run is not None:
        run = state.run
        sheet = ApprovalSheet(cycle, unit, False, run.version)
        results = Result.objects.filter(run=run, unit=unit).order_by("-kind", "rank", "code")
        for d in selectors.decided_results(cycle, results, state.voided):
            r = d.result
            decision = ""
            if d.decision is not None:
                decision = decision_text(
                    r.grade, d.grade, selectors.decision_label(d.decision), d.decision.reason
                )
            rows.append(
                SheetRow(
                    kind=r.kind,
                    code=r.code,
                    name=r.name,
                    post=posts.get(r.cadre_id, "") if r.cadre_id else "",
                    pool=r.pool,
                    democratic=_democratic(r.democratic),
                    performance=r.performance,
                    composite=r.composite,
                    rank=r.rank,
                    pool_size=r.pool_size,
                    computed_grade=r.grade,
                    grade=d.grade,
                    flags=d.flag_labels,
                    decision=decision,
                    void=d.void,
                )
            )
    else:
        return ApprovalSheet(cycle, unit, False, None)
    rows.sort(key=lambda row: (row.kind != Kind.TEAM, row.rank is None, row.rank or 0, row.code))
    sheet.team = [row for row in rows if row.kind == Kind.TEAM]
    sheet.cadres = [row for row in rows if row.kind == Kind.CADRE]
    sheet.pools = _pools(
        cycle, run, {(row.kind, row.pool) for row in rows}, seal if sheet.finalised else None
    )
    return sheet


def _pools(cycle: AssessmentCycle, run, keys: set[tuple[str, str]], seal) -> list[PoolLine]:
    """The quota pools the unit's rows are counted in, 优秀 as decided (or as sealed)."""
    if seal is not None:
        lines = []
        for q in Quota.objects.filter(run=run).order_by("-kind", "pool"):
            if (q.kind, q.pool) not in keys:
                continue
            excellent = FinalResult.objects.filter(
                seal=seal, kind=q.kind, pool=q.pool, grade=EXCELLENT
            ).count()
            lines.append(PoolLine(q.kind, q.pool, q.size, q.theoretical, q.quota, excellent))
        return lines
    return [
        PoolLine(p.kind, p.pool, p.size, p.theoretical, p.quota, p.excellent)
        for p in selectors.pool_states(cycle, run)
        if (p.kind, p.pool) in keys
    ]


# --- .docx ------------------------------------------------------------------------------------------------

HEADERS = (
    "姓名",
    "职务",
    "民主测评",
    "实绩",
    "综合得分",
    "排名",
    "计算等次",
    "审定等次",
    "标记",
    "领导小组决定",
)
TEAM_HEADERS = (
    "名称",
    "名额池",
    "民主测评",
    "实绩",
    "综合得分",
    "排名",
    "计算等次",
    "审定等次",
    "标记",
    "领导小组决定",
)


def _cell_text(value: object) -> str:
    if value is None or value == "":
        return "—"
    return str(value)


def _row_cells(row: SheetRow, first: str, second: str) -> list[str]:
    grade = "无效，待重新考核" if row.void else row.grade
    return [
        first,
        second,
        _cell_text(row.democratic),
        _cell_text(row.performance),
        _cell_text(row.composite),
        row.rank_text,
        row.computed_grade,
        grade,
        "、".join(row.flags) or "—",
        row.decision or "—",
    ]


def _set_font(document) -> None:
    style = document.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(10.5)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")


def _table(document, headers: tuple[str, ...], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for values in rows:
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text


def approval_sheet_docx(sheet: ApprovalSheet) -> bytes:
    document = Document()
    _set_font(document)
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.8))
    heading = document.add_heading(sheet.title, level=1)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    meta = document.add_paragraph(f"单位：{sheet.unit.name}（{sheet.unit.code}）　　状态：{sheet.status}")
    meta.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if sheet.empty:
        document.add_paragraph("本单位在本年度考核结果中没有领导班子或干部的结果。")
    if sheet.team:
        document.add_heading("领导班子", level=2)
        _table(document, TEAM_HEADERS, [_row_cells(r, r.name, r.pool) for r in sheet.team])
    if sheet.cadres:
        document.add_heading("领导干部", level=2)
        _table(document, HEADERS, [_row_cells(r, r.name, r.post) for r in sheet.cadres])
    if sheet.pools:
        document.add_heading("优秀名额", level=2)
        _table(
            document,
            ("类型", "名额池", "参加定等人数", "理论名额", "优秀名额", "审定优秀"),
            [
                [p.kind_label, p.pool, str(p.size), str(p.theoretical), str(p.quota), str(p.excellent)]
                for p in sheet.pools
            ],
        )
    document.add_paragraph("")
    for label in SIGNATURES:
        document.add_paragraph(f"{label}：")
        document.add_paragraph("")
        signature = document.add_paragraph("签字（盖章）：____________________　　日期：______年____月____日")
        signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = document.add_paragraph(f"生成时间：{timezone.localtime():%Y-%m-%d %H:%M}")
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_paragraph(sheet.audit_anchor).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()

"""全程纪实: one timeline per cadre and per leadership team of everything recorded about them.

Each kind of record is one source function (subject → entries) in ``SOURCES``; a newer app adds its
records by adding one function and its audience. Each source says who may read it: ``OWN`` entries (posts,
grades and their explanations, what was fed back, the four lists, quarterly grades) are read by the cadre
they are about as well as the organisation; ``NOTES`` (decisions and their reasons, 公示 objections, bonuses
and deductions, vetoes, sanctions, voids, visits, on-site verification, interview summaries) only by the
organisation's readers (``selectors.NOTE_READERS``, who are also those who read interview summaries). A
source whose records the account may not read is never queried. Interview summaries are counts under the
k rule (``interviews.summary``), never a word of a record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone

from kaohe.interviews.models import Interview, Interviewee
from kaohe.interviews.selectors import unit_summaries
from kaohe.org.models import Cadre, Position, Unit
from kaohe.performance.models import Adjustment, PriorGrade, Sanction, Verification, Veto
from kaohe.plans.models import AssessedCadre, AssessmentCycle
from kaohe.profiles.gather import safe_explanation
from kaohe.records.models import ListItem, ListKind, QuarterlyGrade, Visit
from kaohe.results.feedback import acknowledgements, final_decision_text, flag_labels, latest_seal_ids
from kaohe.results.models import Decision, FinalResult, Kind, Objection, ResultVoid

OWN = "own"
NOTES = "notes"


@dataclass(frozen=True)
class Subject:
    kind: str  # Kind.CADRE or Kind.TEAM
    cadre: Cadre | None
    unit: Unit | None
    k: int

    @property
    def code(self) -> str:
        return self.cadre.code if self.cadre else self.unit.code  # type: ignore[union-attr]

    @property
    def names(self) -> set[str]:
        """How a 公示 objection may name the subject."""
        if self.cadre:
            return {self.cadre.name, self.cadre.code}
        assert self.unit is not None
        return {self.unit.name, self.unit.code, f"{self.unit.name}领导班子"}


@dataclass(frozen=True)
class Entry:
    year: int
    day: date | None
    kind: str
    title: str
    detail: str = ""

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "date": self.day.isoformat() if self.day else None,
            "kind": self.kind,
            "label": self.label,
            "title": self.title,
            "detail": self.detail,
        }


def _day(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment else None


def _positions(s: Subject) -> list[Entry]:
    rows = (
        Position.objects.filter(cadre=s.cadre).select_related("unit")
        if s.kind == Kind.CADRE
        else Position.objects.filter(unit=s.unit).select_related("cadre")
    )
    out = []
    for p in rows:
        who = p.unit.name if s.kind == Kind.CADRE else p.cadre.name
        role = f"{who}{p.title}" + ("（主要负责人）" if p.principal else "")
        if p.start:
            out.append(Entry(p.start.year, p.start, "post", f"任职：{role}"))
        if p.end:
            out.append(Entry(p.end.year, p.end, "post", f"离任：{role}"))
    return out


def _finals(s: Subject) -> list[FinalResult]:
    subject = Q(cadre=s.cadre) if s.kind == Kind.CADRE else Q(unit=s.unit)
    seals = list(latest_seal_ids().values())
    return list(
        FinalResult.objects.filter(subject, kind=s.kind, seal_id__in=seals).select_related(
            "cycle", "result", "seal"
        )
    )


def _grades(s: Subject) -> list[Entry]:
    out = []
    for f in _finals(s):
        detail = safe_explanation(f, f.result.democratic, s.k)
        flags = "、".join(flag_labels(f.flags))
        if flags:
            detail = f"{detail}（{flags}）"
        if f.manual:
            detail = f"{detail}\n{final_decision_text(f)}"  # as fed back
        score = f"，综合得分{f.composite}" if f.composite is not None else ""
        rank = f"，排名{f.rank}/{f.pool_size}" if f.rank else ""
        out.append(
            Entry(
                f.cycle.year,
                _day(f.seal.created_at),
                "grade",
                f"{f.cycle.year}年度考核等次：{f.grade}{score}{rank}",
                detail,
            )
        )
    priors = (
        PriorGrade.objects.filter(cadre=s.cadre)
        if s.kind == Kind.CADRE
        else PriorGrade.objects.filter(unit=s.unit)
    )
    out += [
        Entry(p.year, None, "grade", f"{p.year}年度考核等次：{p.grade}", "往年等次（导入）") for p in priors
    ]
    return out


def _feedback(s: Subject) -> list[Entry]:
    finals = {f.pk: f for f in _finals(s)}
    out = []
    for pk, ack in acknowledgements(list(finals)).items():
        f = finals[pk]
        out.append(
            Entry(
                f.cycle.year,
                _day(ack.at),
                "feedback",
                f"确认收到{f.cycle.year}年度考核结果：{ack.opinion_label}",
                ack.text,
            )
        )
    return out


def _target(s: Subject) -> Q:
    return Q(cadre=s.cadre) if s.kind == Kind.CADRE else Q(unit=s.unit, cadre__isnull=True)


def _sanctions(s: Subject) -> list[Entry]:
    if s.kind != Kind.CADRE:
        return []
    return [
        Entry(x.year, None, "sanction", f"处分：{x.name}", x.note)
        for x in Sanction.objects.filter(cadre=s.cadre)
    ]


def _vetoes(s: Subject) -> list[Entry]:
    rows = Veto.objects.filter(_target(s)).select_related("cycle")
    return [Entry(v.cycle.year, None, "veto", f"一票否决：{v.item}") for v in rows]


def _adjustments(s: Subject) -> list[Entry]:
    rows = Adjustment.objects.filter(_target(s)).select_related("cycle")
    return [
        Entry(
            a.cycle.year,
            _day(a.decided_at),
            "adjustment",
            f"{a.get_kind_display()}{a.points}分（{a.get_status_display()}）",
            a.reason,
        )
        for a in rows
    ]


def _decisions(s: Subject) -> list[Entry]:
    rows = Decision.objects.filter(kind=s.kind, code=s.code).select_related("cycle")
    return [
        Entry(
            d.cycle.year,
            _day(d.created_at),
            "decision",
            f"领导小组{d.get_decision_display()}：{d.computed_grade} → {d.grade}（{d.get_status_display()}）",
            "\n".join(x for x in (d.reason, d.notice) if x),
        )
        for d in rows
    ]


def _objections(s: Subject) -> list[Entry]:
    rows = Objection.objects.filter(subject__in=s.names).select_related("notice__cycle")
    return [
        Entry(
            o.notice.cycle.year,
            o.received_on,
            "objection",
            "公示期间收到反映" + ("（已处理）" if o.handled_at else "（未处理）"),
            o.content + (f"\n处理情况：{o.handling}" if o.handling else ""),
        )
        for o in rows
    ]


def _voids(s: Subject) -> list[Entry]:
    out = []
    for v in ResultVoid.objects.select_related("cycle"):
        if [s.kind, s.code] in v.codes:
            out.append(Entry(v.cycle.year, _day(v.created_at), "void", "考核结果宣布无效", v.reason))
    return out


LIST_ITEMS_SHOWN = 5  # a month's items quoted in its entry


def _list_items(s: Subject) -> list[Entry]:
    """The subject's own four lists, one entry a month and list: how many items, how many done and checked."""
    months: dict[tuple[int, int, str], list[ListItem]] = {}
    for item in (
        ListItem.objects.filter(_target(s)).select_related("cycle").order_by("cycle__year", "month", "pk")
    ):
        months.setdefault((item.cycle.year, item.month, item.kind), []).append(item)
    out = []
    for (year, month, kind), items in months.items():
        done = sum(1 for i in items if i.completed)
        checked = sum(1 for i in items if i.verified_at)
        title = f"{month}月{ListKind(kind).label}：{len(items)}项（完成{done}项，核实{checked}项）"
        shown = [" ".join(i.content.split())[:60] for i in items[:LIST_ITEMS_SHOWN]]
        more = f"\n等{len(items)}项" if len(items) > LIST_ITEMS_SHOWN else ""
        out.append(Entry(year, date(year, month, 1), "list", title, "\n".join(shown) + more))
    return out


def _quarterly(s: Subject) -> list[Entry]:
    if s.kind != Kind.CADRE:
        return []
    rows = QuarterlyGrade.objects.filter(cadre=s.cadre).select_related("cycle")
    return [
        Entry(
            q.cycle.year,
            date(q.cycle.year, q.quarter * 3, 1),
            "quarterly",
            f"第{q.quarter}季度平时考核：{q.get_grade_display()}",
            q.reason,
        )
        for q in rows
    ]


def _visits(s: Subject) -> list[Entry]:
    if s.kind != Kind.TEAM:
        return []
    rows = Visit.objects.filter(unit=s.unit).select_related("cycle")
    return [
        Entry(v.cycle.year, v.date, "visit", f"一线考察（{v.get_method_display()}）：{v.members}", v.findings)
        for v in rows
    ]


def _verifications(s: Subject) -> list[Entry]:
    if s.kind != Kind.TEAM:
        return []
    rows = Verification.objects.filter(unit=s.unit).select_related("cycle", "indicator")
    return [
        Entry(
            v.cycle.year,
            _day(v.verified_at),
            "verification",
            f"现场核验「{v.indicator.name}」：{v.score}分",
            v.reason,
        )
        for v in rows
    ]


def _counted(pairs) -> str:  # noqa: ANN001
    return "、".join(f"{name}{count}人次" for name, count in pairs if count)


def _interviews(s: Subject) -> list[Entry]:
    """Each year's interview summary of the subject's unit where one may be shown (complete, k or more)."""
    if s.kind == Kind.TEAM:
        assert s.unit is not None
        units = dict(Interviewee.objects.filter(unit=s.unit).values_list("cycle_id", "unit_id").distinct())
    else:
        units = dict(AssessedCadre.objects.filter(cadre=s.cadre).values_list("cycle_id", "unit_id"))
    held = set(
        Interview.objects.filter(
            interviewee__cycle_id__in=units, interviewee__unit_id__in=set(units.values())
        )
        .values_list("interviewee__cycle_id", "interviewee__unit_id")
        .distinct()
    )
    units = {cycle: unit for cycle, unit in units.items() if (cycle, unit) in held}  # a year with records
    out = []
    for cycle in AssessmentCycle.objects.filter(pk__in=units).order_by("year"):
        summary = unit_summaries(cycle, [units[cycle.pk]])[units[cycle.pk]]
        if not summary.shown:
            continue
        if s.kind == Kind.TEAM:
            tags = _counted(summary.problem_tags[:3])
            detail = f"反映较多的问题：{tags}" if tags else "未集中反映问题"
        else:
            row = next((c for c in summary.cadres if c.cadre_id == s.cadre.pk), None)  # type: ignore[union-attr]
            if row is None or row.grades is None:
                continue
            detail = f"等次意见：{_counted(row.grades)}" + (
                f"；{row.recommended}人次推荐进一步使用" if row.recommended else ""
            )
        out.append(Entry(cycle.year, None, "interview", f"个别谈话{summary.interviews}人次", detail))
    return out


KIND_LABELS = {
    "post": "任职",
    "grade": "年度等次",
    "feedback": "结果反馈",
    "sanction": "处分",
    "veto": "一票否决",
    "adjustment": "加减分",
    "decision": "领导小组决定",
    "objection": "公示反映",
    "void": "结果无效",
    "list": "四张清单",
    "quarterly": "平时考核",
    "visit": "一线考察",
    "verification": "现场核验",
    "interview": "个别谈话",
}

# (kind, audience, source): one line per kind of record.
SOURCES: list[tuple[str, str, Callable[[Subject], list[Entry]]]] = [
    ("post", OWN, _positions),
    ("grade", OWN, _grades),
    ("feedback", OWN, _feedback),
    ("list", OWN, _list_items),
    ("quarterly", OWN, _quarterly),
    ("sanction", NOTES, _sanctions),
    ("veto", NOTES, _vetoes),
    ("adjustment", NOTES, _adjustments),
    ("decision", NOTES, _decisions),
    ("objection", NOTES, _objections),
    ("void", NOTES, _voids),
    ("visit", NOTES, _visits),
    ("verification", NOTES, _verifications),
    ("interview", NOTES, _interviews),
]


def timeline(
    s: Subject, *, notes: bool, kinds: set[str] | None = None, year: int | None = None
) -> list[Entry]:
    """The subject's entries the reader may see (``notes``: the organisation's too), newest first."""
    entries: list[Entry] = []
    for kind, audience, source in SOURCES:
        if audience == NOTES and not notes:
            continue
        if kinds and kind not in kinds:
            continue
        entries += source(s)
    if year is not None:
        entries = [e for e in entries if e.year == year]
    entries.sort(key=lambda e: (e.year, e.day or date(e.year, 12, 31), e.kind), reverse=True)
    return entries


def kinds_for(notes: bool) -> list[tuple[str, str]]:
    return [(kind, KIND_LABELS[kind]) for kind, audience, _ in SOURCES if notes or audience == OWN]

"""Reading reports and the data they are drafted from, as a given account may.

Readers of the 综合分析报告: the organiser and the committee (all), an assessor (the reports of the units
their assessment groups cover in that cycle). Never the unit's liaison, its leaders or the cadre: deny by
default, 404 for a report outside the scope. The drafting data is plain: ``DraftInput`` rows built from the
current results (the sealed ones when the cycle is finalised, else the current run with the committee's
decisions), with the k rule applied here and only here (k from ``kaohe.anonymity``).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404

from kaohe.accounts.models import Role
from kaohe.anonymity import min_group
from kaohe.ballots.models import BallotItemAnswer, BallotTemplate, TemplateKind
from kaohe.interviews import selectors as interview_selectors
from kaohe.performance.models import Adjustment, AdjustmentStatus, PriorGrade, Verification, Veto
from kaohe.plans.models import AssessedCadre, AssessmentCycle, AssessmentGroup
from kaohe.records.models import ListItem, ListKind
from kaohe.reports import drafting
from kaohe.reports.models import AnalysisReport, Register, ReportKind
from kaohe.results import selectors as results_selectors
from kaohe.results.feedback import latest_seal
from kaohe.results.models import FinalResult, Result

REPORT_READERS = (Role.ORGANISER, Role.COMMITTEE, Role.ASSESSOR)
REPORT_REVIEWERS = (Role.ORGANISER,)
CYCLE_REPORT_READERS = (Role.ORGANISER, Role.COMMITTEE)
REGISTER_MANAGERS = (Role.ORGANISER,)


# --- who reads what ---------------------------------------------------------------------------------------


def group_unit_ids(user, cycle: AssessmentCycle) -> set[int]:
    """The units the assessor's assessment groups cover in ``cycle``."""
    return set(
        AssessmentGroup.units.through.objects.filter(
            assessmentgroup__cycle=cycle, assessmentgroup__members=user
        ).values_list("unit_id", flat=True)
    )


def visible_reports(user, cycle: AssessmentCycle) -> QuerySet[AnalysisReport]:
    reports = AnalysisReport.objects.filter(cycle=cycle).select_related("unit", "cadre", "cycle")
    if user.has_role(Role.ORGANISER, Role.COMMITTEE):
        return reports
    if user.has_role(Role.ASSESSOR):
        return reports.filter(unit_id__in=group_unit_ids(user, cycle))
    return reports.none()


def get_report(user, cycle: AssessmentCycle, pk: int) -> AnalysisReport:
    report = visible_reports(user, cycle).filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


def may_write(user, report: AnalysisReport) -> bool:
    """The unit's assessment group drafts, edits and submits (while a draft or returned)."""
    return (
        user.has_role(Role.ASSESSOR)
        and report.unit_id in group_unit_ids(user, report.cycle)
        and report.status in ("draft", "returned")
    )


def group_names(cycle: AssessmentCycle) -> dict[int, str]:
    names: dict[int, list[str]] = defaultdict(list)
    for unit_id, name in AssessmentGroup.units.through.objects.filter(
        assessmentgroup__cycle=cycle
    ).values_list("unit_id", "assessmentgroup__name"):
        names[unit_id].append(name)
    return {unit_id: "、".join(sorted(v)) for unit_id, v in names.items()}


def own_register(user, cycle: AssessmentCycle) -> Register:
    """A cadre's own 登记表 of ``cycle`` (made on first visit if they were assessed that year); else 404."""
    if not user.has_role(Role.CADRE) or user.cadre_id is None:
        raise Http404
    if not AssessedCadre.objects.filter(cycle=cycle, cadre_id=user.cadre_id).exists():
        raise Http404
    register, _ = Register.objects.get_or_create(cycle=cycle, cadre_id=user.cadre_id)
    return register


# --- drafting data ----------------------------------------------------------------------------------------


def _groups_shown(democratic: dict[str, Any] | None, k: int) -> list[drafting.RaterGroup] | None:
    """Every rater group with its score, or None when any group with ballots has fewer than k.

    All or nothing: with the overall score known, showing all groups but a small one would let its score
    be worked out from the weights."""
    if not democratic or not democratic.get("groups"):
        return None
    groups = democratic["groups"]
    if any(0 < values["valid"] < k for values in groups.values()):
        return None
    return [
        drafting.RaterGroup(name, values["valid"], Decimal(values["score"]))
        for name, values in groups.items()
        if values["valid"] > 0
    ]


def _shares(democratic: dict[str, Any] | None, k: int) -> dict[str, Decimal] | None:
    if not democratic or democratic.get("valid", 0) < k:
        return None
    return {name: Decimal(value) for name, value in democratic.get("shares", {}).items()}


def _aspects(cycle: AssessmentCycle, k: int) -> dict[tuple[str, int], list[drafting.Aspect]]:
    """Each target's aspects (items beside 总体评价), pooled over all raters; only those with k or more."""
    from kaohe.ballots.selectors import counted_sessions

    order: dict[str, list[str]] = {}
    for items in BallotTemplate.objects.filter(kind__in=(TemplateKind.TEAM, TemplateKind.CADRE)).values_list(
        "items", flat=True
    ):
        for item in items or []:
            order.setdefault(item["name"], list(item.get("choices", [])))
    rows = (
        BallotItemAnswer.objects.filter(
            ballot__session__in=counted_sessions(cycle),
            template__kind__in=(TemplateKind.TEAM, TemplateKind.CADRE),
        )
        .order_by()
        .values_list("unit_id", "cadre_id", "item", "choice")
        .annotate(n=Count("pk"))
    )
    counts: dict[tuple[str, int], dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for unit_id, cadre_id, item, choice, n in rows:
        key = ("cadre", cadre_id) if cadre_id else ("team", unit_id)
        counts[key][item][choice] = counts[key][item].get(choice, 0) + n
    found: dict[tuple[str, int], list[drafting.Aspect]] = {}
    for key, items in counts.items():
        aspects = []
        for item, by_choice in items.items():
            total = sum(by_choice.values())
            if total < k:
                continue
            choices = order.get(item) or sorted(by_choice)
            ordered = {c: by_choice.get(c, 0) for c in choices}
            ordered.update({c: n for c, n in by_choice.items() if c not in ordered})
            aspects.append(drafting.Aspect(item, ordered, total))
        found[key] = aspects
    return found


def _notes(cycle: AssessmentCycle) -> dict[tuple[str, int], list[drafting.Note]]:
    notes: dict[tuple[str, int], list[drafting.Note]] = defaultdict(list)
    for v in Verification.objects.filter(cycle=cycle).select_related("indicator").order_by("indicator__code"):
        notes[("team", v.unit_id)].append(
            drafting.Note("核验", f"「{v.indicator.name}」核验为{v.score}分，{v.reason}".rstrip("，"))
        )
    for a in Adjustment.objects.filter(cycle=cycle, status=AdjustmentStatus.APPROVED).order_by("pk"):
        key = ("cadre", a.cadre_id) if a.cadre_id else ("team", a.unit_id)
        notes[key].append(drafting.Note(a.kind, a.reason, a.points))
    for veto in Veto.objects.filter(cycle=cycle).order_by("pk"):
        key = ("cadre", veto.cadre_id) if veto.cadre_id else ("team", veto.unit_id)
        notes[key].append(drafting.Note("否决", veto.item))
    return notes


def _last_year(cycle: AssessmentCycle) -> dict[tuple[str, int], drafting.LastYear]:
    found: dict[tuple[str, int], drafting.LastYear] = {}
    year = cycle.year - 1
    for p in PriorGrade.objects.filter(year=year):
        key = ("cadre", p.cadre_id) if p.cadre_id else ("team", p.unit_id)
        found[key] = drafting.LastYear(year, p.grade)
    previous = AssessmentCycle.objects.filter(year=year).first()
    seal = latest_seal(previous) if previous else None
    if seal is not None:
        for f in FinalResult.objects.filter(seal=seal):
            key = ("cadre", f.cadre_id) if f.cadre_id else ("team", f.unit_id)
            found[key] = drafting.LastYear(year, f.grade, f.rank, f.pool_size, f.composite)
    return found


def _standing(cycle: AssessmentCycle) -> dict[tuple[str, int], dict[str, Any]]:
    """Each target's figures as they stand: sealed final results, else the current run with decisions."""
    seal = latest_seal(cycle)
    run = results_selectors.current_run(cycle)
    if run is None:
        return {}
    decisions = results_selectors.active_decisions(cycle)
    finals = {}
    if seal is not None:
        run = seal.run
        finals = {(f.kind, f.code): f.grade for f in FinalResult.objects.filter(seal=seal)}
    found = {}
    for r in Result.objects.filter(run=run).order_by("position"):
        key = ("cadre", r.cadre_id) if r.cadre_id else ("team", r.unit_id)
        grade = finals.get((r.kind, r.code)) or results_selectors.final_grade(
            r.grade, decisions.get((r.kind, r.code))
        )
        found[key] = {"result": r, "grade": grade}
    return found


def _interviews(cycle: AssessmentCycle, unit_ids: list[int]) -> dict[tuple[str, int], drafting.Interviews]:
    """The interview summaries' counts of the units' teams and cadres, where a summary may be shown (the
    unit's interviews complete, k or more of them); never a word of a record."""
    found: dict[tuple[str, int], drafting.Interviews] = {}
    for unit_id, summary in interview_selectors.unit_summaries(cycle, unit_ids).items():
        if not summary.shown:
            continue
        found[("team", unit_id)] = drafting.Interviews(summary.interviews, problems=summary.problem_tags)
        for c in summary.cadres:
            found[("cadre", c.cadre_id)] = drafting.Interviews(
                summary.interviews, grades=c.grades, recommended=c.recommended
            )
    return found


ITEM_CHARS = 40  # an item's content as the report quotes it


def _lists(cycle: AssessmentCycle, unit_ids: list[int]) -> dict[tuple[str, int], dict[str, list[str]]]:
    """The year's four lists of the units (team) and of their cadres (cadre), by the name a report gives
    them: achievements, progress, problems and the tasks overdue at the year's end."""
    year_end = datetime.date(cycle.year, 12, 31)
    names = {ListKind.ACHIEVEMENT: "成绩清单", ListKind.PROGRESS: "进度清单", ListKind.PROBLEM: "问题清单"}
    found: dict[tuple[str, int], dict[str, list[str]]] = defaultdict(dict)
    items = ListItem.objects.filter(cycle=cycle, unit_id__in=unit_ids).order_by("month", "pk")
    for unit_id, cadre_id, kind, content, due, completed in items.values_list(
        "unit_id", "cadre_id", "kind", "content", "due", "completed"
    ):
        if kind == ListKind.TASK:
            if due is None or due > year_end or (completed is not None and completed <= due):
                continue
            name = drafting.OVERDUE
        else:
            name = names[kind]
        text = " ".join(content.split())
        text = text if len(text) <= ITEM_CHARS else text[: ITEM_CHARS - 1] + "…"
        key = ("cadre", cadre_id) if cadre_id else ("team", unit_id)
        found[key].setdefault(name, []).append(text)
    return found


def draft_inputs(
    cycle: AssessmentCycle, kind: str, only: set[int] | None = None
) -> dict[int, drafting.DraftInput]:
    """{unit id (teams) or cadre id (cadres): the DraftInput} of the targets assessed in ``cycle``."""
    from kaohe.plans.models import AssessedUnit

    k = min_group()
    standing = _standing(cycle)
    aspects = _aspects(cycle, k)
    notes = _notes(cycle)
    last = _last_year(cycle)
    labels = results_selectors.pool_labels({s["result"].pool for s in standing.values()})
    for stand in standing.values():
        stand["pool"] = labels.get(stand["result"].pool, stand["result"].pool)
    found: dict[int, drafting.DraftInput] = {}
    if kind == ReportKind.TEAM:
        subjects = AssessedUnit.objects.filter(cycle=cycle).select_related("unit")
        if only is not None:
            subjects = subjects.filter(unit_id__in=only)
        subjects = list(subjects)
        unit_ids = [s.unit_id for s in subjects]
        heard, lists = _interviews(cycle, unit_ids), _lists(cycle, unit_ids)
        for s in subjects:
            found[s.unit_id] = _input(
                cycle,
                "team",
                s.unit_id,
                f"{s.unit.name}领导班子",
                s.unit.name,
                "",
                standing,
                aspects,
                notes,
                last,
                heard,
                lists,
                k,
            )
    else:
        subjects = AssessedCadre.objects.filter(cycle=cycle).select_related("cadre", "unit")
        if only is not None:
            subjects = subjects.filter(cadre_id__in=only)
        subjects = list(subjects)
        unit_ids = sorted({c.unit_id for c in subjects})
        heard, lists = _interviews(cycle, unit_ids), _lists(cycle, unit_ids)
        for c in subjects:
            found[c.cadre_id] = _input(
                cycle,
                "cadre",
                c.cadre_id,
                c.cadre.name,
                c.unit.name,
                c.post,
                standing,
                aspects,
                notes,
                last,
                heard,
                lists,
                k,
            )
    return found


def _input(  # noqa: ANN001
    cycle, kind, pk, name, unit, post, standing, aspects, notes, last, heard, lists, k
) -> drafting.DraftInput:
    key = (kind, pk)
    stand = standing.get(key)
    result: Result | None = stand["result"] if stand else None
    democratic = result.democratic if result else None
    return drafting.DraftInput(
        kind=kind,
        year=cycle.year,
        name=name,
        unit=unit,
        post=post,
        pool=stand["pool"] if stand else "",
        grade=stand["grade"] if stand else "",
        composite=result.composite if result else None,
        rank=result.rank if result else None,
        pool_size=result.pool_size if result else None,
        democratic=Decimal(democratic["score"]) if democratic and democratic.get("valid", 0) >= k else None,
        performance=result.performance if result else None,
        shares=_shares(democratic, k),
        rater_groups=_groups_shown(democratic, k),
        aspects=aspects.get(key, []),
        notes=notes.get(key, []),
        last_year=last.get(key),
        flags=list(result.flags) if result else [],
        interviews=heard.get(key),
        lists=lists.get(key),
    )

"""Reads of 述职述廉, each through the user's scope (deny by default):

- organisers: every assessed unit and cadre of the cycle;
- assessors: the units of the cycle's assessment groups they belong to, and the cadres assessed in them;
- liaisons: their own unit and the cadres assessed in it (they hand in for them);
- cadres: their own reports;
- every other role: nothing.

Who must hand in what is the cycle's assessed units (述职报告, and as the setting asks 述责述廉报告 and
选人用人工作情况报告) and assessed cadres (述职报告, 述责述廉报告 as asked).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kaohe.accounts.models import Role
from kaohe.dutyreports import lateness
from kaohe.dutyreports.models import CADRE_KINDS, TEAM_KINDS, DutyReport, DutyReportSetting, ReportKind
from kaohe.org.models import Cadre, Unit
from kaohe.plans.models import AssessedCadre, AssessedUnit, AssessmentCycle, AssessmentGroup

READERS = (Role.ORGANISER, Role.ASSESSOR, Role.LIAISON, Role.CADRE)
SUBMITTERS = (Role.ORGANISER, Role.LIAISON, Role.CADRE)


def setting(cycle: AssessmentCycle) -> DutyReportSetting:
    """The cycle's setting, or the defaults (no deadline, every kind asked) when none is saved."""
    return DutyReportSetting.objects.filter(cycle=cycle).first() or DutyReportSetting(cycle=cycle)


def required_kinds(cycle_setting: DutyReportSetting, target: str) -> tuple[str, ...]:
    kinds = TEAM_KINDS if target == "unit" else CADRE_KINDS
    return tuple(
        kind
        for kind in kinds
        if (kind != ReportKind.INTEGRITY or cycle_setting.integrity_required)
        and (kind != ReportKind.SELECTION or cycle_setting.selection_required)
    )


def group_unit_ids(user, cycle: AssessmentCycle) -> set[int]:
    return set(
        AssessmentGroup.units.through.objects.filter(
            assessmentgroup__cycle=cycle, assessmentgroup__members=user
        ).values_list("unit_id", flat=True)
    )


def visible_units(user, cycle: AssessmentCycle) -> QuerySet[AssessedUnit]:
    units = AssessedUnit.objects.filter(cycle=cycle).select_related("unit")
    if user.has_role(Role.ORGANISER):
        return units
    if user.has_role(Role.ASSESSOR):
        return units.filter(unit_id__in=group_unit_ids(user, cycle))
    if user.has_role(Role.LIAISON):
        return units.filter(unit_id=user.unit_id)
    return units.none()


def visible_cadres(user, cycle: AssessmentCycle) -> QuerySet[AssessedCadre]:
    cadres = AssessedCadre.objects.filter(cycle=cycle).select_related("cadre", "unit")
    if user.has_role(Role.ORGANISER):
        return cadres
    if user.has_role(Role.ASSESSOR):
        return cadres.filter(unit_id__in=group_unit_ids(user, cycle))
    if user.has_role(Role.LIAISON):
        return cadres.filter(unit_id=user.unit_id)
    if user.has_role(Role.CADRE):
        return cadres.filter(cadre_id=user.cadre_id)
    return cadres.none()


def can_submit(user) -> bool:
    """Assessors read; the organiser, a unit's liaison and the cadre hand in (each within the scope above)."""
    return user.has_role(*SUBMITTERS)


@dataclass(frozen=True)
class Row:
    target: str  # "unit" or "cadre"
    target_id: int
    code: str
    name: str
    detail: str  # a cadre's unit and post; "领导班子" for a unit
    kind: str
    report: DutyReport | None
    status: lateness.Status
    days_late: int

    @property
    def kind_label(self) -> str:
        return str(ReportKind(self.kind).label)

    @property
    def status_label(self) -> str:
        return lateness.LABELS[self.status]

    @property
    def late(self) -> bool:
        return self.status in lateness.LATE


def _submitted_on(report: DutyReport | None) -> datetime.date | None:
    return timezone.localdate(report.first_submitted_at) if report is not None else None


def rows(
    user,
    cycle: AssessmentCycle,
    today: datetime.date,
    *,
    status: str | None = None,
    kind: str | None = None,
    unit_id: int | None = None,
    late: bool = False,
) -> list[Row]:
    """Every report the user may see asked of the cycle, handed in or not, by unit code, team before cadres;
    with ``late`` the late list (逾期提交 and 逾期未交), most days late first; ``status`` one status only."""
    cycle_setting = setting(cycle)
    deadline = cycle_setting.deadline
    units = visible_units(user, cycle)
    cadres = visible_cadres(user, cycle)
    if unit_id is not None:
        units, cadres = units.filter(unit_id=unit_id), cadres.filter(unit_id=unit_id)
    unit_list = list(units.order_by("unit__code"))
    cadre_list = list(cadres.order_by("unit__code", "cadre__code"))
    reports = DutyReport.objects.filter(cycle=cycle).select_related("submitted_by")
    by_unit = {(r.unit_id, r.kind): r for r in reports.filter(unit_id__in=[u.unit_id for u in unit_list])}
    by_cadre = {
        (r.cadre_id, r.kind): r for r in reports.filter(cadre_id__in=[c.cadre_id for c in cadre_list])
    }
    found: list[tuple[str, int, Row]] = []

    def add(target: str, target_id: int, code: str, name: str, detail: str, order: str, report_kind: str):
        report = (by_unit if target == "unit" else by_cadre).get((target_id, report_kind))
        day = _submitted_on(report)
        found.append(
            (
                order,
                0 if target == "unit" else 1,
                Row(
                    target=target,
                    target_id=target_id,
                    code=code,
                    name=name,
                    detail=detail,
                    kind=report_kind,
                    report=report,
                    status=lateness.status(day, deadline, today),
                    days_late=lateness.days_late(day, deadline, today),
                ),
            )
        )

    for assessed in unit_list:
        for report_kind in required_kinds(cycle_setting, "unit"):
            unit = assessed.unit
            add("unit", unit.pk, unit.code, unit.name, "领导班子", unit.code, report_kind)
    for item in cadre_list:
        detail = f"{item.unit.name} {item.post}".strip()
        for report_kind in required_kinds(cycle_setting, "cadre"):
            add("cadre", item.cadre_id, item.cadre.code, item.cadre.name, detail, item.unit.code, report_kind)
    found.sort(key=lambda entry: (entry[0], entry[1], entry[2].code, TEAM_KINDS.index(entry[2].kind)))
    result = [entry[2] for entry in found]
    if kind:
        result = [row for row in result if row.kind == kind]
    if late:
        result = sorted((row for row in result if row.late), key=lambda row: -row.days_late)
    if status:
        result = [row for row in result if row.status == status]
    return result


def counts(found: list[Row]) -> dict[str, int]:
    tally = {state.value: 0 for state in lateness.Status}
    for row in found:
        tally[row.status] += 1
    return tally


def get_report(user, cycle: AssessmentCycle, pk: int) -> DutyReport:
    """A report the user may read: 404 outside their scope."""
    report = get_object_or_404(DutyReport.objects.select_related("unit", "cadre"), cycle=cycle, pk=pk)
    if report.unit_id is not None:
        allowed = visible_units(user, cycle).filter(unit_id=report.unit_id).exists()
    else:
        allowed = visible_cadres(user, cycle).filter(cadre_id=report.cadre_id).exists()
    if not allowed:
        raise Http404("没有这份报告")
    return report


def get_target(user, cycle: AssessmentCycle, *, unit_code: str = "", cadre_code: str = "") -> Unit | Cadre:
    """The unit or cadre named by its code, if the user may see it and it is assessed in the cycle (404)."""
    if unit_code:
        assessed = visible_units(user, cycle).filter(unit__code=unit_code).first()
        if assessed is None:
            raise Http404(f"没有可查看的考核单位「{unit_code}」")
        return assessed.unit
    item = visible_cadres(user, cycle).filter(cadre__code=cadre_code).first()
    if item is None:
        raise Http404(f"没有可查看的考核干部「{cadre_code}」")
    return item.cadre


def late_rows(user, cycle: AssessmentCycle, today: datetime.date) -> list[Row]:
    return rows(user, cycle, today, late=True)


def awaited_rows(user, cycle: AssessmentCycle, today: datetime.date) -> list[Row]:
    """What the user still has to hand in (未提交 and 逾期未交), for a liaison's or a cadre's to-do."""
    return [row for row in rows(user, cycle, today) if row.report is None]


# --- for the sessions (ballots reads these) -------------------------------------------------------------


def target_summaries(cycle: AssessmentCycle, targets: list[tuple[str, int | None, int | None]]) -> list[str]:
    """The summary a ballot may show for each (template kind, unit id, cadre id): a team's or a cadre's
    述职报告 (its 述责述廉报告 when it has none), the unit's 选人用人工作情况报告 for the 选人用人 form;
    "" for a new promoted cadre or when nothing was handed in."""
    units = {t[1] for t in targets if t[1] is not None}
    cadres = {t[2] for t in targets if t[2] is not None}
    reports = (
        DutyReport.objects.filter(cycle=cycle)
        .filter(Q(unit_id__in=units) | Q(cadre_id__in=cadres))
        .exclude(summary="")
        .order_by()
        .values_list("unit_id", "cadre_id", "kind", "summary")
    )
    found: dict[tuple[str, int, str], str] = {}
    for unit_id, cadre_id, report_kind, summary in reports:
        key = ("unit", unit_id, report_kind) if unit_id is not None else ("cadre", cadre_id, report_kind)
        found[key] = summary
    answers = []
    for template_kind, unit_id, cadre_id in targets:
        if template_kind == "selection" and unit_id is not None:
            answers.append(found.get(("unit", unit_id, ReportKind.SELECTION), ""))
        elif template_kind in ("team", "cadre"):
            key_of = ("unit", unit_id) if unit_id is not None else ("cadre", cadre_id)
            answers.append(
                found.get((*key_of, ReportKind.DUTY)) or found.get((*key_of, ReportKind.INTEGRITY)) or ""
            )
        else:
            answers.append("")
    return answers


def selection_reports(cycle: AssessmentCycle, unit_ids: list[int]) -> dict[int, DutyReport]:
    """The 选人用人工作情况报告 of these units, by unit: what a session of the 选人用人 form is attached to."""
    return {
        report.unit_id: report
        for report in DutyReport.objects.filter(cycle=cycle, kind=ReportKind.SELECTION, unit_id__in=unit_ids)
    }


def target_by_pk(user, cycle: AssessmentCycle, target: str, pk: int) -> Unit | Cadre:
    """The unit (``target`` "unit") or cadre ("cadre") by id, within the user's scope (404 otherwise)."""
    if target == "unit":
        assessed = visible_units(user, cycle).filter(unit_id=pk).first()
        if assessed is not None:
            return assessed.unit
    elif target == "cadre":
        item = visible_cadres(user, cycle).filter(cadre_id=pk).first()
        if item is not None:
            return item.cadre
    raise Http404("没有可查看的考核对象")


def current_report(cycle: AssessmentCycle, kind: str, subject: Unit | Cadre) -> DutyReport | None:
    """The report handed in for ``subject`` (already fetched through the user's scope), if any."""
    lookup = {"unit": subject} if isinstance(subject, Unit) else {"cadre": subject}
    return DutyReport.objects.filter(cycle=cycle, kind=kind, **lookup).first()


def row_of(report: DutyReport, today: datetime.date) -> Row:
    """One report as a row of the list (after it was handed in)."""
    deadline = setting(report.cycle).deadline
    day = _submitted_on(report)
    if report.unit_id is not None:
        target, subject, detail = "unit", report.unit, "领导班子"
    else:
        target, subject = "cadre", report.cadre
        item = AssessedCadre.objects.filter(cycle=report.cycle, cadre=subject).select_related("unit").first()
        detail = f"{item.unit.name} {item.post}".strip() if item else ""
    assert subject is not None
    return Row(
        target=target,
        target_id=subject.pk,
        code=subject.code,
        name=subject.name,
        detail=detail,
        kind=report.kind,
        report=report,
        status=lateness.status(day, deadline, today),
        days_late=lateness.days_late(day, deadline, today),
    )


@dataclass(frozen=True)
class Tally:
    asked: int  # reports asked in the scope
    handed_in: int
    handed_in_late: int  # first handed in after the deadline
    deadline_passed: bool

    @property
    def awaited(self) -> int:
        return self.asked - self.handed_in

    @property
    def late(self) -> int:
        """The late list's length: 逾期提交, and 逾期未交 once the deadline has passed."""
        return self.handed_in_late + (self.awaited if self.deadline_passed else 0)


def tally(user, cycle: AssessmentCycle, today: datetime.date) -> Tally:
    """The same counts as ``rows`` in a few aggregate queries: for the home page, at any scale."""
    cycle_setting = setting(cycle)
    unit_kinds = required_kinds(cycle_setting, "unit")
    cadre_kinds = required_kinds(cycle_setting, "cadre")
    units = visible_units(user, cycle).values("unit_id")
    cadres = visible_cadres(user, cycle).values("cadre_id")
    asked = units.count() * len(unit_kinds) + cadres.count() * len(cadre_kinds)
    reports = DutyReport.objects.filter(cycle=cycle).filter(
        Q(unit_id__in=units, kind__in=unit_kinds) | Q(cadre_id__in=cadres, kind__in=cadre_kinds)
    )
    deadline = cycle_setting.deadline
    late = 0
    if deadline is not None:
        end = timezone.make_aware(
            datetime.datetime.combine(deadline + datetime.timedelta(days=1), datetime.time())
        )
        late = reports.filter(first_submitted_at__gte=end).count()
    return Tally(
        asked=asked,
        handed_in=reports.count(),
        handed_in_late=late,
        deadline_passed=deadline is not None and today > deadline,
    )

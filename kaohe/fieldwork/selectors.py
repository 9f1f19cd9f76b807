"""Reads of the group's work, each through the user's scope: organisers see every group; an assessor only the
groups they are a member of; every other role nothing (deny by default)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from kaohe.accounts.models import Role
from kaohe.fieldwork import checklist, recusal
from kaohe.fieldwork.models import (
    DEFAULT_RECUSAL_YEARS,
    ConflictDeclaration,
    FieldworkSetting,
    GroupMember,
    MemberRole,
    Visit,
)
from kaohe.plans.models import AssessmentCycle, AssessmentGroup

FINISHED_SESSIONS = ("closed", "sealed")
SUBMITTED_REPORTS = ("submitted", "accepted")
# (item key, due field, done field or None when read from another app)
SCHEDULE = (
    ("duty_report", "duty_report_on", "duty_report_done"),
    ("evaluation", "evaluation_on", None),
    ("interviews", "interviews_until", "interviews_done"),
    ("documents", "documents_on", "documents_done"),
    ("verification", "verification_on", "verification_done"),
    ("analysis", "analysis_due", None),
)
MANUAL_ITEMS = {key: done for key, _due, done in SCHEDULE if done}


def visible_groups(user, cycle: AssessmentCycle) -> QuerySet[AssessmentGroup]:
    groups = AssessmentGroup.objects.filter(cycle=cycle)
    if user.has_role(Role.ORGANISER):
        return groups
    if user.has_role(Role.ASSESSOR):
        return groups.filter(members=user)
    return groups.none()


def get_group(user, cycle: AssessmentCycle, pk: int) -> AssessmentGroup:
    return get_object_or_404(visible_groups(user, cycle), pk=pk)


def visible_visits(user, cycle: AssessmentCycle) -> QuerySet[Visit]:
    return Visit.objects.filter(cycle=cycle, group__in=visible_groups(user, cycle)).select_related(
        "unit", "group"
    )


def get_visit(user, cycle: AssessmentCycle, pk: int) -> Visit:
    return get_object_or_404(visible_visits(user, cycle), pk=pk)


def can_manage(user, group: AssessmentGroup) -> bool:
    """Organisers and the group's 组长 set the schedule and send members to units."""
    if user.has_role(Role.ORGANISER):
        return True
    return GroupMember.objects.filter(group=group, user=user, role=MemberRole.LEADER).exists()


def can_mark(user, group: AssessmentGroup) -> bool:
    """Organisers and the group's members mark checklist items done."""
    return user.has_role(Role.ORGANISER) or (
        user.has_role(Role.ASSESSOR) and group.members.filter(pk=user.pk).exists()
    )


def recusal_years(cycle: AssessmentCycle) -> int:
    setting = FieldworkSetting.objects.filter(cycle=cycle).first()
    return setting.recusal_years if setting else DEFAULT_RECUSAL_YEARS


# --- the checklist ----------------------------------------------------------------------------------------


def evaluated_units(cycle: AssessmentCycle) -> set[int]:
    """Units whose team or a cadre is named in a finished, non-rehearsal session of the cycle."""
    from kaohe.ballots.models import SessionTarget

    pairs = SessionTarget.objects.filter(
        session__cycle=cycle, session__status__in=FINISHED_SESSIONS, session__rehearsal=False
    ).values_list("unit_id", "cadre__current_unit_id")
    return {unit or cadre_unit for unit, cadre_unit in pairs} - {None}


def analysed_units(cycle: AssessmentCycle) -> set[int]:
    """Units whose team analysis report was submitted (or accepted)."""
    from kaohe.reports.models import AnalysisReport

    return set(
        AnalysisReport.objects.filter(cycle=cycle, kind="team", status__in=SUBMITTED_REPORTS).values_list(
            "unit_id", flat=True
        )
    )


def _checklist(
    values: dict, evaluated: bool, analysed: bool, turnout: Turnout | None = None
) -> checklist.Checklist:
    items = []
    for key, due, done in SCHEDULE:
        if done:
            finished = values[done] is not None
        else:
            finished = evaluated if key == "evaluation" else analysed
        detail = str(turnout) if key == "evaluation" and turnout else ""
        items.append(checklist.Item(key=key, due=values[due], done=finished, detail=detail))
    return checklist.Checklist(tuple(items))


FIELDS = tuple(sorted({f for _k, due, done in SCHEDULE for f in (due, done) if f}))


class Progress(list):
    """The ordered visit ids, with the sets read to order them (reused for the page's rows)."""

    evaluated: set[int]
    analysed: set[int]


def progress(user, cycle: AssessmentCycle, today: datetime.date, group: int | None = None) -> Progress:
    """The ids of every visible visit, the late ones first (most late items), then by group, entry and unit.

    The whole cycle is read as plain values (≈5,000 rows at a province) and judged by `checklist`, the
    rule's one owner; only the page shown is then fetched as objects (`visits_page`)."""
    visits = visible_visits(user, cycle)
    if group:
        visits = visits.filter(group_id=group)
    evaluated, analysed = evaluated_units(cycle), analysed_units(cycle)
    keyed = []
    for values in visits.values("pk", "unit_id", "group__name", "unit__code", "entry_on", *FIELDS):
        late = len(
            _checklist(values, values["unit_id"] in evaluated, values["unit_id"] in analysed).late(today)
        )
        keyed.append(
            (
                (-late, values["group__name"], values["entry_on"] or datetime.date.max, values["unit__code"]),
                values["pk"],
            )
        )
    keyed.sort()
    ordered = Progress(pk for _key, pk in keyed)
    ordered.evaluated, ordered.analysed = evaluated, analysed
    return ordered


def late_by_visit(user, cycle: AssessmentCycle, today: datetime.date) -> list[int]:
    """Per visible visit, how many of its steps are past their date and not done (the home page's to-do)."""
    evaluated, analysed = evaluated_units(cycle), analysed_units(cycle)
    return [
        len(_checklist(values, values["unit_id"] in evaluated, values["unit_id"] in analysed).late(today))
        for values in visible_visits(user, cycle).values("unit_id", *FIELDS)
    ]


def visits_page(
    cycle: AssessmentCycle, ids: Iterable[int], today: datetime.date, ordered: Progress | None = None
) -> list[tuple[Visit, checklist.Checklist]]:
    """The visits of `ids` (already scoped by `progress`), in that order, each with its checklist."""
    ids = list(ids)
    by_pk = Visit.objects.select_related("unit", "group").in_bulk(ids)
    visits = [by_pk[pk] for pk in ids if pk in by_pk]
    units = [v.unit_id for v in visits]
    evaluated = ordered.evaluated if ordered is not None else evaluated_units(cycle)
    analysed = ordered.analysed if ordered is not None else analysed_units(cycle)
    figures = turnouts(cycle, units)
    rows = []
    for visit in visits:
        values = {f: getattr(visit, f) for f in FIELDS}
        checks = _checklist(
            values, visit.unit_id in evaluated, visit.unit_id in analysed, figures.get(visit.unit_id)
        )
        visit.late_count = len(checks.late(today))  # type: ignore[attr-defined]
        rows.append((visit, checks))
    return rows


def visit_checklist(user, cycle: AssessmentCycle, visit: Visit, today: datetime.date) -> checklist.Checklist:
    return visits_page(cycle, [visit.pk], today)[0][1]


@dataclass(frozen=True)
class Turnout:
    cast: int
    expected: int

    def __str__(self) -> str:
        return checklist.turnout(self.cast, self.expected)


def turnouts(cycle: AssessmentCycle, unit_ids: Iterable[int]) -> dict[int, Turnout]:
    """Ballots cast / raters expected over the finished sessions naming each unit (or its cadres).

    A count of ballots, never what is in them; sessions counted once per unit."""
    from kaohe.ballots.models import Ballot, SessionRaterGroup, SessionTarget

    unit_ids = list(unit_ids)
    pairs = (
        SessionTarget.objects.filter(
            session__cycle=cycle, session__status__in=FINISHED_SESSIONS, session__rehearsal=False
        )
        .filter(Q(unit_id__in=unit_ids) | Q(cadre__current_unit_id__in=unit_ids))
        .values_list("session_id", "unit_id", "cadre__current_unit_id")
    )
    sessions_of: dict[int, set[int]] = defaultdict(set)
    for session_id, unit_id, cadre_unit in pairs:
        sessions_of[unit_id or cadre_unit].add(session_id)
    session_ids = {s for ids in sessions_of.values() for s in ids}
    cast = dict(
        Ballot.objects.filter(session_id__in=session_ids)
        .values_list("session_id")
        .annotate(n=Count("pk"))
        .values_list("session_id", "n")
    )
    expected = dict(
        SessionRaterGroup.objects.filter(session_id__in=session_ids)
        .values_list("session_id")
        .annotate(n=Sum("expected"))
        .values_list("session_id", "n")
    )
    figures = {s: (cast.get(s, 0), expected.get(s) or 0) for s in session_ids}
    result = {}
    for unit_id, ids in sessions_of.items():
        cast = sum(figures[s][0] for s in ids if s in figures)
        expected = sum(figures[s][1] for s in ids if s in figures)
        result[unit_id] = Turnout(cast, expected)
    return result


# --- 回避 ---------------------------------------------------------------------------------------------------


def recusal_flags(
    cycle: AssessmentCycle, users: Iterable, unit, cutoff: datetime.date
) -> dict[int, list[str]]:
    """user id -> the reasons each of `users` must recuse from `unit` (only users with reasons)."""
    from kaohe.org.models import Position

    users = list(users)
    cadre_of = {u.cadre_id: u.pk for u in users if u.cadre_id}
    posts: dict[int, list[recusal.Post]] = defaultdict(list)
    for p in Position.objects.filter(cadre_id__in=cadre_of, unit=unit).select_related("unit"):
        posts[cadre_of[p.cadre_id]].append(recusal.Post(p.unit_id, p.unit.name, p.title, p.start, p.end))
    declared: dict[int, list[recusal.Declaration]] = defaultdict(list)
    for d in ConflictDeclaration.objects.filter(cycle=cycle, unit=unit, user__in=users):
        declared[d.user_id].append(recusal.Declaration(d.unit_id, d.get_kind_display(), d.detail))
    years = recusal_years(cycle)
    flags = {}
    for user in users:
        reasons = recusal.recusal_reasons(
            unit_id=unit.pk, posts=posts[user.pk], declarations=declared[user.pk], years=years, cutoff=cutoff
        )
        if reasons:
            flags[user.pk] = reasons
    return flags


def member_roles(group: AssessmentGroup) -> dict[int, GroupMember]:
    return {m.user_id: m for m in GroupMember.objects.filter(group=group)}

"""Reads of the group's work, each through the user's scope: organisers see every group; an assessor only the
groups they are a member of; every other role nothing (deny by default)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Sum, Value, When
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


def _evaluation_done() -> Exists:
    from kaohe.ballots.models import SessionTarget

    return Exists(
        SessionTarget.objects.filter(
            session__cycle=OuterRef("cycle"),
            session__status__in=FINISHED_SESSIONS,
            session__rehearsal=False,
        ).filter(Q(unit=OuterRef("unit")) | Q(cadre__current_unit=OuterRef("unit")))
    )


def _analysis_done() -> Exists:
    from kaohe.reports.models import AnalysisReport

    return Exists(
        AnalysisReport.objects.filter(
            cycle=OuterRef("cycle"), unit=OuterRef("unit"), kind="team", status__in=SUBMITTED_REPORTS
        )
    )


def with_progress(visits: QuerySet[Visit], today: datetime.date) -> QuerySet[Visit]:
    """Annotate `evaluation_finished`, `analysis_finished` and `late_count` (checklist.Item.state in SQL)."""
    visits = visits.annotate(evaluation_finished=_evaluation_done(), analysis_finished=_analysis_done())
    late = []
    for _key, due, done in SCHEDULE:
        not_done = (
            Q(**{f"{done}__isnull": True})
            if done
            else Q(**{("evaluation_finished" if due == "evaluation_on" else "analysis_finished"): False})
        )
        late.append(Case(When(Q(**{f"{due}__lt": today}) & not_done, then=Value(1)), default=Value(0)))
    return visits.annotate(late_count=sum(late[1:], late[0]))  # type: ignore[arg-type]


def progress(user, cycle: AssessmentCycle, today: datetime.date, group: int | None = None) -> QuerySet[Visit]:
    """Every visible visit, the late ones first (most late items, then the earliest entry)."""
    visits = visible_visits(user, cycle)
    if group:
        visits = visits.filter(group_id=group)
    return with_progress(visits, today).order_by("-late_count", "group__name", "entry_on", "unit__code")


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


def visit_checklist(visit: Visit, turnout: Turnout | None) -> checklist.Checklist:
    """The checklist of a visit annotated by `with_progress`."""
    items = []
    for key, due, done in SCHEDULE:
        if done:
            finished = getattr(visit, done) is not None
        else:
            finished = bool(
                getattr(visit, "evaluation_finished" if key == "evaluation" else "analysis_finished")
            )
        detail = str(turnout) if key == "evaluation" and turnout else ""
        items.append(checklist.Item(key=key, due=getattr(visit, due), done=finished, detail=detail))
    return checklist.Checklist(tuple(items))


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

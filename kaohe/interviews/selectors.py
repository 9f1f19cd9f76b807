"""Who may see which interviews, and the one way a record is opened.

- Records and outlines: the members of an assessment group of the cycle that visits the unit, and the
  organisers. Nobody else: not the unit's liaison, not a cadre, not another group, not the committee or
  leaders (they see summaries), not the 三员 administrators. A role outside is a 403, an assessor outside
  the unit's groups a 404, so ids cannot be probed.
- A group member opens records (and outlines) of a cycle only after acknowledging its pledge in force.
- Every opening of a record or an outline goes through `open_interview` / `open_outline`, which audit it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404

from kaohe.accounts.access import INTERVIEW_RECORD_READERS, INTERVIEW_SUMMARY_READERS
from kaohe.accounts.models import Role
from kaohe.anonymity import min_group
from kaohe.audit.actions import audit_record
from kaohe.crypto.configured import active_suite, open_sealed
from kaohe.crypto.modes import Digest, digest
from kaohe.interviews import coverage as coverage_rules
from kaohe.interviews.models import (
    Interview,
    Interviewee,
    InterviewOutline,
    InterviewSettings,
    Kind,
    PledgeAcknowledgement,
)
from kaohe.interviews.record import InterviewRecord
from kaohe.interviews.summary import UnitSummary, summarise
from kaohe.org.models import Position, Unit
from kaohe.plans.models import AssessedCadre, AssessmentCycle, AssessmentGroup

# Who reads records: group members (of the unit's groups) and organisers.
RECORD_ROLES = INTERVIEW_RECORD_READERS
# Who reads summaries (counts under the k rule); assessors only of their units.
SUMMARY_ROLES = INTERVIEW_SUMMARY_READERS
# Settings, the pledge's text and exporting records as text.
ORGANISER_ROLES = (Role.ORGANISER,)


class PledgeRequired(PermissionDenied):
    """The account must acknowledge the cycle's pledge before opening a record."""


def require_role(user, roles) -> None:
    if not user.has_role(*roles):
        raise PermissionDenied


def settings_of(cycle: AssessmentCycle) -> InterviewSettings:
    """The cycle's interview settings; an unsaved one with the defaults when none was written yet.
    Queried each time: the reverse one-to-one would cache an absent row on the cycle object."""
    return InterviewSettings.objects.filter(cycle=cycle).first() or InterviewSettings(cycle=cycle)


# --- units -------------------------------------------------------------------------------------------------


def visited_units(user, cycle: AssessmentCycle) -> QuerySet[Unit]:
    """The units of the cycle's groups: all for the organiser, committee and leaders; an assessor's own."""
    units = Unit.objects.filter(Exists(AssessmentGroup.objects.filter(cycle=cycle, units=OuterRef("pk"))))
    if user.has_role(Role.ORGANISER, Role.COMMITTEE, Role.LEADER):
        return units.order_by("code")
    if user.has_role(Role.ASSESSOR):
        mine = AssessmentGroup.objects.filter(cycle=cycle, members=user, units=OuterRef("pk"))
        return units.filter(Exists(mine)).order_by("code")
    return Unit.objects.none()


def get_unit(user, cycle: AssessmentCycle, unit_pk: int, roles=RECORD_ROLES) -> Unit:
    require_role(user, roles)
    return get_object_or_404(visited_units(user, cycle), pk=unit_pk)


def get_interviewee(user, cycle: AssessmentCycle, pk: int) -> Interviewee:
    require_role(user, RECORD_ROLES)
    units = visited_units(user, cycle).values("pk")
    return get_object_or_404(
        Interviewee.objects.filter(cycle=cycle, unit__in=units).select_related("unit", "cadre"), pk=pk
    )


Team = list[tuple[int, str, str]]  # (cadre id, name, post)


def _teams(cycle: AssessmentCycle, unit_ids: list[int]) -> dict[int, Team]:
    """Each unit's leadership team that year: the cycle's assessed cadres of the unit, or — for a unit with
    none snapshotted yet — the cadres holding a position there now. Two queries for any number of units."""
    teams: dict[int, Team] = {pk: [] for pk in unit_ids}
    assessed = AssessedCadre.objects.filter(cycle=cycle, unit_id__in=unit_ids).order_by(
        "-principal", "cadre__code"
    )
    for unit_id, cadre_id, name, post in assessed.values_list("unit_id", "cadre_id", "cadre__name", "post"):
        teams[unit_id].append((cadre_id, name, post))
    bare = [pk for pk, team in teams.items() if not team]
    if bare:
        positions = Position.objects.filter(unit_id__in=bare, end__isnull=True).order_by(
            "-principal", "cadre__code"
        )
        for unit_id, cadre_id, name, title in positions.values_list(
            "unit_id", "cadre_id", "cadre__name", "title"
        ):
            teams[unit_id].append((cadre_id, name, title))
    return teams


def team_cadres(cycle: AssessmentCycle, unit: Unit) -> Team:
    """(cadre id, name, post) of the unit's leadership team that year (see `_teams`)."""
    return _teams(cycle, [unit.pk])[unit.pk]


@dataclass(frozen=True)
class Row:
    """One person on a unit's list: a leader not listed yet has no `interviewee`."""

    kind: str
    name: str
    post: str
    interviewee: Interviewee | None
    heard: bool
    cadre_id: int | None = None

    @property
    def excused(self) -> bool:
        return self.interviewee is not None and bool(self.interviewee.excused_reason) and not self.heard

    @property
    def kind_label(self) -> str:
        return str(Kind(self.kind).label)


def _listed(cycle: AssessmentCycle, unit_ids: list[int]) -> dict[int, list[Interviewee]]:
    listed: dict[int, list[Interviewee]] = {pk: [] for pk in unit_ids}
    people = (
        Interviewee.objects.filter(cycle=cycle, unit_id__in=unit_ids)
        .annotate(heard=Exists(Interview.objects.filter(interviewee=OuterRef("pk"))))
        .order_by("kind", "pk")
    )
    for person in people:
        listed[person.unit_id].append(person)
    return listed


def _rows(team: Team, listed: list[Interviewee]) -> list[Row]:
    by_cadre = {i.cadre_id: i for i in listed if i.cadre_id}
    rows = []
    for cadre_id, name, post in team:
        listed_row = by_cadre.pop(cadre_id, None)
        heard = bool(listed_row and listed_row.heard)  # type: ignore[attr-defined]
        rows.append(Row(Kind.LEADER, name, post, listed_row, heard, cadre_id))
    # Leaders listed earlier who left the team since stay on the list: they were to be heard.
    others = [i for i in listed if i.kind != Kind.LEADER or i.cadre_id in by_cadre]
    order = [k.value for k in Kind]
    for i in sorted(others, key=lambda i: (order.index(i.kind), i.pk)):
        rows.append(Row(i.kind, i.name, i.post, i, i.heard, i.cadre_id))  # type: ignore[attr-defined]
    return rows


def unit_rows(cycle: AssessmentCycle, unit: Unit) -> list[Row]:
    return _rows(team_cadres(cycle, unit), _listed(cycle, [unit.pk])[unit.pk])


def _coverage(rows: list[Row], counts: dict[str, int]) -> coverage_rules.Coverage:
    return coverage_rules.coverage([coverage_rules.Person(r.kind, r.heard, r.excused) for r in rows], counts)


def unit_coverage(
    cycle: AssessmentCycle, unit: Unit, rows: list[Row] | None = None
) -> coverage_rules.Coverage:
    rows = unit_rows(cycle, unit) if rows is None else rows
    return _coverage(rows, settings_of(cycle).counts())


def units_coverage(cycle: AssessmentCycle, units: list[Unit]) -> list[tuple[Unit, coverage_rules.Coverage]]:
    """The coverage of many units in a fixed number of queries (the index page, the home page's to-do)."""
    ids = [u.pk for u in units]
    teams, listed, counts = _teams(cycle, ids), _listed(cycle, ids), settings_of(cycle).counts()
    return [(u, _coverage(_rows(teams[u.pk], listed[u.pk]), counts)) for u in units]


def missing_count(user, cycle: AssessmentCycle) -> int:
    """How many interviews are still missing in the units the account's groups visit."""
    return sum(c.missing for _unit, c in units_coverage(cycle, list(visited_units(user, cycle))))


def latest_cycle(user) -> AssessmentCycle | None:
    """The latest cycle: for an assessor, the latest one whose groups they belong to."""
    cycles = AssessmentCycle.objects.all()
    if user.has_role(Role.ASSESSOR):
        cycles = cycles.filter(groups__members=user)
    return cycles.order_by("-year").first()


# --- the pledge --------------------------------------------------------------------------------------------


def pledge_digest(text: str, algorithm: str | None = None) -> str:
    """The pledge's words as "sm3:<hex>" (the active mode's digest unless `algorithm` is named)."""
    algorithm = algorithm or active_suite().digest
    return f"{algorithm}:{digest(algorithm, text.encode()).hex()}"


def pledge_acknowledged(user, cycle: AssessmentCycle) -> bool:
    """Organisers set the pledge; group members must have acknowledged its words in force."""
    if user.has_role(Role.ORGANISER):
        return True
    text = settings_of(cycle).pledge
    # An acknowledgement names its algorithm: one made before a switch of CRYPTO_MODE still counts.
    digests = [pledge_digest(text, algorithm) for algorithm in Digest]
    return PledgeAcknowledgement.objects.filter(cycle=cycle, user=user, digest__in=digests).exists()


def require_pledge(user, cycle: AssessmentCycle) -> None:
    if not pledge_acknowledged(user, cycle):
        raise PledgeRequired


# --- opening records ---------------------------------------------------------------------------------------


def record_aad(interviewee_pk: int) -> bytes:
    return f"interview:{interviewee_pk}".encode()


def outline_aad(interviewee_pk: int) -> bytes:
    return f"interview-outline:{interviewee_pk}".encode()


def open_interview(user, interviewee: Interviewee) -> InterviewRecord | None:
    """The record of `interviewee` (fetched through get_interviewee), decrypted and its reading audited;
    None when nobody was heard yet."""
    require_pledge(user, interviewee.cycle)
    interview = Interview.objects.filter(interviewee=interviewee).first()
    if interview is None:
        return None
    with transaction.atomic():
        audit_record(actor=user, action="interview.read", obj=interview, after={"unit": interviewee.unit_id})
    return InterviewRecord.from_json(open_sealed(interview.sealed, aad=record_aad(interviewee.pk)))


def open_outline(user, interviewee: Interviewee) -> str | None:
    require_pledge(user, interviewee.cycle)
    outline = InterviewOutline.objects.filter(interviewee=interviewee).first()
    if outline is None:
        return None
    with transaction.atomic():
        audit_record(
            actor=user, action="interview.outline_read", obj=outline, after={"unit": interviewee.unit_id}
        )
    return open_sealed(outline.sealed, aad=outline_aad(interviewee.pk)).decode()


def unit_summaries(cycle: AssessmentCycle, unit_ids: list[int]) -> dict[int, UnitSummary]:
    """Each unit's summary, its records decrypted for counting only (callers show them through `summarise`
    alone), in a fixed number of queries for any number of units (the analysis reports)."""
    records: dict[int, list[InterviewRecord]] = {pk: [] for pk in unit_ids}
    interviews = Interview.objects.filter(interviewee__cycle=cycle, interviewee__unit_id__in=unit_ids)
    for unit_id, interviewee_id, sealed in interviews.order_by("pk").values_list(
        "interviewee__unit_id", "interviewee_id", "sealed"
    ):
        records[unit_id].append(
            InterviewRecord.from_json(open_sealed(sealed, aad=record_aad(interviewee_id)))
        )
    teams, listed, plan = _teams(cycle, unit_ids), _listed(cycle, unit_ids), settings_of(cycle)
    return {
        pk: summarise(
            records[pk],
            [(cadre_id, name) for cadre_id, name, _post in teams[pk]],
            k=min_group(),
            recommend=plan.recommend,
            complete=_coverage(_rows(teams[pk], listed[pk]), plan.counts()).complete,
        )
        for pk in unit_ids
    }


def unit_summary(cycle: AssessmentCycle, unit: Unit) -> UnitSummary:
    return unit_summaries(cycle, [unit.pk])[unit.pk]


def unit_members(cycle: AssessmentCycle, unit: Unit) -> list[str]:
    """The names of the members of the groups visiting `unit`: who may have conducted its interviews."""
    from kaohe.accounts.models import User

    members = User.objects.filter(assessment_groups__cycle=cycle, assessment_groups__units=unit).distinct()
    return [str(m) for m in members.order_by("username")]

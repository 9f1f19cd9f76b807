"""Gathers what is known of a unit for its interview outlines (targets, verification notes, last year's
grades and flags, the 整改 items of earlier years not yet closed) and drafts one through
`outline.draft_outline`.

The items come through ``kaohe.plans.carryover`` (feedback registers them; it sits above this floor): every
interviewee of the unit is asked about its team's items from before the cycle's year, and a team member also
about the items of their own letter, which are nobody else's to discuss."""

from __future__ import annotations

from kaohe.interviews import selectors
from kaohe.interviews.models import Interviewee
from kaohe.interviews.outline import (
    OutlineFacts,
    PriorResult,
    RectificationFact,
    TargetFact,
    VerificationFact,
    draft_outline,
)
from kaohe.performance.models import PriorGrade, Verification
from kaohe.plans.carryover import carried_items
from kaohe.plans.models import AssessmentCycle, Target
from kaohe.plans.selectors import previous_cycle
from kaohe.results.models import FinalResult, Kind
from kaohe.workbook.writer import FLAG_LABELS


def _prior(cycle: AssessmentCycle, unit, cadre_ids: list[int], names: dict[int, str]) -> list[PriorResult]:
    previous = previous_cycle(cycle.year)
    year = previous.year if previous else cycle.year - 1
    finals = []
    if previous is not None:
        latest = {}
        for final in FinalResult.objects.filter(cycle=previous, unit=unit).order_by("seal__created_at", "pk"):
            if final.kind == Kind.TEAM or final.cadre_id in cadre_ids:
                latest[(final.kind, final.cadre_id)] = final  # the newest seal wins
        for (kind, cadre_id), final in sorted(
            latest.items(), key=lambda item: (item[0][0] != Kind.TEAM, item[1].code)
        ):
            name = "领导班子" if kind == Kind.TEAM else names.get(cadre_id or 0, final.name)
            flags = tuple(FLAG_LABELS.get(f, f) for f in final.flags)
            finals.append(PriorResult(name, year, final.grade, flags))
    if finals:
        return finals
    # Before the app kept the years itself: the grades imported from a workbook.
    rows = PriorGrade.objects.filter(year=year).filter(unit=unit) | PriorGrade.objects.filter(
        year=year, cadre_id__in=cadre_ids
    )
    return [
        PriorResult("领导班子" if row.unit_id else names.get(row.cadre_id or 0, ""), row.year, row.grade)
        for row in rows.order_by("cadre_id")
    ]


def _rectifications(interviewee: Interviewee) -> list[RectificationFact]:
    year = interviewee.cycle.year
    facts = [RectificationFact(i.year, i.text) for i in carried_items(unit=interviewee.unit, before=year)]
    if interviewee.cadre_id is not None:
        own = carried_items(cadre=interviewee.cadre, before=year)
        facts.extend(RectificationFact(i.year, i.text, own=True) for i in own)
    return facts


def outline_draft(interviewee: Interviewee) -> str:
    cycle, unit = interviewee.cycle, interviewee.unit
    team = selectors.team_cadres(cycle, unit)
    names = {pk: name for pk, name, _post in team}
    targets = Target.objects.filter(cycle=cycle, unit=unit).select_related("indicator")
    verifications = Verification.objects.filter(cycle=cycle, unit=unit).select_related("indicator")
    facts = OutlineFacts(
        unit=unit.name,
        interviewee=interviewee.name,
        post=interviewee.post,
        kind=interviewee.kind,
        cadres=[name for pk, name, _post in team if pk != interviewee.cadre_id],
        targets=[
            TargetFact(t.indicator.name, t.content, t.amount, f"{t.deadline:%Y-%m-%d}" if t.deadline else "")
            for t in targets.order_by("indicator__code")
        ],
        verifications=[
            VerificationFact(v.indicator.name, v.reason.rstrip("。"))
            for v in verifications.order_by("indicator__code")
            if v.reason.strip()
        ],
        prior=_prior(cycle, unit, list(names), names),
        rectifications=_rectifications(interviewee),
    )
    return draft_outline(facts)

"""Leaders' ratings of units (领导评价)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kaohe.accounts.actors import Actor
from kaohe.audit.actions import audit_record
from kaohe.org.models import Unit
from kaohe.performance.actions.checks import assessed_category, checked_score, plain_text
from kaohe.performance.models import (
    LeaderRating,
)
from kaohe.plans.gate import Activity, lock_cycle
from kaohe.plans.models import AssessmentCycle


def leader_rating_state(rating: LeaderRating) -> dict[str, Any]:
    return {
        "unit": rating.unit.code,
        "leader": rating.leader.username,
        "score": plain_text(rating.score),
        "comment": rating.comment,
    }


def leader_rating_save(
    *, actor: Actor, cycle: AssessmentCycle, unit: Unit, score: Decimal, comment: str = ""
) -> LeaderRating:
    """The actor's one rating of a unit in the cycle, created or replaced until 公示."""
    score = checked_score(score, _("领导评价"))
    with transaction.atomic():
        lock_cycle(cycle, Activity.INPUTS)
        assessed_category(cycle, unit)
        rating = (
            LeaderRating.objects.select_for_update()
            .select_related("unit", "leader")
            .filter(cycle=cycle, unit=unit, leader=actor)
            .first()
        )
        before = leader_rating_state(rating) if rating else None
        if rating is None:
            rating = LeaderRating(cycle=cycle, unit=unit, leader=actor)
        rating.score, rating.comment = score, comment
        after = leader_rating_state(rating)
        if after != before:
            rating.save()
            action = "leader_rating.update" if before else "leader_rating.create"
            audit_record(actor=actor, action=action, obj=rating, before=before, after=after)
    return rating

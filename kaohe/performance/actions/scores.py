"""The department clerk's indicator scores (指标考评), from the page or the score sheet."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.accounts.actors import Actor
from kaohe.audit.actions import audit_record
from kaohe.org.models import ScoringDepartment, Unit
from kaohe.performance.actions.checks import checked_score, plain_text
from kaohe.performance.models import (
    IndicatorScore,
)
from kaohe.plans.gate import Activity, lock_cycle
from kaohe.plans.models import AssessedUnit, AssessmentCycle, Indicator


@dataclass(frozen=True)
class ScoreChanges:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.deleted


def indicator_scores_save(
    *,
    actor: Actor,
    cycle: AssessmentCycle,
    department: ScoringDepartment,
    cells: Mapping[tuple[AssessedUnit, Indicator], Decimal | None],
) -> ScoreChanges:
    """Save a department's scores, all or nothing: a value sets the score, None clears it.

    Each indicator must be the department's and of the unit's category that year; every bad cell is
    reported at once, naming the unit and indicator, and then nothing is saved.
    """
    problems: list[str] = []
    wanted: dict[tuple[int, int], Decimal | None] = {}
    for (assessed, indicator), value in cells.items():
        place = f"{assessed.unit.name} · {indicator.name}"
        if (
            indicator.cycle_id != cycle.pk
            or indicator.department_id != department.pk
            or assessed.cycle_id != cycle.pk
            or assessed.category_id != indicator.category_id
        ):
            problems.append(
                _("%(place)s: 不是%(department)s评分的指标") % {"place": place, "department": department}
            )
            continue
        if value is not None:
            try:
                value = checked_score(value, place)
            except ValidationError as error:
                problems.append(error.messages[0])
                continue
        wanted[(assessed.unit_id, indicator.pk)] = value
    if problems:
        raise ValidationError(problems, code="cells")
    with transaction.atomic():
        lock_cycle(cycle, Activity.INPUTS)
        indicator_ids = {indicator_id for _unit, indicator_id in wanted}
        existing = {
            (s.unit_id, s.indicator_id): s
            for s in IndicatorScore.objects.select_for_update().filter(
                cycle=cycle, indicator_id__in=indicator_ids, unit_id__in={u for u, _i in wanted}
            )
        }
        codes = {
            **{
                ("u", pk): code
                for pk, code in Unit.objects.filter(pk__in={u for u, _i in wanted}).values_list("pk", "code")
            },
            **{
                ("i", pk): code
                for pk, code in Indicator.objects.filter(pk__in=indicator_ids).values_list("pk", "code")
            },
        }
        created, updated, deleted = [], [], []
        before: dict[str, str] = {}
        after: dict[str, str | None] = {}
        unchanged = 0
        for (unit_id, indicator_id), value in wanted.items():
            key = f"{codes[('u', unit_id)]}/{codes[('i', indicator_id)]}"
            current = existing.get((unit_id, indicator_id))
            if current is None and value is None or current is not None and current.score == value:
                unchanged += 1
                continue
            if current is not None:
                before[key] = plain_text(current.score)
            after[key] = plain_text(value)
            if value is None:
                deleted.append(current.pk)
            elif current is None:
                created.append(
                    IndicatorScore(
                        cycle=cycle, unit_id=unit_id, indicator_id=indicator_id, score=value, entered_by=actor
                    )
                )
            else:
                current.score, current.entered_by, current.entered_at = value, actor, timezone.now()
                updated.append(current)
        IndicatorScore.objects.filter(pk__in=deleted).delete()
        IndicatorScore.objects.bulk_update(updated, ["score", "entered_by", "entered_at"], batch_size=500)
        IndicatorScore.objects.bulk_create(created, batch_size=500)
        if after:
            audit_record(
                actor=actor,
                action="indicator_score.save",
                object_type="performance.indicatorscore",
                object_id=f"{cycle.year}/{department.code}",
                object_repr=f"{cycle.name} · {department.name}",
                before=before,
                after=after,
            )
    return ScoreChanges(created=len(created), updated=len(updated), deleted=len(deleted), unchanged=unchanged)

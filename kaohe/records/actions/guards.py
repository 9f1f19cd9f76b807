"""What every records write checks first: the cycle still takes records (until 公示)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError

from kaohe.plans.models import AssessmentCycle, Phase

OPEN_PHASES = (Phase.PREPARATION, Phase.IMPLEMENTATION, Phase.EVALUATION)


class RecordsClosed(ValidationError):
    pass


def ensure_open(cycle: AssessmentCycle) -> None:
    # Lock the cycle row so a phase change cannot slip between this check and the write.
    locked = AssessmentCycle.objects.select_for_update().get(pk=cycle.pk)
    if locked.phase not in OPEN_PHASES:
        raise RecordsClosed(
            f"{locked.name}已进入{locked.get_phase_display()}阶段，平时考核记录已截止，不能再新增或修改。",
            code="closed",
        )


def plain_number(value: Decimal | None) -> str | None:
    if value is None:
        return None
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text

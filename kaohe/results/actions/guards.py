"""What results writes check first: the run is still the current one, the results are not sealed; 公示 working days."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError

from kaohe.plans import calendar
from kaohe.plans.models import AssessmentCycle
from kaohe.results import selectors
from kaohe.results.models import ComputeRun

BATCH = 2000


def notice_working_days() -> int:
    """公示 length in working days: setting PUBLIC_NOTICE_WORKING_DAYS, default 5."""
    return int(getattr(settings, "PUBLIC_NOTICE_WORKING_DAYS", 5))


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The last day of ``days`` working days from ``start`` (counted if it is a working day), on the
    organiser's working-day calendar (``plans.calendar``: holidays and 调休 working weekends)."""
    return calendar.working_days_end(start, days)


def current_state(cycle: AssessmentCycle, run: ComputeRun | None) -> selectors.ResultsState:
    """The state of the cycle, refusing when ``run`` (what the caller saw) is no longer the current run."""
    state = selectors.results_state(cycle)
    if state.run is None:
        raise ValidationError("尚未计算考核结果", code="no_run")
    if run is not None and run.pk != state.run.pk:
        raise ValidationError(
            f"考核结果已重新计算（现为第{state.run.version}次），页面已过期，请刷新后再操作", code="stale"
        )
    return state


def refuse_when_sealed(state: selectors.ResultsState) -> None:
    if state.finalised:
        raise ValidationError(selectors.FINALISED_MESSAGE, code="finalised")

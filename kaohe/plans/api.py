"""Cycles over JSON, read-only: the same selectors as the HTML pages, for organisers, committee and leaders."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from kaohe.accounts.access import CYCLE_READERS
from kaohe.plans import selectors
from kaohe.plans.models import AssessmentCycle, Indicator

router = Router(tags=["cycles"])


class CycleOut(Schema):
    year: int
    name: str
    phase: str
    phase_label: str
    plan_frozen: bool
    implementation_date: datetime.date | None
    evaluation_date: datetime.date | None
    public_notice_date: datetime.date | None
    completion_date: datetime.date | None

    @staticmethod
    def resolve_phase_label(cycle: AssessmentCycle) -> str:
        return str(cycle.get_phase_display())


class SettingOut(Schema):
    name: str
    value: str
    default: str
    effective: str
    help: str


class CycleDetailOut(CycleOut):
    counts: dict[str, int]
    settings: list[SettingOut]
    notes: str


class IndicatorOut(Schema):
    category: str
    code: str
    name: str
    weight: Decimal
    method: str
    department_code: str | None
    department_name: str | None

    @staticmethod
    def resolve_category(indicator: Indicator) -> str:
        return indicator.category.name

    @staticmethod
    def resolve_department_code(indicator: Indicator) -> str | None:
        return indicator.department.code if indicator.department_id else None

    @staticmethod
    def resolve_department_name(indicator: Indicator) -> str | None:
        return indicator.department.name if indicator.department_id else None


def _require(request: HttpRequest) -> None:
    if not request.user.has_role(*CYCLE_READERS):
        raise HttpError(403, "当前账号无权执行此操作")


@router.get("", response=list[CycleOut])
def list_cycles(request: HttpRequest):
    _require(request)
    return selectors.visible_cycles(request.user).order_by("-year")


@router.get("/{year}", response=CycleDetailOut)
def show_cycle(request: HttpRequest, year: int):
    _require(request)
    cycle = selectors.get_cycle(request.user, year)
    cycle.counts = selectors.cycle_counts(cycle)
    cycle.settings = [
        SettingOut(name=r.name, value=r.value, default=r.default, effective=r.effective, help=r.help)
        for r in selectors.plan_rows(cycle)
    ]
    cycle.notes = selectors.plan_of(cycle).notes
    return cycle


@router.get("/{year}/indicators", response=list[IndicatorOut])
def list_indicators(request: HttpRequest, year: int, category: str = ""):
    _require(request)
    cycle = selectors.get_cycle(request.user, year)
    indicators = selectors.indicators(cycle).order_by("category__order", "category__name", "code")
    if category:
        indicators = indicators.filter(category__name=category)
    return indicators

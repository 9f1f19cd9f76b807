"""Cycles over JSON: read-only for organisers, committee and leaders, on the same selectors as the HTML pages;
and the targets agreed up and down (``/api/cycles/{year}/targets/…``), on the same write functions."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError

from kaohe.accounts.access import CYCLE_READERS
from kaohe.api_errors import Input, refused
from kaohe.plans import actions, agreement_views, selectors
from kaohe.plans.models import AssessedUnit, AssessmentCycle, Indicator

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


# --- targets agreed up and down (自下而上、自上而下、反复认定) -----------------------------------------------
# The same selectors and write functions as the pages (agreement_views.py): a unit outside the account's
# scope is a 404; each write checks its role and step again and refuses with the one error shape.


class AgreementRowOut(Schema):
    unit_code: str
    unit_name: str
    category: str
    status: str  # draft 待提出 | proposed 待审核 | returned 已退回 | agreed 已认定
    status_label: str
    round: int
    late: bool
    targets: int
    indicators: int
    changed_at: datetime.datetime | None


class AgreementTargetOut(Schema):
    indicator: str
    name: str
    department: str | None
    content: str | None
    amount: str | None
    deadline: datetime.date | None


class AgreementStepOut(Schema):
    round: int
    kind: str  # propose | concur | return | agree | reopen
    kind_label: str
    actor: str
    role: str
    department: str | None
    comment: str
    notes: dict[str, str]
    targets: list[dict[str, str]] | None
    changes: list[dict[str, Any]]
    at: datetime.datetime


class AgreementOut(Schema):
    unit_code: str
    unit_name: str
    category: str
    status: str
    status_label: str
    round: int
    late: bool
    targets: list[AgreementTargetOut]
    steps: list[AgreementStepOut]


class TargetLineIn(Input):
    indicator: str  # the indicator's code in the unit's category
    content: str  # blank removes the target
    amount: str = ""
    deadline: datetime.date | None = None


class TargetDraftIn(Input):
    targets: list[TargetLineIn]


class TargetProposalIn(Input):
    targets: list[TargetLineIn] = []
    note: str = ""  # what changed and why: required from the second proposal on


class TargetReviewIn(Input):
    step: str  # concur (a responsible department) | return (a department or the organiser)
    comment: str = ""  # required to return
    notes: dict[str, str] = {}  # comments on single indicators, by code


class TargetAgreeIn(Input):
    comment: str = ""


class TargetReopenIn(Input):
    reason: str


class TargetSettingIn(Input):
    mode: str  # direct 考核办直接下达 | agreed 单位提出、审核认定
    due: datetime.date | None = None


class TargetSettingOut(Schema):
    mode: str
    due: datetime.date | None


def _agreement_cycle(request: HttpRequest, year: int, roles: tuple[str, ...]) -> AssessmentCycle:
    if not request.user.has_role(*roles):
        raise HttpError(403, "当前账号无权执行此操作")
    return selectors.get_cycle(request.user, year)


def _agreement_out(cycle: AssessmentCycle, item: AssessedUnit) -> AgreementOut:
    detail = selectors.agreement_detail(cycle, item, timezone.localdate())
    agreement = detail.agreement
    return AgreementOut(
        unit_code=item.unit.code,
        unit_name=item.unit.name,
        category=item.category.name,
        status=agreement.status,
        status_label=str(agreement.get_status_display()),
        round=agreement.round,
        late=detail.late,
        targets=[
            AgreementTargetOut(
                indicator=i.code,
                name=i.name,
                department=i.department.name if i.department_id else None,
                content=t.content if t else None,
                amount=t.amount if t else None,
                deadline=t.deadline if t else None,
            )
            for i, t in detail.lines
        ],
        steps=[
            AgreementStepOut(
                round=s.round,
                kind=s.kind,
                kind_label=str(s.get_kind_display()),
                actor=s.actor_name,
                role=s.role,
                department=s.department.name if s.department_id else None,
                comment=s.comment,
                notes=s.notes,
                targets=s.targets,
                changes=s.changes,
                at=s.at,
            )
            for r in reversed(detail.rounds)
            for s in r.steps
        ],
    )


def _drafts(
    cycle: AssessmentCycle, item: AssessedUnit, lines: list[TargetLineIn]
) -> list[actions.TargetDraft]:
    indicators = {i.code: i for i in Indicator.objects.filter(cycle=cycle, category_id=item.category_id)}
    problems: dict[str, list[str]] = {}
    seen = set()
    drafts = []
    for index, line in enumerate(lines):
        indicator = indicators.get(line.indicator)
        if indicator is None:
            problems.setdefault(f"targets.{index}.indicator", []).append(
                f"单位类别「{item.category.name}」没有指标「{line.indicator}」"
            )
            continue
        if line.indicator in seen:
            problems.setdefault(f"targets.{index}.indicator", []).append(f"指标「{line.indicator}」重复")
            continue
        seen.add(line.indicator)
        drafts.append(actions.TargetDraft(indicator, line.content, line.amount, line.deadline))
    if problems:
        raise refused(ValidationError(problems))
    return drafts


@router.get("/{year}/targets/agreements", response=list[AgreementRowOut])
def target_agreement_list_api(request: HttpRequest, year: int, status: str = ""):
    cycle = _agreement_cycle(request, year, agreement_views.LIST_READERS)
    rows = selectors.agreement_rows(request.user, cycle, timezone.localdate())
    return [
        AgreementRowOut(
            unit_code=r.item.unit.code,
            unit_name=r.item.unit.name,
            category=r.item.category.name,
            status=r.status,
            status_label=r.status_label,
            round=r.round,
            late=r.late,
            targets=r.targets,
            indicators=r.indicators,
            changed_at=r.changed_at,
        )
        for r in rows
        if not status or r.status == status or (status == "late" and r.late)
    ]


@router.put("/{year}/targets/setting", response=TargetSettingOut)
def target_setting_api(request: HttpRequest, year: int, payload: TargetSettingIn):
    cycle = _agreement_cycle(request, year, agreement_views.DECIDERS)
    try:
        plan = actions.plan_targets_set(actor=request.user, cycle=cycle, mode=payload.mode, due=payload.due)
    except ValidationError as error:
        raise refused(error, "mode") from error
    return TargetSettingOut(mode=plan.target_mode, due=plan.targets_due)


@router.get("/{year}/targets/agreements/{unit_code}", response=AgreementOut)
def target_agreement_api(request: HttpRequest, year: int, unit_code: str):
    cycle = _agreement_cycle(request, year, selectors.TARGET_AGREEMENT_READERS)
    return _agreement_out(cycle, selectors.get_agreement_unit_by_code(request.user, cycle, unit_code))


@router.put("/{year}/targets/agreements/{unit_code}/draft", response=AgreementOut)
def target_draft_api(request: HttpRequest, year: int, unit_code: str, payload: TargetDraftIn):
    cycle = _agreement_cycle(request, year, agreement_views.PROPOSERS)
    item = selectors.get_agreement_unit_by_code(request.user, cycle, unit_code)
    rows = _drafts(cycle, item, payload.targets)
    try:
        actions.target_draft_save(actor=request.user, cycle=cycle, unit_id=item.unit_id, rows=rows)
    except ValidationError as error:
        raise refused(error, "targets") from error
    return _agreement_out(cycle, item)


@router.post("/{year}/targets/agreements/{unit_code}/propose", response=AgreementOut)
def target_propose_api(request: HttpRequest, year: int, unit_code: str, payload: TargetProposalIn):
    cycle = _agreement_cycle(request, year, agreement_views.PROPOSERS)
    item = selectors.get_agreement_unit_by_code(request.user, cycle, unit_code)
    rows = _drafts(cycle, item, payload.targets)
    try:
        actions.targets_propose(
            actor=request.user, cycle=cycle, unit_id=item.unit_id, rows=rows, note=payload.note
        )
    except ValidationError as error:
        raise refused(error, "targets") from error
    return _agreement_out(cycle, item)


@router.post("/{year}/targets/agreements/{unit_code}/review", response=AgreementOut)
def target_review_api(request: HttpRequest, year: int, unit_code: str, payload: TargetReviewIn):
    cycle = _agreement_cycle(request, year, agreement_views.REVIEWERS)
    item = selectors.get_agreement_unit_by_code(request.user, cycle, unit_code)
    try:
        actions.targets_review(
            actor=request.user,
            cycle=cycle,
            unit_id=item.unit_id,
            step=payload.step,
            comment=payload.comment,
            notes=payload.notes,
        )
    except ValidationError as error:
        raise refused(error, "step") from error
    return _agreement_out(cycle, item)


@router.post("/{year}/targets/agreements/{unit_code}/agree", response=AgreementOut)
def target_agree_api(request: HttpRequest, year: int, unit_code: str, payload: TargetAgreeIn):
    cycle = _agreement_cycle(request, year, agreement_views.DECIDERS)
    item = selectors.get_agreement_unit_by_code(request.user, cycle, unit_code)
    try:
        actions.targets_agree(actor=request.user, cycle=cycle, unit_id=item.unit_id, comment=payload.comment)
    except ValidationError as error:
        raise refused(error) from error
    return _agreement_out(cycle, item)


@router.post("/{year}/targets/agreements/{unit_code}/reopen", response=AgreementOut)
def target_reopen_api(request: HttpRequest, year: int, unit_code: str, payload: TargetReopenIn):
    cycle = _agreement_cycle(request, year, agreement_views.DECIDERS)
    item = selectors.get_agreement_unit_by_code(request.user, cycle, unit_code)
    try:
        actions.targets_reopen(actor=request.user, cycle=cycle, unit_id=item.unit_id, reason=payload.reason)
    except ValidationError as error:
        raise refused(error, "reason") from error
    return _agreement_out(cycle, item)

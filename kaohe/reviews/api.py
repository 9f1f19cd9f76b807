"""一报告两评议 over JSON: the same selectors and write functions as the pages.

Reading: organisers and the committee (every target), assessors (their groups' units). The thresholds and
the outcomes: organisers."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema

from kaohe.accounts.models import Role
from kaohe.anonymity import min_group
from kaohe.api_errors import ApiError, Input, Refused, refused
from kaohe.org.models import Cadre, Unit
from kaohe.plans.gate import PhaseClosed
from kaohe.plans.selectors import get_cycle
from kaohe.reviews import actions, selectors, shares

router = Router(tags=["reviews"])


class ReviewOutcomeOut(Schema):
    outcome: str
    outcome_label: str
    note: str
    figures: str
    recorded_at: datetime.datetime


class ReviewRowOut(Schema):
    kind: str
    code: str
    name: str
    detail: str
    answers: int | None = Field(description="全部评价份数（含不了解）；不足 k 份时为 null")
    n: int | None = Field(description="有效评价数（新提拔干部不含不了解）；不足 k 份时为 null")
    agree: int | None
    disagree: int | None
    share: str | None = Field(description="（好+较好）/n 或（认同+基本认同）/n，精确分数；不足 k 份时为 null")
    text: str
    flags: list[str]
    outcome: ReviewOutcomeOut | None


class ReviewSettingOut(Schema):
    selection_good_min: str
    promoted_agree_min: str
    promoted_disagree_max: str


class ReviewListOut(Schema):
    min_group: int
    setting: ReviewSettingOut
    rows: list[ReviewRowOut]


class SpecialRowOut(Schema):
    template_id: int
    template: str
    unit: str
    name: str
    n: int | None
    satisfied: int | None
    share: str | None
    score: str | None = Field(description="折合百分制（两位小数）；不足 k 份时为 null")
    text: str
    public_survey: str | None
    applied: bool


class SpecialApplyIn(Input):
    template: int
    unit: str = Field(description="单位编码")


class ReviewSettingIn(Input):
    selection_good_min: str = Field("", max_length=16)
    promoted_agree_min: str = Field("", max_length=16)
    promoted_disagree_max: str = Field("", max_length=16)


class ReviewOutcomeIn(Input):
    kind: str = Field(description="selection（单位编码）或 promoted（干部编码）")
    code: str
    outcome: str = Field(description="cleared · explained · corrected · referred")
    note: str = Field(max_length=2000)


def _setting(setting) -> dict:
    return {name: getattr(setting, name) for name in actions.FIELDS}


def _row(row: selectors.Row) -> dict:
    found = row.share
    return {
        "kind": row.kind,
        "code": row.code,
        "name": row.name,
        "detail": row.detail,
        "answers": found.answers if found.shown else None,
        "n": found.n if found.shown else None,
        "agree": found.agree if found.shown else None,
        "disagree": found.disagree if found.shown and row.kind == shares.PROMOTED else None,
        "share": str(found.value) if found.value is not None else None,
        "text": found.text,
        "flags": list(found.flags),
        "outcome": {
            "outcome": row.outcome.outcome,
            "outcome_label": row.outcome.get_outcome_display(),
            "note": row.outcome.note,
            "figures": row.outcome.figures,
            "recorded_at": row.outcome.recorded_at,
        }
        if row.outcome
        else None,
    }


@router.get("/{year}", response=ReviewListOut)
def review_list_api(request: HttpRequest, year: int):
    """Each reviewed unit's selection work and each new promoted cadre: shares (k-safe), flags, outcomes."""
    cycle = get_cycle(request.user, year, selectors.READERS)
    return {
        "min_group": min_group(),
        "setting": _setting(selectors.setting(cycle)),
        "rows": [_row(row) for row in selectors.rows(request.user, cycle)],
    }


@router.put("/{year}/setting", response={200: ReviewSettingOut, 409: ApiError})
def review_setting_api(request: HttpRequest, year: int, payload: ReviewSettingIn):
    cycle = get_cycle(request.user, year, (Role.ORGANISER,))
    try:
        return _setting(actions.review_setting_update(actor=request.user, cycle=cycle, **payload.dict()))
    except PhaseClosed:
        raise  # the phase gate: 409 with its sentence (kaohe/api.py)
    except ValidationError as error:
        raise refused(error) from None


@router.post("/{year}/outcomes", response={200: ReviewRowOut, 409: ApiError})
def review_outcome_api(request: HttpRequest, year: int, payload: ReviewOutcomeIn):
    """Record how a flagged result was handled; the answer is the row with its outcome."""
    cycle = get_cycle(request.user, year, (Role.ORGANISER,))
    if payload.kind == shares.SELECTION:
        target = Unit.objects.filter(code=payload.code).first()
    elif payload.kind == shares.PROMOTED:
        target = Cadre.objects.filter(code=payload.code).first()
    else:
        raise Refused({"kind": [f"评议「{payload.kind}」应为 selection 或 promoted"]})
    if target is None:
        raise Refused(
            {"code": [f"没有编码为「{payload.code}」的{'单位' if payload.kind == 'selection' else '干部'}"]}
        )
    try:
        actions.review_outcome_record(
            actor=request.user,
            cycle=cycle,
            kind=payload.kind,
            target_id=target.pk,
            outcome=payload.outcome,
            note=payload.note,
        )
    except PhaseClosed:
        raise  # the phase gate: 409 with its sentence (kaohe/api.py)
    except ValidationError as error:
        raise refused(error) from None
    return _row(selectors.get_row(request.user, cycle, payload.kind, target.pk))


def _special(row: selectors.SpecialRow) -> dict:
    result = row.result
    return {
        "template_id": row.template_id,
        "template": row.template,
        "unit": row.code,
        "name": row.name,
        "n": result.n if result.shown else None,
        "satisfied": result.satisfied if result.shown else None,
        "share": str(result.value) if result.value is not None else None,
        "score": str(result.score) if result.score is not None else None,
        "text": result.text,
        "public_survey": str(row.public_survey) if row.public_survey is not None else None,
        "applied": row.applied,
    }


@router.get("/{year}/special", response=list[SpecialRowOut])
def special_list_api(request: HttpRequest, year: int):
    """Each unit's 专项评议 result (服务质量评议, 重点项目评议) from closed sessions, k-safe."""
    cycle = get_cycle(request.user, year, selectors.READERS)
    return [_special(row) for row in selectors.special_rows(request.user, cycle)]


@router.post("/{year}/special/apply", response=SpecialRowOut)
def special_apply_api(request: HttpRequest, year: int, payload: SpecialApplyIn):
    """Feed a unit's 专项评议 score into its 公众评议 (an input of the cycle; audited)."""
    cycle = get_cycle(request.user, year, (Role.ORGANISER,))
    unit = Unit.objects.filter(code=payload.unit).first()
    if unit is None:
        raise Refused({"unit": [f"没有编码为「{payload.unit}」的单位"]})
    try:
        actions.special_result_apply(
            actor=request.user, cycle=cycle, template_id=payload.template, unit_id=unit.pk
        )
    except ValidationError as error:
        raise refused(error, names={"closed": "non_field_errors"}) from None
    return _special(selectors.get_special_row(request.user, cycle, payload.template, unit.pk))

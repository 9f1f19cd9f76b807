"""The year's records over JSON: the same selectors and write functions as the pages.

Notes, findings and reasons are given only to those who read them on the pages (``selectors.sees_notes``);
for owners they are null.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from kaohe.accounts.models import Role
from kaohe.api_errors import ApiError, Input, Refused, refused
from kaohe.plans.selectors import get_cycle
from kaohe.records import actions, gaps, selectors
from kaohe.records.models import ListItem
from kaohe.records.regular import cycle_rule, regular_source
from kaohe.workbook.sheets import WorkbookError

router = Router(tags=["records"])
# The write functions' refusals carry the field they concern as their code.
_FIELDS = {name: name for name in ("quarter", "grade", "reason", "score")}


class ListItemOut(Schema):
    id: int
    unit_code: str
    cadre_code: str | None
    month: int
    kind: str
    content: str
    due: datetime.date | None
    completed: datetime.date | None
    found_by: str
    verified: bool
    verification_note: str | None
    evidence: list[str]


class ListItemIn(Input):
    month: int
    kind: str
    content: str
    due: datetime.date | None = None
    completed: datetime.date | None = None
    found_by: str = ""


class VerifyIn(Input):
    note: str = ""


class VisitOut(Schema):
    id: int
    unit_code: str
    date: datetime.date
    method: str
    members: str
    findings: str
    items: list[int]


class VisitIn(Input):
    unit_code: str
    date: datetime.date
    method: str
    members: str
    findings: str
    items: list[int] = []


class GradeOut(Schema):
    cadre_code: str
    quarter: int
    grade: str
    reason: str | None


class GradeIn(Input):
    quarter: int
    grade: str
    reason: str = ""


class OverrideIn(Input):
    score: Decimal | None
    reason: str = ""


class RegularOut(Schema):
    cadre_code: str
    derived: Decimal | None
    override: Decimal | None
    override_reason: str | None
    note: str


class GapOut(Schema):
    unit_code: str
    unit_name: str
    missing: bool
    unverified: int
    overdue: int
    visits: int
    visits_short: bool


class ImportOut(Schema):
    month: int
    rows: int
    created: int
    updated: int
    unchanged: int


def _item_out(item: ListItem, notes: bool) -> ListItemOut:
    return ListItemOut(
        id=item.pk,
        unit_code=item.unit.code,
        cadre_code=item.cadre.code if item.cadre_id else None,
        month=item.month,
        kind=item.kind,
        content=item.content,
        due=item.due,
        completed=item.completed,
        found_by=item.found_by,
        verified=item.verified_at is not None,
        verification_note=item.verification_note if notes else None,
        evidence=[e.name for e in item.evidence.all()],
    )


@router.get("/{year}/items", response=list[ListItemOut])
def list_items(request: HttpRequest, year: int, month: int | None = None, unit_code: str = ""):
    cycle = get_cycle(request.user, year, selectors.READERS)
    items = selectors.visible_items(request.user, cycle).prefetch_related("evidence").order_by("month", "pk")
    if month is not None:
        items = items.filter(month=month)
    if unit_code:
        items = items.filter(unit__code=unit_code)
    notes = selectors.sees_notes(request.user)
    return [_item_out(item, notes) for item in items[:5000]]


@router.post("/{year}/items", response={201: ListItemOut, 403: ApiError, 422: ApiError})
def create_item(request: HttpRequest, year: int, payload: ListItemIn):
    cycle = get_cycle(request.user, year, selectors.READERS)
    owned = selectors.owned_unit(request.user, cycle)
    if owned is None:
        raise HttpError(403, "只有本单位联络员或干部本人可以填报清单")
    cadre = request.user.cadre if request.user.has_role(Role.CADRE) else None
    try:
        item = actions.list_item_create(
            actor=request.user, cycle=cycle, unit=owned.unit, cadre=cadre, **payload.dict()
        )
    except ValidationError as error:
        raise refused(error, names=_FIELDS) from None
    return Status(201, _item_out(item, selectors.sees_notes(request.user)))


@router.post("/{year}/items/{item_id}/verify", response={200: ListItemOut, 422: ApiError})
def verify_item(request: HttpRequest, year: int, item_id: int, payload: VerifyIn):
    cycle = get_cycle(request.user, year, selectors.READERS)
    if not request.user.has_role(*selectors.CHECKERS):  # as the page: 403 before any lookup
        raise HttpError(403, "当前账号无权执行此操作")
    item = selectors.get_checked_item(request.user, cycle, item_id)
    try:
        actions.list_item_verify(actor=request.user, item=item, note=payload.note)
    except ValidationError as error:
        raise refused(error, names=_FIELDS) from None
    return Status(200, _item_out(item, True))


@router.post("/{year}/items/import", response={200: ImportOut, 403: ApiError, 422: ApiError})
def import_items(request: HttpRequest, year: int, month: Form[int], file: File[UploadedFile]):
    cycle = get_cycle(request.user, year, selectors.READERS)
    scope = None
    if request.user.has_role(Role.LIAISON):
        owned = selectors.owned_unit(request.user, cycle)
        if owned is None:
            raise HttpError(403, "当前账号无权执行此操作")
        scope = owned.unit_id
    elif not request.user.has_role(Role.ORGANISER):
        raise HttpError(403, "当前账号无权执行此操作")
    try:
        summary = actions.list_items_import(
            actor=request.user, cycle=cycle, month=month, data=file.read(), unit_scope=scope
        )
    except WorkbookError as error:
        raise Refused({"file": [str(p) for p in error.problems]}) from None
    except ValidationError as error:
        raise refused(error, names=_FIELDS) from None
    return Status(200, ImportOut(**summary.__dict__))


@router.get("/{year}/gaps", response=list[GapOut])
def list_gaps(request: HttpRequest, year: int, month: int):
    cycle = get_cycle(request.user, year, selectors.READERS)
    if not request.user.has_role(*selectors.REVIEWERS):
        raise HttpError(403, "当前账号无权执行此操作")
    if not 1 <= month <= 12:
        raise Refused({"month": [f"月份「{month}」应为 1–12"]})
    units = selectors.reviewable_units(request.user, cycle)
    return [
        GapOut(
            unit_code=g.code,
            unit_name=g.name,
            missing=g.missing,
            unverified=g.unverified,
            overdue=g.overdue,
            visits=g.visits,
            visits_short=g.visits_short,
        )
        for g in gaps.unit_gaps(cycle, cycle_rule(cycle), month, units)
    ]


@router.get("/{year}/visits", response=list[VisitOut])
def list_visits(request: HttpRequest, year: int):
    cycle = get_cycle(request.user, year, selectors.READERS)
    visits = selectors.visible_visits(request.user, cycle).prefetch_related("items")
    return [
        VisitOut(
            id=v.pk,
            unit_code=v.unit.code,
            date=v.date,
            method=v.method,
            members=v.members,
            findings=v.findings,
            items=[i.pk for i in v.items.all()],
        )
        for v in visits[:5000]
    ]


@router.post("/{year}/visits", response={201: VisitOut, 403: ApiError, 422: ApiError})
def create_visit(request: HttpRequest, year: int, payload: VisitIn):
    cycle = get_cycle(request.user, year, selectors.READERS)
    if not selectors.checks(request.user):
        raise HttpError(403, "当前账号无权执行此操作")
    assessed = selectors.reviewable_units(request.user, cycle).filter(unit__code=payload.unit_code).first()
    if assessed is None:
        raise Refused({"unit_code": [f"单位「{payload.unit_code}」不在您的考核范围内"]})
    items = list(selectors.visible_items(request.user, cycle).filter(pk__in=payload.items))
    missing = sorted(set(payload.items) - {i.pk for i in items})
    if missing:
        raise Refused({"items": [f"清单事项 {pk} 不存在或不可见" for pk in missing]})
    try:
        visit = actions.visit_create(
            actor=request.user,
            cycle=cycle,
            unit=assessed.unit,
            date=payload.date,
            method=payload.method,
            members=payload.members,
            findings=payload.findings,
            items=items,
        )
    except ValidationError as error:
        raise refused(error, names=_FIELDS) from None
    return Status(
        201,
        VisitOut(
            id=visit.pk,
            unit_code=assessed.unit.code,
            date=visit.date,
            method=visit.method,
            members=visit.members,
            findings=visit.findings,
            items=[i.pk for i in items],
        ),
    )


@router.get("/{year}/grades", response=list[GradeOut])
def list_grades(request: HttpRequest, year: int):
    cycle = get_cycle(request.user, year, selectors.READERS)
    reasons = selectors.sees_notes(request.user)
    return [
        GradeOut(
            cadre_code=g.cadre.code, quarter=g.quarter, grade=g.grade, reason=g.reason if reasons else None
        )
        for g in selectors.visible_grades(request.user, cycle)
    ]


def _gradeable(request: HttpRequest, cycle, cadre_code: str):
    assessed = (
        selectors.gradeable_cadres(request.user, cycle, cycle_rule(cycle))
        .filter(cadre__code=cadre_code)
        .first()
    )
    if assessed is None:
        raise HttpError(403, f"当前账号不评定干部「{cadre_code}」的季度等次")
    return assessed


@router.put("/{year}/grades/{cadre_code}", response={200: GradeOut, 422: ApiError})
def set_grade(request: HttpRequest, year: int, cadre_code: str, payload: GradeIn):
    cycle = get_cycle(request.user, year, selectors.READERS)
    assessed = _gradeable(request, cycle, cadre_code)
    try:
        grade = actions.quarterly_grade_set(
            actor=request.user,
            cycle=cycle,
            assessed=assessed,
            quarter=payload.quarter,
            grade=payload.grade,
            reason=payload.reason,
        )
    except ValidationError as error:
        raise refused(error, names=_FIELDS) from None
    return Status(
        200, GradeOut(cadre_code=cadre_code, quarter=grade.quarter, grade=grade.grade, reason=grade.reason)
    )


@router.get("/{year}/regular/{cadre_code}", response=RegularOut)
def get_regular(request: HttpRequest, year: int, cadre_code: str):
    cycle = get_cycle(request.user, year, selectors.READERS)
    if not request.user.has_role(
        *selectors.REVIEWERS
    ):  # a unit's or a cadre's own account: not theirs to read
        raise HttpError(403, "当前账号无权执行此操作")
    assessed = selectors.readable_cadres(request.user, cycle).filter(cadre__code=cadre_code).first()
    if assessed is None:
        raise HttpError(404, f"找不到干部「{cadre_code}」")
    source = regular_source(cycle, assessed.cadre_id)
    return RegularOut(
        cadre_code=cadre_code,
        derived=source.derived,
        override=source.override.score if source.override else None,
        override_reason=source.override.reason if source.override else None,
        note=source.note,
    )


@router.put("/{year}/regular/{cadre_code}", response={200: RegularOut, 422: ApiError})
def set_regular_override(request: HttpRequest, year: int, cadre_code: str, payload: OverrideIn):
    cycle = get_cycle(request.user, year, selectors.READERS)
    if not request.user.has_role(Role.ORGANISER):
        raise HttpError(403, "只有考核办可以改定平时考核")
    assessed = selectors.readable_cadres(request.user, cycle).filter(cadre__code=cadre_code).first()
    if assessed is None:
        raise HttpError(404, f"找不到干部「{cadre_code}」")
    try:
        actions.regular_override_set(
            actor=request.user, cycle=cycle, assessed=assessed, score=payload.score, reason=payload.reason
        )
    except ValidationError as error:
        raise refused(error, names=_FIELDS) from None
    return get_regular(request, year, cadre_code)

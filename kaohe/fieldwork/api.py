"""The group's work over JSON: the same selectors and write functions as the pages.

Organisers: every group; assessors: their own groups' visits (marking items; the 组长 also scheduling and
sending members); any other role: 403."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from kaohe.accounts.models import Role
from kaohe.api_errors import Input, Refused, refused
from kaohe.fieldwork import actions, selectors
from kaohe.fieldwork.models import ConflictKind, Visit
from kaohe.org.models import Unit
from kaohe.plans.selectors import get_cycle

router = Router(tags=["fieldwork"])
READERS = (Role.ORGANISER, Role.ASSESSOR)


class ChecklistItemOut(Schema):
    key: str
    label: str
    due: datetime.date | None
    done: bool
    state: str
    detail: str


class FieldVisitOut(Schema):
    id: int
    group: str
    unit: str
    unit_name: str
    late: int
    items: list[ChecklistItemOut]


class ProgressOut(Schema):
    count: int
    page: int
    pages: int
    visits: list[FieldVisitOut]


class ScheduleIn(Input):
    entry_on: datetime.date | None = None
    entry_place: str = Field("", max_length=100)
    duty_report_on: datetime.date | None = None
    duty_report_place: str = Field("", max_length=100)
    evaluation_on: datetime.date | None = None
    evaluation_place: str = Field("", max_length=100)
    interviews_from: datetime.date | None = None
    interviews_until: datetime.date | None = None
    interview_place: str = Field("", max_length=100)
    documents_on: datetime.date | None = None
    verification_on: datetime.date | None = None
    analysis_due: datetime.date | None = None


class MarkIn(Input):
    item: str
    done: datetime.date | None


class AssignIn(Input):
    username: str
    reason: str = ""


class AssignOut(Schema):
    username: str
    flags: list[str]
    reason: str


class ConflictIn(Input):
    unit: str
    kind: ConflictKind
    detail: str = Field("", max_length=300)


class ConflictOut(Schema):
    id: int
    unit: str
    kind: str


def _visit(request: HttpRequest, year: int, pk: int) -> Visit:
    return selectors.get_visit(request.user, get_cycle(request.user, year, READERS), pk)


def _out(visit: Visit, today: datetime.date, items: tuple) -> dict:
    return {
        "id": visit.pk,
        "group": visit.group.name,
        "unit": visit.unit.code,
        "unit_name": visit.unit.name,
        "late": sum(1 for i in items if i.state(today) == "late"),
        "items": [
            {
                "key": i.key,
                "label": i.label,
                "due": i.due,
                "done": i.done,
                "state": str(i.state(today)),
                "detail": i.detail,
            }
            for i in items
        ],
    }


@router.get("/{year}/progress", response=ProgressOut)
def progress(request: HttpRequest, year: int, page: int = 1, group: int | None = None):
    cycle = get_cycle(request.user, year, READERS)
    today = timezone.localdate()
    ordered = selectors.progress(request.user, cycle, today, group)
    paged = Paginator(ordered, 50).get_page(page)
    rows = selectors.visits_page(cycle, paged, today, ordered)
    return {
        "count": paged.paginator.count,
        "page": paged.number,
        "pages": paged.paginator.num_pages,
        "visits": [_out(v, today, checklist.items) for v, checklist in rows],
    }


def _annotated(request: HttpRequest, visit: Visit) -> dict:
    today = timezone.localdate()
    visit, checklist = selectors.visits_page(visit.cycle, [visit.pk], today)[0]
    return _out(visit, today, checklist.items)


@router.get("/{year}/visits/{pk}", response=FieldVisitOut)
def visit_get(request: HttpRequest, year: int, pk: int):
    return _annotated(request, _visit(request, year, pk))


@router.put("/{year}/visits/{pk}/schedule", response=FieldVisitOut)
def visit_schedule_api(request: HttpRequest, year: int, pk: int, payload: ScheduleIn):
    visit = _visit(request, year, pk)
    if not selectors.can_manage(request.user, visit.group):
        raise HttpError(403, "只有考核办和本组组长可以安排日程")
    try:
        actions.visit_schedule(actor=request.user, visit=visit, values=payload.dict())
    except ValidationError as error:
        raise refused(error) from None  # dates out of order: more than one field
    return _annotated(request, visit)


@router.post("/{year}/visits/{pk}/mark", response=FieldVisitOut)
def visit_mark_api(request: HttpRequest, year: int, pk: int, payload: MarkIn):
    visit = _visit(request, year, pk)
    if not selectors.can_mark(request.user, visit.group):
        raise HttpError(403, "只有考核办和本组成员可以标记")
    try:
        actions.visit_mark(actor=request.user, visit=visit, item=payload.item, done=payload.done)
    except ValidationError as error:
        raise refused(error, "item" if payload.item not in selectors.MANUAL_ITEMS else "done") from None
    return _annotated(request, visit)


@router.post("/{year}/visits/{pk}/assign", response=AssignOut)
def visit_assign_api(request: HttpRequest, year: int, pk: int, payload: AssignIn):
    visit = _visit(request, year, pk)
    if not selectors.can_manage(request.user, visit.group):
        raise HttpError(403, "只有考核办和本组组长可以派出人员")
    member = visit.group.members.filter(username=payload.username).first()
    if member is None:
        raise Refused({"username": [f"「{payload.username}」不是「{visit.group.name}」的成员"]})
    try:
        a = actions.visit_assign(actor=request.user, visit=visit, user=member, reason=payload.reason)
    except ValidationError as error:
        raise refused(error, "reason") from None  # a member who should recuse is sent only with a reason
    return {"username": member.get_username(), "flags": a.flags, "reason": a.reason}


@router.post("/{year}/conflicts", response=ConflictOut)
def conflict_declare_api(request: HttpRequest, year: int, payload: ConflictIn):
    cycle = get_cycle(request.user, year, READERS)
    if not request.user.has_role(Role.ASSESSOR):
        raise HttpError(403, "只有考核组成员申报本人的利害关系")
    unit = Unit.objects.filter(code=payload.unit).first()
    if unit is None:
        raise Refused({"unit": [f"没有编码为「{payload.unit}」的单位"]})
    try:
        d = actions.conflict_declare(
            actor=request.user, cycle=cycle, unit=unit, kind=payload.kind, detail=payload.detail
        )
    except ValidationError as error:
        raise refused(error, "detail") from None  # an "other" conflict must be described
    return {"id": d.pk, "unit": unit.code, "kind": d.kind}

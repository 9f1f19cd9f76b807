"""Interviews over JSON at /api/interviews/: the same selectors (checks, pledge gate, audit of every read)
and the same write functions as the pages."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from kaohe.api_errors import ApiError, Input, refused
from kaohe.interviews import actions, selectors
from kaohe.interviews.drafting import outline_draft
from kaohe.interviews.record import CadreEvaluation, InterviewRecord
from kaohe.plans.selectors import get_cycle

router = Router(tags=["interviews"])


class KindOut(Schema):
    kind: str
    required: int
    heard: int
    excused: int
    missing: int


class UnitCoverageOut(Schema):
    unit_id: int
    unit: str
    complete: bool
    heard: int
    excused: int
    missing: int
    kinds: list[KindOut]


class PersonOut(Schema):
    id: int | None
    kind: str
    name: str
    post: str
    cadre_id: int | None
    heard: bool
    excused: bool
    excused_reason: str


class UnitDetailOut(UnitCoverageOut):
    people: list[PersonOut]


class IntervieweeIn(Input):
    kind: str
    name: str
    post: str = ""


class ExcuseIn(Input):
    reason: str


class PledgeOut(Schema):
    text: str
    acknowledged: bool


class OutlineOut(Schema):
    text: str
    saved: bool


class OutlineIn(Input):
    text: str


class CadreEvaluationIO(Schema):
    cadre_id: int
    name: str = ""
    comments: dict[str, str] = {}
    grade: str = ""


class RecordIO(Schema):
    held_on: datetime.date
    interviewers: list[str]
    interviewee_name: str
    interviewee_post: str = ""
    team: dict[str, str] = {}
    cadres: list[CadreEvaluationIO] = []
    problems: str = ""
    problem_tags: list[str] = []
    suggestions: str = ""
    recommended: list[int] = []
    source: str = "typed"


class GradeCount(Schema):
    grade: str
    count: int


class CadreSummaryOut(Schema):
    cadre_id: int
    name: str
    evaluated: int | None
    grades: list[GradeCount] | None
    recommended: int | None


class TagCount(Schema):
    tag: str
    count: int


class SummaryOut(Schema):
    unit_id: int
    interviews: int
    k: int
    shown: bool
    complete: bool
    missing: int
    problem_tags: list[TagCount]
    cadres: list[CadreSummaryOut]


class ExportIn(Input):
    confirm: bool = Field(False, description="必须为 true：导出的是明文，将记入审计日志")


def _pledged(request: HttpRequest, cycle) -> None:
    if not selectors.pledge_acknowledged(request.user, cycle):
        raise HttpError(403, "请先确认本年度个别谈话的保密和纪律承诺（POST /api/interviews/{year}/pledge）")


def _coverage(unit, coverage) -> dict:
    return {
        "unit_id": unit.pk,
        "unit": unit.name,
        "complete": coverage.complete,
        "heard": coverage.heard,
        "excused": coverage.excused,
        "missing": coverage.missing,
        "kinds": [
            {
                "kind": k.kind,
                "required": k.required,
                "heard": k.heard,
                "excused": k.excused,
                "missing": k.missing,
            }
            for k in coverage.kinds
        ],
    }


@router.get("/{year}/units", response=list[UnitCoverageOut])
def list_units(request: HttpRequest, year: int):
    cycle = get_cycle(request.user, year, selectors.SUMMARY_ROLES)
    units = list(selectors.visited_units(request.user, cycle))
    return [_coverage(u, c) for u, c in selectors.units_coverage(cycle, units)]


@router.get("/{year}/units/{unit_id}", response=UnitDetailOut)
def get_unit(request: HttpRequest, year: int, unit_id: int):
    cycle = get_cycle(request.user, year, selectors.RECORD_ROLES)
    unit = selectors.get_unit(request.user, cycle, unit_id)
    rows = selectors.unit_rows(cycle, unit)
    people = [
        {
            "id": r.interviewee.pk if r.interviewee else None,
            "kind": r.kind,
            "name": r.name,
            "post": r.post,
            "cadre_id": r.cadre_id,
            "heard": r.heard,
            "excused": r.excused,
            "excused_reason": r.interviewee.excused_reason if r.interviewee else "",
        }
        for r in rows
    ]
    return {**_coverage(unit, selectors.unit_coverage(cycle, unit, rows)), "people": people}


@router.post("/{year}/units/{unit_id}/prepare", response={200: dict})
def prepare_unit(request: HttpRequest, year: int, unit_id: int):
    cycle = get_cycle(request.user, year, selectors.RECORD_ROLES)
    unit = selectors.get_unit(request.user, cycle, unit_id)
    return {"added": actions.interviewees_prepare(actor=request.user, cycle=cycle, unit=unit)}


@router.post("/{year}/units/{unit_id}/people", response={201: PersonOut, 422: ApiError})
def add_person(request: HttpRequest, year: int, unit_id: int, payload: IntervieweeIn):
    cycle = get_cycle(request.user, year, selectors.RECORD_ROLES)
    unit = selectors.get_unit(request.user, cycle, unit_id)
    try:
        person = actions.interviewee_add(actor=request.user, cycle=cycle, unit=unit, **payload.model_dump())
    except ValidationError as error:
        raise refused(error) from None
    return Status(
        201,
        {
            "id": person.pk,
            "kind": person.kind,
            "name": person.name,
            "post": person.post,
            "cadre_id": None,
            "heard": False,
            "excused": False,
            "excused_reason": "",
        },
    )


@router.post("/{year}/people/{person_id}/excuse", response={200: dict, 422: ApiError})
def excuse_person(request: HttpRequest, year: int, person_id: int, payload: ExcuseIn):
    cycle = get_cycle(request.user, year, selectors.RECORD_ROLES)
    person = selectors.get_interviewee(request.user, cycle, person_id)
    try:
        person = actions.interviewee_excuse(actor=request.user, interviewee=person, reason=payload.reason)
    except ValidationError as error:
        raise refused(error) from None
    return {"id": person.pk, "excused_reason": person.excused_reason}


@router.get("/{year}/pledge", response=PledgeOut)
def get_pledge(request: HttpRequest, year: int):
    cycle = get_cycle(request.user, year, selectors.RECORD_ROLES)
    return {
        "text": selectors.settings_of(cycle).pledge,
        "acknowledged": selectors.pledge_acknowledged(request.user, cycle),
    }


@router.post("/{year}/pledge", response=PledgeOut)
def acknowledge_pledge(request: HttpRequest, year: int):
    cycle = get_cycle(request.user, year, selectors.RECORD_ROLES)
    actions.pledge_acknowledge(actor=request.user, cycle=cycle)
    return {"text": selectors.settings_of(cycle).pledge, "acknowledged": True}


@router.get("/{year}/people/{person_id}/outline", response=OutlineOut)
def get_outline(request: HttpRequest, year: int, person_id: int):
    cycle = get_cycle(request.user, year, selectors.RECORD_ROLES)
    person = selectors.get_interviewee(request.user, cycle, person_id)
    _pledged(request, cycle)
    text = selectors.open_outline(request.user, person)
    return {"text": text if text is not None else outline_draft(person), "saved": text is not None}


@router.put("/{year}/people/{person_id}/outline", response={200: OutlineOut, 422: ApiError})
def save_outline(request: HttpRequest, year: int, person_id: int, payload: OutlineIn):
    cycle = get_cycle(request.user, year, selectors.RECORD_ROLES)
    person = selectors.get_interviewee(request.user, cycle, person_id)
    _pledged(request, cycle)
    try:
        actions.interview_outline_save(actor=request.user, interviewee=person, text=payload.text)
    except ValidationError as error:
        raise refused(error) from None
    return {"text": payload.text, "saved": True}


@router.get("/{year}/people/{person_id}/record", response={200: RecordIO})
def get_record(request: HttpRequest, year: int, person_id: int):
    cycle = get_cycle(request.user, year, selectors.RECORD_ROLES)
    person = selectors.get_interviewee(request.user, cycle, person_id)
    _pledged(request, cycle)
    record = selectors.open_interview(request.user, person)
    if record is None:
        raise HttpError(404, f"“{person.name}”尚无谈话记录")
    return record


@router.put("/{year}/people/{person_id}/record", response={200: dict, 422: ApiError})
def save_record(request: HttpRequest, year: int, person_id: int, payload: RecordIO):
    cycle = get_cycle(request.user, year, selectors.RECORD_ROLES)
    person = selectors.get_interviewee(request.user, cycle, person_id)
    _pledged(request, cycle)
    names = {pk: name for pk, name, _post in selectors.team_cadres(cycle, person.unit)}
    data = payload.model_dump()
    cadres = [
        CadreEvaluation(
            c["cadre_id"],
            names.get(c["cadre_id"], c["name"] or f"编号 {c['cadre_id']}"),
            c["comments"],
            c["grade"],
        )
        for c in data.pop("cadres")
    ]
    try:
        interview = actions.interview_save(
            actor=request.user, interviewee=person, record=InterviewRecord(**data, cadres=cadres)
        )
    except ValidationError as error:
        raise refused(error) from None
    return {"id": interview.pk, "interviewee": person.pk}


@router.get("/{year}/units/{unit_id}/summary", response=SummaryOut)
def get_summary(request: HttpRequest, year: int, unit_id: int):
    cycle = get_cycle(request.user, year, selectors.SUMMARY_ROLES)
    unit = selectors.get_unit(request.user, cycle, unit_id, selectors.SUMMARY_ROLES)
    summary = selectors.unit_summary(cycle, unit)
    coverage = selectors.unit_coverage(cycle, unit)
    return {
        "unit_id": unit.pk,
        "interviews": summary.interviews,
        "k": summary.k,
        "shown": summary.shown,
        "complete": coverage.complete,
        "missing": coverage.missing,
        "problem_tags": [{"tag": t, "count": n} for t, n in summary.problem_tags],
        "cadres": [
            {
                "cadre_id": c.cadre_id,
                "name": c.name,
                "evaluated": c.evaluated,
                "grades": [{"grade": g, "count": n} for g, n in c.grades] if c.grades is not None else None,
                "recommended": c.recommended,
            }
            for c in summary.cadres
        ],
    }


@router.post("/{year}/export", response={200: dict, 422: ApiError})
def export_records(request: HttpRequest, year: int, payload: ExportIn):
    cycle = get_cycle(request.user, year, selectors.ORGANISER_ROLES)
    if not payload.confirm:
        return Status(
            422, {"detail": "导出的是全部谈话记录的明文，将记入审计日志；确认后请以 confirm=true 重试。"}
        )
    return {"text": actions.interviews_export(actor=request.user, cycle=cycle)}

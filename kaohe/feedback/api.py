"""Feedback letters, rectification and the ledger over JSON: the pages' selectors and write functions."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile

from kaohe.accounts.models import Role
from kaohe.api_errors import Input, Refused, refused
from kaohe.feedback import actions, documents, selectors
from kaohe.feedback.models import ActionKind, Letter, LetterKind, Rectification, ResultAction
from kaohe.feedback.views import LETTER_READERS, RECTIFICATION_ROLES
from kaohe.plans.selectors import get_cycle
from kaohe.reports.api import DOCX_ANSWER
from kaohe.reports.views import _docx

router = Router(tags=["feedback"])


class LetterOut(Schema):
    id: int
    year: int
    kind: str
    unit: str
    cadre: str | None
    grade: str
    status: str
    recipient: str
    sent_at: datetime.datetime | None
    read_at: datetime.datetime | None
    talk_on: datetime.date | None
    talk_by: str
    achievements: list[str]
    problems: list[str]
    suggestions: list[str]


class PrepareIn(Input):
    kind: LetterKind


class PreparedOut(Schema):
    prepared: int


class TalkIn(Input):
    talk_on: datetime.date
    talk_by: str


class RectificationOut(Schema):
    id: int
    year: int
    unit: str
    letter: int
    number: int
    problem: str
    owner: str
    measures: str
    deadline: datetime.date | None
    status: str
    reopen_reason: str


class RectificationIn(Input):
    owner: str
    measures: str
    deadline: datetime.date
    progress: str = ""
    done: bool = False


class RectificationVerifyIn(Input):
    close: bool
    reason: str = ""


class ResultActionIn(Input):
    code: str  # a unit's or a cadre's code
    action: ActionKind
    decided_by: str
    decided_on: datetime.date
    document_no: str = ""
    held_on: datetime.date | None = None
    held_by: str = ""
    coefficient: Decimal | None = None
    note: str = ""


class ResultActionOut(Schema):
    id: int
    year: int
    kind: str
    unit: str
    cadre: str | None
    basis: str
    action: str
    document_no: str
    held_on: datetime.date | None
    held_by: str
    coefficient: Decimal | None
    decided_by: str
    decided_on: datetime.date


class UnhandledOut(Schema):
    kind: str
    code: str
    name: str
    unit: str
    grade: str
    due: list[str]
    days: int


# The write functions' refusals open with the label of the field they concern: the API names it.
_FIELDS = {
    "谈话人": "talk_by",
    "谈话日期": "talk_on",
    "责任人": "owner",
    "整改措施": "measures",
    "整改进展": "progress",
    "整改时限": "deadline",
    "申请销号": "done",
    "退回理由": "reason",
    "运用方式": "action",
    "决定人/机关": "decided_by",
    "文号": "document_no",
    "谈话人/实施人": "held_by",
    "说明": "note",
    "诫勉谈话": "held_on",
    "奖金系数": "coefficient",
    "决定日期": "decided_on",
    **{label: "document_no" for label in (ActionKind.COMMENDATION.label, ActionKind.MERIT.label)},
}


def _role(request: HttpRequest, roles: tuple[str, ...]) -> None:
    if not request.user.has_role(*roles):
        raise HttpError(403, "当前账号无权执行此操作")


def _refused(error: ValidationError, field: str = "non_field_errors") -> HttpError:
    return refused(error, field, _FIELDS)


def _letter(letter: Letter) -> dict:
    return {
        "id": letter.pk,
        "year": letter.cycle.year,
        "kind": letter.kind,
        "unit": letter.unit.code,
        "cadre": letter.cadre.code if letter.cadre_id else None,
        "grade": letter.grade,
        "status": letter.status,
        "recipient": letter.recipient_name,
        "sent_at": letter.sent_at,
        "read_at": letter.read_at,
        "talk_on": letter.talk_on,
        "talk_by": letter.talk_by,
        "achievements": letter.achievements,
        "problems": letter.problems,
        "suggestions": letter.suggestions,
    }


def _item(item: Rectification) -> dict:
    return {
        "id": item.pk,
        "year": item.cycle.year,
        "unit": item.unit.code,
        "letter": item.letter_id,
        "number": item.number,
        "problem": item.problem,
        "owner": item.owner,
        "measures": item.measures,
        "deadline": item.deadline,
        "status": item.status,
        "reopen_reason": item.reopen_reason,
    }


def _action(a: ResultAction) -> dict:
    return {
        "id": a.pk,
        "year": a.cycle.year,
        "kind": a.kind,
        "unit": a.unit.code,
        "cadre": a.cadre.code if a.cadre_id else None,
        "basis": a.basis,
        "action": a.action,
        "document_no": a.document_no,
        "held_on": a.held_on,
        "held_by": a.held_by,
        "coefficient": a.coefficient,
        "decided_by": a.decided_by,
        "decided_on": a.decided_on,
    }


# --- letters ------------------------------------------------------------------------------------------------


@router.get("/{year}/letters", response=list[LetterOut])
def letter_list(request: HttpRequest, year: int):
    return [
        _letter(letter)
        for letter in selectors.visible_letters(request.user, get_cycle(request.user, year, LETTER_READERS))
    ]


@router.post("/{year}/letters/prepare", response=PreparedOut)
def letters_prepare_api(request: HttpRequest, year: int, payload: PrepareIn):
    cycle = get_cycle(request.user, year, selectors.LETTER_MANAGERS)
    try:
        return {"prepared": actions.letters_prepare(actor=request.user, cycle=cycle, kind=payload.kind)}
    except ValidationError as error:
        raise _refused(error) from None


@router.get("/{year}/letters/{pk}", response=LetterOut)
def letter_get(request: HttpRequest, year: int, pk: int):
    letter = selectors.get_letter(request.user, get_cycle(request.user, year, LETTER_READERS), pk)
    if letter.recipient_id == request.user.pk:
        letter = actions.letter_read(actor=request.user, letter=letter)
    return _letter(letter)


@router.get("/{year}/letters/{pk}/docx", openapi_extra=DOCX_ANSWER)
def letter_docx(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    letter = selectors.get_letter(request.user, get_cycle(request.user, year, LETTER_READERS), pk)
    if letter.recipient_id == request.user.pk:
        actions.letter_read(actor=request.user, letter=letter)
    return _docx(documents.letter_docx(letter), f"{letter}.docx")


@router.post("/{year}/letters/{pk}/send", response=LetterOut)
def letter_send_api(request: HttpRequest, year: int, pk: int):
    letter = selectors.get_letter(request.user, get_cycle(request.user, year, selectors.LETTER_MANAGERS), pk)
    try:
        return _letter(actions.letter_send(actor=request.user, letter=letter))
    except ValidationError as error:
        raise _refused(error) from None


@router.post("/{year}/letters/{pk}/talk", response=LetterOut)
def letter_talk(request: HttpRequest, year: int, pk: int, payload: TalkIn):
    letter = selectors.get_letter(
        request.user, get_cycle(request.user, year, (Role.ORGANISER, Role.ASSESSOR)), pk
    )
    if not selectors.may_talk(request.user, letter):
        raise HttpError(403, "无权记录反馈谈话")
    try:
        return _letter(
            actions.letter_talk_record(
                actor=request.user, letter=letter, held_on=payload.talk_on, talk_by=payload.talk_by
            )
        )
    except ValidationError as error:
        raise _refused(error) from None


# --- rectification ------------------------------------------------------------------------------------------


@router.get("/rectifications", response=list[RectificationOut])
def rectification_list(
    request: HttpRequest,
    status: Literal["", "open", "submitted", "closed", "unclosed"] = "",
    unit_id: int | None = None,
    before: int | None = None,
):
    """``status`` one of open, submitted, closed or ``unclosed`` (not yet 销号); ``unit_id`` one unit's;
    ``before`` the items of cycles before that year (what it carries over)."""
    _role(request, RECTIFICATION_ROLES)
    items = selectors.filter_rectifications(
        selectors.visible_rectifications(request.user), status=status, unit_id=unit_id, before=before
    )
    return [_item(item) for item in items]


@router.get("/rectifications/{pk}", response=RectificationOut)
def rectification_get(request: HttpRequest, pk: int):
    _role(request, RECTIFICATION_ROLES)
    return _item(selectors.get_rectification(request.user, pk))


@router.post("/rectifications/{pk}", response=RectificationOut)
def rectification_update_api(
    request: HttpRequest,
    pk: int,
    payload: Form[RectificationIn],
    file: UploadedFile | None = File(None),  # noqa: B008 (ninja's way)
):
    _role(request, (Role.LIAISON, Role.CADRE))
    item = selectors.get_rectification(request.user, pk)
    if not selectors.may_update(request.user, item):
        raise HttpError(403, "无权修改这一整改事项")
    try:
        return _item(
            actions.rectification_update(actor=request.user, item=item, upload=file, **payload.dict())
        )
    except ValidationError as error:
        raise _refused(error) from None


@router.post("/rectifications/{pk}/verify", response=RectificationOut)
def rectification_verify(request: HttpRequest, pk: int, payload: RectificationVerifyIn):
    _role(request, (Role.ORGANISER, Role.ASSESSOR))
    item = selectors.get_rectification(request.user, pk)
    if not selectors.may_close(request.user, item):
        raise HttpError(403, "无权销号")
    try:
        if payload.close:
            return _item(actions.rectification_close(actor=request.user, item=item))
        return _item(actions.rectification_reopen(actor=request.user, item=item, reason=payload.reason))
    except ValidationError as error:
        raise _refused(error) from None


# --- the ledger ---------------------------------------------------------------------------------------------


@router.get("/{year}/actions", response=list[ResultActionOut])
def action_list(request: HttpRequest, year: int):
    return [
        _action(a)
        for a in selectors.visible_actions(
            request.user, get_cycle(request.user, year, selectors.LEDGER_READERS)
        )
    ]


@router.post("/{year}/actions", response=ResultActionOut)
def action_record(request: HttpRequest, year: int, payload: ResultActionIn):
    cycle = get_cycle(request.user, year, selectors.LEDGER_WRITERS)
    data = payload.dict()
    code = data.pop("code").strip()
    unit, cadre = selectors.subject_by_code(cycle, code)
    if unit is None:
        raise Refused({"code": [f"编码：没有编码为「{code}」的单位或干部。"]})
    try:
        return _action(
            actions.result_action_record(actor=request.user, cycle=cycle, unit=unit, cadre=cadre, **data)
        )
    except ValidationError as error:
        raise _refused(error) from None


@router.get("/{year}/actions/unhandled", response=list[UnhandledOut])
def action_unhandled(request: HttpRequest, year: int, days: int | None = None):
    return selectors.unhandled_flags(get_cycle(request.user, year, selectors.LEDGER_READERS), days=days)

"""How the JSON API answers what it refuses: always ``{"detail": "<中文说明>", "errors": {field: [...]}}``.

- 422: a body or parameter that does not fit the schema; ``detail`` one line naming each field, ``errors``
  the messages by field. A write function's refusal (Django's ``ValidationError``) has the same shape:
  ``raise api_errors.refused(error, "field")`` puts its messages under the field they concern.
- 400: a request body that cannot be parsed at all (multipart without a boundary, a truncated upload).
- 401, 403, 404: not signed in (or a bearer token refused: expired, revoked, unknown, with the reason),
  not allowed, not found (``detail`` only).
- 409: what the object's state does not allow now, whatever the input (``detail`` only): each exception
  ``install`` is given as a conflict, e.g. the phase gate's ``PhaseClosed``, answers with its sentence.
``document`` adds these answers to every operation of the OpenAPI schema, so that clients (and the fuzzer,
kaohe/tests/test_api_fuzz.py) know every status an operation may return.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from pydantic import field_validator


class ApiError(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


NUL_REFUSED = "不能包含空字符（\\x00）"


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple | set):
        return any(_holds_nul(v) for v in value)
    return False


class Input(Schema):
    """The schema of a request's body or query: text with a NUL character is refused by field (a 422), as
    the pages' forms refuse it. PostgreSQL cannot store or even compare it; its refusal answered 404."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if _holds_nul(value):
            raise ValueError(NUL_REFUSED)
        return value


_MESSAGES = {
    "missing": "这个字段是必填项。",
    "string_type": "应为文本",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "decimal_parsing": "应为数字",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "json_invalid": "请求体不是有效的 JSON",
    "model_attributes_type": "应为 JSON 对象",
    "model_type": "应为 JSON 对象",
    "dict_type": "应为 JSON 对象",
    "list_type": "应为列表",
    "string_too_long": "过长",
    "literal_error": "不是有效的选项",
    "enum": "不是有效的选项",
}
NON_FIELD = "non_field_errors"
_PLACES = {"body", "query", "path", "form", "header", "cookie", "file", "payload"}


def _field(location: list[Any]) -> str:
    names = [str(part) for part in location if str(part) not in _PLACES]
    return ".".join(names) or NON_FIELD


def _validation_error(request: HttpRequest, exc: ValidationError, api: NinjaAPI) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        if error.get("type") == "value_error" and "error" in error.get("ctx", {}):
            message = str(error["ctx"]["error"])  # a validator's own message (Input's NUL refusal)
        else:
            message = _MESSAGES.get(str(error.get("type")), str(error.get("msg", "无效")))
        errors.setdefault(_field(list(error.get("loc", ()))), []).append(message)
    detail = "；".join(f"{field}：{message}" for field, messages in errors.items() for message in messages)
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


class Refused(HttpError):
    """A 422 whose messages are keyed by field; ``detail`` is the messages in one line (unless given)."""

    def __init__(self, errors: dict[str, list[str]], detail: str | None = None) -> None:
        self.errors = errors
        line = "；".join(message for messages in errors.values() for message in messages)
        super().__init__(422, detail or line)


def refused(
    error: DjangoValidationError, field: str = NON_FIELD, names: Mapping[str, str] | None = None
) -> Refused:
    """A write function's refusal as the API answers it. A field-keyed error keeps its fields (the form's
    ``__all__`` as ``non_field_errors``); a message whose code, or the label it opens with (``"谈话人：请填写"``),
    is one of ``names`` goes under that name's field; any other under ``field``, the input it concerns."""
    if hasattr(error, "error_dict"):
        return Refused(
            {
                NON_FIELD if name == "__all__" else name: messages
                for name, messages in error.message_dict.items()
            }
        )
    names = names or {}
    errors: dict[str, list[str]] = {}
    for each in error.error_list:
        for message in each.messages:
            label = message.split("：", 1)[0] if "：" in message else ""
            name = names.get(each.code or "") or names.get(label) or field
            errors.setdefault(name, []).append(message)
    return Refused(errors)


def form_invalid(form: Any, names: Mapping[str, str] | None = None) -> Refused:
    """A page's form that refused the input, as the API answers it: each message under the API's name of its
    field (``names`` maps form field → API field; ``__all__`` is ``non_field_errors``), and in ``detail``
    each labelled with the field's Chinese label, as the page shows it next to the field."""
    names = names or {}
    errors: dict[str, list[str]] = {}
    lines: list[str] = []
    for field, messages in form.errors.items():
        name = NON_FIELD if field == "__all__" else names.get(field, field)
        label = str(form.fields[field].label) if field in form.fields else ""
        for message in map(str, messages):
            errors.setdefault(name, []).append(message)
            lines.append(f"{label}：{message}" if label and label not in message else message)
    return Refused(errors, "；".join(lines))


def workbook_refused(error: Any, field: str = "file") -> Refused:
    """A workbook's problems (``kaohe.workbook.sheets.WorkbookError``) keyed ``"<sheet>/<row>/<column>"`` as
    far as each names its place (``"指标/3/权重"``); a problem of the file as a whole goes under ``field``.
    ``detail`` lists them as the upload page does, with the count of those not listed."""
    errors: dict[str, list[str]] = {}
    for problem in error.problems:
        place = [str(part) for part in (problem.sheet, problem.row, problem.column) if part not in (None, "")]
        errors.setdefault("/".join(place) or field, []).append(problem.message)
    if error.more:
        errors.setdefault(field, []).append(error.more)
    return Refused(errors, "；".join(str(line) for line in str(error).splitlines()))


def _refused(request: HttpRequest, exc: Refused, api: NinjaAPI) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc), "errors": exc.errors}, status=422)


def _unreadable(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    return api.create_response(request, {"detail": f"请求体无法解析：{exc}"}, status=400)


def _not_found(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    return api.create_response(request, {"detail": "不存在，或不在当前账号的范围内"}, status=404)


def _data_error(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    """PostgreSQL's refusal of a value: a number out of range finds nothing (404); a NUL character in a path
    or query text (bodies are refused by ``Input``) is a 422."""
    if "NUL" in str(exc):
        return api.create_response(
            request,
            {"detail": f"参数{NUL_REFUSED}", "errors": {NON_FIELD: [f"参数{NUL_REFUSED}"]}},
            status=422,
        )
    return _not_found(request, exc, api)


def _forbidden(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "当前账号无权执行此操作"}, status=403)


class CredentialRefused(AuthenticationError):
    """A credential that does not admit (an API token expired, revoked, unknown): the 401 says why."""

    def __init__(self, message: str) -> None:
        super().__init__(401, message)


def _unauthenticated(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    # A refused bearer token says why (expired, revoked, unknown); no credential at all is "请先登录".
    detail = exc.message if isinstance(exc, CredentialRefused) else "请先登录"
    return api.create_response(request, {"detail": detail}, status=401)


def _conflict(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    messages = exc.messages if isinstance(exc, DjangoValidationError) else [str(exc)]
    return api.create_response(request, {"detail": messages[0]}, status=409)


def install(api: NinjaAPI, conflicts: tuple[type[Exception], ...] = ()) -> None:
    api.add_exception_handler(ValidationError, partial(_validation_error, api=api))
    api.add_exception_handler(Refused, partial(_refused, api=api))
    api.add_exception_handler(AuthenticationError, partial(_unauthenticated, api=api))
    api.add_exception_handler(Http404, partial(_not_found, api=api))
    api.add_exception_handler(PermissionDenied, partial(_forbidden, api=api))
    # A number in the path no row can have (a year of 21 digits): SQLite raises OverflowError, PostgreSQL a
    # DataError ("integer out of range"). Nothing by that number exists.
    api.add_exception_handler(OverflowError, partial(_not_found, api=api))
    api.add_exception_handler(DataError, partial(_data_error, api=api))
    for unreadable in (MultiPartParserError, UnreadablePostError):
        api.add_exception_handler(unreadable, partial(_unreadable, api=api))
    for conflict in conflicts:
        api.add_exception_handler(conflict, partial(_conflict, api=api))


_ANSWERS = {
    "400": "请求体无法解析",
    "401": "未登录，或令牌无效、已过期、已吊销",
    "403": "当前账号无权执行此操作",
    "404": "不存在，或不在当前账号的范围内",
    "422": "参数或请求体不符合要求",
}


def document(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with the refusals above listed under every operation that does not list its own."""
    schema.setdefault("components", {}).setdefault("schemas", {})["ApiError"] = ApiError.model_json_schema()
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            # django-ninja keys an operation's own answers by int (422), these by str ("422"): one key per
            # status, or the JSON carries "422" twice, which Swagger UI's parser refuses outright.
            responses = {str(status): answer for status, answer in operation.get("responses", {}).items()}
            operation["responses"] = responses
            for status, description in _ANSWERS.items():
                if int(status) not in responses:  # ninja's own keys are numbers: one entry per status
                    responses.setdefault(status, {"description": description, "content": reference})
    return schema

"""How the JSON API answers what it refuses: always ``{"detail": "<中文说明>", "errors": {field: [...]}}``.

- 422: a body or parameter that does not fit the schema; ``detail`` one line naming each field, ``errors``
  the messages by field (the same shape the write functions' refusals use).
- 400: a request body that cannot be parsed at all (multipart without a boundary, a truncated upload).
- 401, 403, 404: not signed in (or a bearer token refused: expired, revoked, unknown, with the reason),
  not allowed, not found (``detail`` only).
``document`` adds these answers to every operation of the OpenAPI schema, so that clients (and the fuzzer,
kaohe/tests/test_api_fuzz.py) know every status an operation may return.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, ValidationError

from kaohe.accounts.tokens import TokenRefused


class ApiError(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


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
_PLACES = {"body", "query", "path", "form", "header", "cookie", "file", "payload"}


def _field(location: list[Any]) -> str:
    names = [str(part) for part in location if str(part) not in _PLACES]
    return ".".join(names) or "non_field_errors"


def _validation_error(request: HttpRequest, exc: ValidationError, api: NinjaAPI) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        message = _MESSAGES.get(str(error.get("type")), str(error.get("msg", "无效")))
        errors.setdefault(_field(list(error.get("loc", ()))), []).append(message)
    detail = "；".join(f"{field}：{message}" for field, messages in errors.items() for message in messages)
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


def _unreadable(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    return api.create_response(request, {"detail": f"请求体无法解析：{exc}"}, status=400)


def _not_found(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    return api.create_response(request, {"detail": "不存在，或不在当前账号的范围内"}, status=404)


def _forbidden(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "当前账号无权执行此操作"}, status=403)


def _unauthenticated(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    # A refused bearer token says why (expired, revoked, unknown); no credential at all is "请先登录".
    detail = exc.message if isinstance(exc, TokenRefused) else "请先登录"
    return api.create_response(request, {"detail": detail}, status=401)


def install(api: NinjaAPI) -> None:
    api.add_exception_handler(ValidationError, partial(_validation_error, api=api))
    api.add_exception_handler(AuthenticationError, partial(_unauthenticated, api=api))
    api.add_exception_handler(Http404, partial(_not_found, api=api))
    api.add_exception_handler(PermissionDenied, partial(_forbidden, api=api))
    # A number in the path no row can have (a year of 21 digits): SQLite raises OverflowError, PostgreSQL a
    # DataError ("integer out of range"). Nothing by that number exists.
    for out_of_range in (OverflowError, DataError):
        api.add_exception_handler(out_of_range, partial(_not_found, api=api))
    for unreadable in (MultiPartParserError, UnreadablePostError):
        api.add_exception_handler(unreadable, partial(_unreadable, api=api))


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
                own = responses.setdefault(status, {"description": description, "content": reference})
                own_schema = own.get("content", {}).get("application/json", {}).get("schema")
                if own_schema not in (None, reference["application/json"]["schema"]):
                    # An app's own refusal shape, and the framework's (a body that does not fit the schema)
                    # for the same status: either may come, so both are documented.
                    own["content"]["application/json"]["schema"] = {
                        "anyOf": [own_schema, reference["application/json"]["schema"]]
                    }
    return schema

"""How the role-matrix test reaches every page and API operation: enumerate them, fill their parameters,
send one request as a member of the cast, and classify the answer. The table is kaohe/accounts/matrix.py."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from kaohe.api import api

# The cast's cycle (conftest.roster): cycle pages answer with the cycle itself, not a 404.
YEAR = 2025
# Any other object a path names does not exist: what the matrix checks is the role's gate, which every
# view passes or refuses before it looks the object up (scope, 404, is each app's own tests' business).
MISSING = 999_999
ROLES = (
    "organiser",
    "committee",
    "assessor",
    "clerk",
    "liaison",
    "leader",
    "cadre",
    "discipline",
    "sysadmin",
    "secadmin",
    "auditadmin",
)


@dataclass(frozen=True)
class Page:
    name: str  # the URL name, "namespace:name"
    route: str  # the pattern, for messages
    converters: dict[str, str]
    callback: Any

    def names_a_missing_object(self) -> bool:
        return any(name not in KNOWN for name in self.converters)

    def path(self) -> str:
        path = self.route
        for name, converter in self.converters.items():
            path = path.replace(f"<{converter}:{name}>", str(_value(name, converter)))
        return "/" + path


# Parameters that name no row but a number or code with a range: the cast's own.
KNOWN: dict[str, Any] = {"year": YEAR, "month": 1, "quarter": 1, "cadre_code": "GB001"}


def _value(name: str, converter: str) -> Any:
    if name in KNOWN:
        return KNOWN[name]
    if converter == "int":
        return MISSING
    if converter == "uuid":
        return uuid.UUID(int=MISSING)
    return "x"


def _walk(patterns, prefix: str, namespace: str | None):
    for entry in patterns:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, [namespace, entry.namespace])) if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + route, inner)
        elif isinstance(entry, URLPattern):
            yield prefix + route, (f"{namespace}:{entry.name}" if namespace else entry.name), entry


def pages() -> dict[str, Page]:
    """Every URL pattern but the API's (the API is checked by operation), by URL name."""
    found: dict[str, Page] = {}
    for route, name, entry in _walk(get_resolver().url_patterns, "", None):
        if route.startswith("api/"):
            continue
        assert name, f"the URL pattern {route} has no name: the role matrix finds patterns by name"
        assert name not in found, f"two URL patterns are named {name}"
        converters = {name: converter for converter, name in re.findall(r"<(\w+):(\w+)>", route)}
        found[name] = Page(name=name, route=route, converters=converters, callback=entry.callback)
    return found


@dataclass(frozen=True)
class Operation:
    key: str  # "GET /api/org/units/{unit_id}"
    method: str
    path: str
    operation: dict[str, Any]

    def url(self) -> str:
        url = self.path
        for parameter in self.operation.get("parameters", []):
            if parameter["in"] == "path":
                value = KNOWN.get(parameter["name"], example(parameter.get("schema", {}), SCHEMA))
                url = url.replace("{" + parameter["name"] + "}", str(value))
        return url


SCHEMA: dict[str, Any] = api.get_openapi_schema(path_prefix="/api/")


def operations() -> dict[str, Operation]:
    found = {}
    for path, methods in SCHEMA["paths"].items():
        for method, operation in methods.items():
            key = f"{method.upper()} {path}"
            found[key] = Operation(key=key, method=method, path=path, operation=operation)
    return found


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = root["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def example(schema: dict[str, Any], root: dict[str, Any]) -> Any:
    """The smallest value ``schema`` accepts: the body a write needs so that its role check, not the
    schema's, answers (ids name nothing, so no allowed write can land on a real row but by creation)."""
    schema = _resolve(schema, root)
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    for combined in ("anyOf", "oneOf", "allOf"):
        if combined in schema:
            options = [_resolve(s, root) for s in schema[combined]]
            concrete = [s for s in options if s.get("type") != "null"] or options
            return example(concrete[0], root)
    kind = schema.get("type", "object")
    if kind == "integer":
        return max(schema.get("minimum", MISSING), MISSING) if "maximum" not in schema else schema["maximum"]
    if kind == "number":
        return schema.get("minimum", 1)
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    if kind == "string":
        fmt = schema.get("format")
        if fmt == "date":
            return f"{YEAR}-01-01"
        if fmt == "date-time":
            return f"{YEAR}-01-01T00:00:00+08:00"
        if fmt == "binary":
            return b"x"
        length = schema.get("minLength", 1)
        pattern = schema.get("pattern")
        if pattern == r"^\d{4}-\d{2}$":
            return f"{YEAR}-01"
        return "x" * max(length, 1)
    properties = schema.get("properties", {})
    return {
        name: example(properties[name], root) for name in schema.get("required", []) if name in properties
    }


def body(operation: Operation) -> tuple[dict[str, Any], dict[str, Any]]:
    """(json body, multipart data) for a write; one of them empty."""
    content = operation.operation.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        return example(content["application/json"]["schema"], SCHEMA), {}
    if "multipart/form-data" in content:
        from django.core.files.uploadedfile import SimpleUploadedFile

        data = example(content["multipart/form-data"]["schema"], SCHEMA)
        files = {
            key: SimpleUploadedFile(f"{key}.xlsx", value) if isinstance(value, bytes) else value
            for key, value in data.items()
        }
        return {}, files
    return {}, {}


def query(operation: Operation) -> dict[str, Any]:
    return {
        parameter["name"]: KNOWN.get(parameter["name"], example(parameter.get("schema", {}), SCHEMA))
        for parameter in operation.operation.get("parameters", [])
        if parameter["in"] == "query" and parameter.get("required")
    }

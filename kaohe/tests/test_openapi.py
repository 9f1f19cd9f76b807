"""The API's schema is pinned, served at a stable path, and documented at /api/docs without the internet.

The schema the app serves at /api/openapi.json must equal kaohe/tests/openapi.json: a change to an
operation, a field or an answer shows here, in review, instead of surprising a script that calls the API.
After a change made on purpose, refresh the file and commit it with the change:

    make openapi        # = KAOHE_WRITE_OPENAPI=1 .venv/bin/pytest -q kaohe/tests/test_openapi.py
"""

import difflib
import json
import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.utils import timezone

from kaohe.accounts.tokens import token_create

SNAPSHOT = Path(__file__).with_name("openapi.json")
SCHEMA_URL = "/api/openapi.json"
DOCS_URL = "/api/docs"

pytestmark = pytest.mark.django_db


def as_text(schema: dict) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def test_the_served_schema_is_the_committed_snapshot(client_for, cast):
    response = client_for("organiser").get(SCHEMA_URL)
    assert response.status_code == 200
    served = as_text(response.json())
    if os.environ.get("KAOHE_WRITE_OPENAPI") == "1":
        SNAPSHOT.write_text(served, encoding="utf-8")
    committed = SNAPSHOT.read_text(encoding="utf-8") if SNAPSHOT.exists() else ""
    if served != committed:
        diff = difflib.unified_diff(
            committed.splitlines(), served.splitlines(), "kaohe/tests/openapi.json", SCHEMA_URL, lineterm=""
        )
        shown = "\n".join(list(diff)[:80])
        pytest.fail(
            "The API's schema changed. If that was meant, run `make openapi` and commit kaohe/tests/openapi.json "
            f"with the change; if not, the change broke the API's contract.\n{shown}",
            pytrace=False,
        )


def test_the_schema_is_served_at_its_stable_path_to_a_token_too(cast):
    issued = token_create(
        actor=cast["organiser"],
        name="schema",
        role="committee",
        expires_at=timezone.now() + timedelta(days=1),
    )
    response = Client(HTTP_AUTHORIZATION=f"Bearer {issued.secret}").get(SCHEMA_URL)
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Kaohe API"


def test_the_schema_and_the_docs_are_for_signed_in_accounts_only(db):
    anonymous = Client()
    refused = anonymous.get(SCHEMA_URL)
    assert refused.status_code == 401 and refused.json() == {"detail": "请先登录"}
    docs = anonymous.get(DOCS_URL)
    assert docs.status_code == 302 and docs["Location"].startswith("/login/?next=/api/docs")
    bad_token = Client(HTTP_AUTHORIZATION="Bearer kh.0000.nothing").get(SCHEMA_URL)
    assert bad_token.status_code == 401 and bad_token.json() == {"detail": "令牌无效。"}


def test_the_docs_page_loads_nothing_from_outside_the_app(client_for, cast):
    response = client_for("committee").get(DOCS_URL)
    assert response.status_code == 200
    page = response.content.decode()
    references = re.findall(r'(?:src|href)="([^"]*)"', page)
    assert references, "the docs page names its script and style sheet"
    for reference in references:
        assert reference.startswith("/static/"), reference
        assert finders.find(reference.removeprefix("/static/")), (
            f"{reference} is not among the app's static files"
        )
    assert not re.search(r"https?://|//cdn|unpkg|jsdelivr", page)
    settings = json.loads(re.search(r'id="swagger-settings">(.*?)</script>', page, re.S).group(1))
    assert settings["url"] == SCHEMA_URL
    init = Path(finders.find("kaohe/api-docs.js")).read_text()
    assert "validatorUrl = null" in init  # Swagger UI would otherwise ask validator.swagger.io
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_no_two_api_schemas_share_a_name():
    """The schema keeps one component per name: a second class of the same name would be documented as the
    first (the reports' review body was once documented as the integrity review's)."""
    import importlib
    import inspect

    from ninja import Schema

    seen: dict[str, list[str]] = {}
    for module_path in sorted(Path(__file__).resolve().parents[1].glob("*/api.py")):
        module = importlib.import_module(f"kaohe.{module_path.parent.name}.api")
        for name, value in vars(module).items():
            if inspect.isclass(value) and issubclass(value, Schema) and value.__module__ == module.__name__:
                seen.setdefault(name, []).append(module.__name__)
    clashes = {name: modules for name, modules in seen.items() if len(modules) > 1}
    assert not clashes, f"rename one of each: {clashes}"


def test_the_served_schema_has_no_key_twice(client_for, cast):
    """Python's json keeps the last of two equal keys; Swagger UI refuses the whole schema (a 422 documented
    by an operation and again by api_errors.document was once written twice)."""

    def no_twice(pairs):
        keys = [key for key, _ in pairs]
        assert len(keys) == len(set(keys)), sorted({key for key in keys if keys.count(key) > 1})
        return dict(pairs)

    json.loads(client_for("organiser").get(SCHEMA_URL).content, object_pairs_hook=no_twice)

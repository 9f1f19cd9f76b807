"""Live turnout: counts per rater group for organisers and the session's assessment group, refreshing itself."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kaohe.ballots import actions
from kaohe.ballots.models import EvaluationSession
from kaohe.ballots.tests.conftest import ROLES, filled
from kaohe.plans.models import AssessmentGroup

REFUSED = [role for role in ROLES if role not in ("organiser", "assessor")]


def live(session) -> str:
    return reverse("ballots:live_turnout", args=[session.cycle.year, session.pk])


def in_group(world):
    session = world["session"]
    EvaluationSession.objects.filter(pk=session.pk).update(assessment_group=world["roster"]["group"])
    return session


def test_the_organiser_sees_ballots_received_against_expected_per_group(world, client_for):
    session = world["session"]
    for code in world["codes"]["下级"][:3]:
        actions.ballot_submit(code=code, data=filled(session))
    response = client_for("organiser").get(live(session))
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        '<td>下级</td><td class="text-end">5</td><td class="text-end">3</td><td class="text-end">60%</td>'
        in page
    )
    assert '<td class="text-end" id="live-received">3</td>' in page
    assert f'hx-get="{live(session)}" hx-trigger="every 5s" hx-swap="outerHTML"' in page
    assert 'id="refresh"' in page  # without JavaScript: a link that reloads
    assert response["Cache-Control"].startswith("max-age=0")


def test_htmx_gets_only_the_table_the_page_includes(world, client_for):
    session = world["session"]
    response = client_for("organiser").get(live(session), headers={"HX-Request": "true"})
    page = response.content.decode()
    assert page.startswith('<div id="live-table"') and "<html" not in page
    assert "HX-Request" in response["Vary"]


def test_a_closed_session_stops_polling(world, client_for):
    session = actions.session_close(
        actor=world["organiser"], session=world["session"], opening_key=world["opening_key"]
    )
    page = client_for("organiser").get(live(session)).content.decode()
    assert "hx-trigger" not in page and "自动刷新" not in page


def test_a_member_of_the_sessions_assessment_group_follows_it(world, client_for):
    session = in_group(world)
    client = client_for("assessor")
    assert client.get(live(session)).status_code == 200
    listing = client.get(reverse("ballots:live_list", args=[2025])).content.decode()
    assert live(session) in listing


def test_an_assessor_outside_the_sessions_group_finds_nothing(world, client_for):
    session = world["session"]
    client = client_for("assessor")
    assert client.get(live(session)).status_code == 404
    other = AssessmentGroup.objects.create(cycle=session.cycle, name="第二考核组")
    EvaluationSession.objects.filter(pk=session.pk).update(assessment_group=other)
    assert client.get(live(session)).status_code == 404
    listing = client.get(reverse("ballots:live_list", args=[2025])).content.decode()
    assert live(session) not in listing and "没有可查看的测评会" in listing


def test_the_organiser_lists_every_session_of_the_cycle(world, client_for):
    response = client_for("organiser").get(reverse("ballots:live_list", args=[2025]))
    assert response.status_code == 200 and live(world["session"]) in response.content.decode()
    assert client_for("organiser").get(reverse("ballots:live_list", args=[2024])).status_code == 404


@pytest.mark.parametrize("role", REFUSED)
def test_other_roles_are_refused_the_turnout(world, client_for, role):
    session = in_group(world)
    client = client_for(role)
    assert client.get(live(session)).status_code == 403
    assert client.get(reverse("ballots:live_list", args=[2025])).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in_and_posts_are_refused(world, client_for):
    session = world["session"]
    response = client_for(None).get(live(session))
    assert response.status_code == 302 and "/login" in response["Location"]
    assert client_for("organiser").post(live(session)).status_code == 405


def test_the_turnout_shows_counts_only(world, client_for):
    session = world["session"]
    actions.ballot_submit(code=world["codes"]["上级"][0], data=filled(session, 张思佳="优秀"))
    page = client_for("organiser").get(live(session)).content.decode()
    assert "优秀" not in page and "称职" not in page

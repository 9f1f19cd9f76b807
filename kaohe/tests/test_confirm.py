"""The one confirmation step (kaohe/confirm.py), through a real endpoint: moving a cycle's phase."""

from django.urls import reverse

from kaohe.audit.models import AuditEntry
from kaohe.plans.models import AssessmentCycle

ADVANCE = reverse("plans:cycle_advance", args=[2025])


def phase() -> str:
    return AssessmentCycle.objects.get(year=2025).phase


def test_a_get_asks_on_a_whole_page_and_writes_nothing(roster, client_for):
    page = client_for("organiser").get(ADVANCE).content.decode()
    assert "<html" in page and 'id="confirm-consequence"' in page
    assert "进入「实施」阶段后不能退回" in page
    assert 'name="confirm" value="yes"' in page and 'name="from_phase" value="preparation"' in page
    assert phase() == "preparation" and not AuditEntry.objects.filter(action="cycle.advance").exists()


def test_htmx_gets_the_dialogs_body_alone(roster, client_for):
    page = client_for("organiser").post(ADVANCE, {"from_phase": "preparation"}, HTTP_HX_REQUEST="true")
    text = page.content.decode()
    assert page.status_code == 200 and "<html" not in text and 'id="confirm-card"' in text
    assert phase() == "preparation"


def test_the_first_posts_fields_ride_through_and_only_the_confirm_field_acts(roster, client_for):
    client = client_for("organiser")
    asked = client.post(ADVANCE, {"from_phase": "preparation", "confirm": "no"}).content.decode()
    assert 'name="from_phase" value="preparation"' in asked and phase() == "preparation"
    client.post(ADVANCE, {"from_phase": "preparation", "confirm": "yes"})
    assert phase() == "implementation"


def test_the_live_figures_of_the_other_apps_are_stated(roster, client_for):
    page = client_for("organiser").get(ADVANCE).content.decode()
    assert "参评单位" in page and "未结束或未封存的测评会" in page


def test_a_role_without_the_action_is_refused_before_being_asked(roster, client_for):
    assert client_for("committee").get(ADVANCE).status_code == 403
    assert client_for(None).get(ADVANCE).status_code == 302

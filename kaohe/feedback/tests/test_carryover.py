"""Open 整改 items carry into the next year: its interview outlines, the profiles and the plan's units."""

import pytest

from kaohe.feedback import actions
from kaohe.feedback.models import Letter, Rectification
from kaohe.interviews.drafting import outline_draft
from kaohe.interviews.models import Interviewee, Kind
from kaohe.plans.carryover import carried_items
from kaohe.plans.models import AssessedUnit, AssessmentCycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(accepted, world, cast, principal):
    """2025: unit A's team letter and its two cadres' letters sent (two items each); the team's first item
    closed (销号)."""
    actions.letters_prepare(actor=cast["organiser"], cycle=world, kind="team")
    actions.letters_prepare(actor=cast["organiser"], cycle=world, kind="cadre")
    for letter in Letter.objects.filter(unit__code="DW01"):
        actions.letter_send(actor=cast["organiser"], letter=letter)
    team = list(Rectification.objects.filter(letter__kind="team", unit__code="DW01").order_by("number"))
    Rectification.objects.filter(pk=team[0].pk).update(status="closed")
    return team


@pytest.fixture
def next_year(roster):
    """2026, with units A and B taking part."""
    cycle = AssessmentCycle.objects.create(year=2026, name="2026年度考核")
    for key in ("a", "b"):
        unit = roster["units"][key]
        AssessedUnit.objects.create(cycle=cycle, unit=unit, category=roster["categories"]["towns"])
    return cycle


def asked(item: Rectification) -> str:
    return f"“{item.problem.rstrip('。')}”尚未销号"


def test_next_years_outline_asks_about_the_open_items_not_the_closed_or_this_years(
    items, next_year, world, roster
):
    closed, still_open = items
    unit = roster["units"]["a"]
    staff = Interviewee.objects.create(cycle=next_year, unit=unit, kind=Kind.STAFF, name="周干部")
    text = outline_draft(staff)
    assert f"2025年度考核反馈的整改事项{asked(still_open)}" in text, text
    assert closed.problem.rstrip("。") not in text
    assert text.count("整改事项") == 1  # the team's open item; the cadres' letters' are theirs alone
    # The same year's outline: its items were only just fed back, nothing is carried yet.
    same_year = Interviewee.objects.create(cycle=world, unit=unit, kind=Kind.STAFF, name="吴干部")
    assert "整改事项" not in outline_draft(same_year)


def test_a_team_member_is_asked_about_their_own_letters_items_too(items, next_year, roster):
    li_ming = roster["cadres"]["a2"]
    person = Interviewee.objects.create(
        cycle=next_year, unit=roster["units"]["a"], kind=Kind.LEADER, name="李明", cadre=li_ming
    )
    text = outline_draft(person)
    own = Rectification.objects.filter(letter__cadre=li_ming).order_by("number")
    assert own.count() == 2
    assert all(f"您2025年度考核反馈的整改事项{asked(item)}" in text for item in own), text
    assert f"2025年度考核反馈的整改事项{asked(items[1])}" in text


def test_the_team_profile_lists_open_items_to_its_readers_only(items, cast, client_for, roster):
    unit = roster["units"]["a"]
    closed, still_open = items
    page = f"/profiles/teams/{unit.pk}/"
    detail = f"/feedback/rectifications/{still_open.pk}/"
    body = client_for("organiser").get(page).content.decode()
    assert "未销号的整改事项" in body and still_open.problem in body and detail in body
    assert closed.problem not in body.split('id="carried"')[1]
    body = client_for("assessor").get(page).content.decode()  # the group of unit A
    assert still_open.problem in body and detail in body
    body = client_for("leader").get(page).content.decode()  # reads profiles, not the rectification pages
    assert still_open.problem in body and detail not in body
    assert client_for("outsider").get(page).status_code == 403  # another unit's liaison
    assert client_for("liaison").get(page).status_code == 403  # profiles are the organisation's
    carried = client_for("committee").get(f"/api/profiles/teams/{unit.pk}").json()["carried"]
    assert [(c["id"], c["year"], c["status"]) for c in carried] == [(still_open.pk, 2025, "整改中")]


def test_a_cadre_sees_their_own_letters_items_on_their_profile(items, cast, client_for, roster):
    li_ming = roster["cadres"]["a2"]
    own = list(Rectification.objects.filter(letter__cadre=li_ming))
    body = client_for("cadre").get(f"/profiles/cadres/{li_ming.pk}/").content.decode()
    section = body.split('id="carried"')[1]
    assert all(item.problem in section for item in own)
    assert f"/feedback/rectifications/{own[0].pk}/" in section  # they handle them
    assert section.split("</section>")[0].count("<tr") == 1 + len(
        own
    )  # the header and their own, no team item
    assert [i.id for i in carried_items(cadre=li_ming)] == sorted(i.pk for i in own)
    other = roster["cadres"]["a1"]
    assert client_for("cadre").get(f"/profiles/cadres/{other.pk}/").status_code == 404


def test_the_plan_counts_each_units_carried_items_with_a_link(items, next_year, cast, client_for, roster):
    a, b = roster["units"]["a"], roster["units"]["b"]
    expected = Rectification.objects.filter(unit=a).exclude(status="closed").count()
    assert expected == 5  # the team's one open item, two of each cadre's letter
    body = client_for("organiser").get("/cycles/2026/participants/units/").content.decode()
    link = f"/feedback/rectifications/?unit={a.pk}&amp;status=unclosed&amp;before=2026"
    assert f'<a href="{link}">{expected} 项</a>' in body
    row_b = body.split(f"{b.code}</td>")[1].split("</tr>")[0]
    assert "—" in row_b.split('carried-over">')[1]
    listed = client_for("organiser").get(link.replace("&amp;", "&")).content.decode()
    shown = {r.pk for r in Rectification.objects.all() if f"/feedback/rectifications/{r.pk}/" in listed}
    assert shown == set(
        Rectification.objects.filter(unit=a).exclude(status="closed").values_list("pk", flat=True)
    )
    body = client_for("leader").get("/cycles/2026/participants/units/").content.decode()
    assert f"{expected} 项" in body and link not in body  # leaders do not open the rectification list
    assert (
        f"{expected} 项"
        not in client_for("organiser").get("/cycles/2025/participants/units/").content.decode()
    )
    rows = client_for("organiser").get("/api/cycles/2026/units").json()["items"]
    assert {r["unit_code"]: r["carried_over"] for r in rows} == {a.code: expected, b.code: 0}
    api = client_for("organiser").get(
        "/api/feedback/rectifications", {"unit_id": a.pk, "status": "unclosed", "before": 2026}
    )
    assert sorted(r["id"] for r in api.json()) == sorted(
        Rectification.objects.filter(unit=a).exclude(status="closed").values_list("pk", flat=True)
    )
    refused = client_for("organiser").get("/api/feedback/rectifications", {"status": "done"})
    assert refused.status_code == 422 and "status" in refused.content.decode()

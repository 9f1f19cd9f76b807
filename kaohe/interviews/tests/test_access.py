"""Who reaches which interview page and API operation: records only for the visiting group and the
organiser; summaries also for the committee and leaders; nobody else, 三员 included. 403 for a role
without access, 404 for an assessor of another group (ids cannot be probed)."""

import pytest

from kaohe.interviews import actions
from kaohe.interviews.tests.conftest import MARKER, heard, leader

OUTSIDE_ROLES = [
    "committee",
    "leader",
    "clerk",
    "liaison",
    "cadre",
    "outsider",
    "sysadmin",
    "secadmin",
    "auditadmin",
]
SUMMARY_ONLY = ["committee", "leader"]
NO_ACCESS = [r for r in OUTSIDE_ROLES if r not in SUMMARY_ONLY]
EVERYONE = ["organiser", "assessor", "partner", "assessor2", *OUTSIDE_ROLES]


@pytest.fixture
def setup(world):
    person = leader(world)
    heard(world, person)
    for name in ("partner", "assessor2"):
        actions.pledge_acknowledge(actor=world["cast"][name], cycle=world["cycle"])
    return {**world, "person": person}


def record_paths(s):
    unit, person = s["unit"].pk, s["person"].pk
    return [
        ("get", f"/cycles/2025/interviews/people/{person}/record/"),
        ("post", f"/cycles/2025/interviews/people/{person}/record/"),
        ("get", f"/cycles/2025/interviews/people/{person}/outline/"),
        ("post", f"/cycles/2025/interviews/people/{person}/outline/"),
        ("get", f"/cycles/2025/interviews/people/{person}/outline.docx"),
        ("post", f"/cycles/2025/interviews/people/{person}/excuse/"),
        ("post", f"/cycles/2025/interviews/people/{person}/remove/"),
        ("get", f"/cycles/2025/interviews/units/{unit}/"),
        ("post", f"/cycles/2025/interviews/units/{unit}/prepare/"),
        ("post", f"/cycles/2025/interviews/units/{unit}/add/"),
        ("get", f"/cycles/2025/interviews/units/{unit}/form.docx"),
        ("get", f"/api/interviews/2025/people/{person}/record"),
        ("put", f"/api/interviews/2025/people/{person}/record"),
        ("get", f"/api/interviews/2025/people/{person}/outline"),
        ("put", f"/api/interviews/2025/people/{person}/outline"),
        ("post", f"/api/interviews/2025/people/{person}/excuse"),
        ("get", f"/api/interviews/2025/units/{unit}"),
        ("post", f"/api/interviews/2025/units/{unit}/prepare"),
        ("post", f"/api/interviews/2025/units/{unit}/people"),
    ]


# Well-formed bodies, so that a refusal is the access check's and not the schema's.
BODIES = {
    "record": {"held_on": "2025-12-01", "interviewers": ["甲", "乙"], "interviewee_name": "某人"},
    "outline": {"text": "提纲"},
    "excuse": {"reason": "病假"},
    "people": {"kind": "staff", "name": "某人"},
    "prepare": {},
}


def call(client, method, path):
    if path.startswith("/api/") and method in ("post", "put"):
        body = BODIES[path.rstrip("/").rsplit("/", 1)[1]]
        return getattr(client, method)(path, body, content_type="application/json")
    return getattr(client, method)(path)


@pytest.mark.parametrize("role", NO_ACCESS + SUMMARY_ONLY)
def test_no_one_outside_the_group_and_the_organiser_reaches_a_record(setup, client_for, role):
    client = client_for(role)
    for method, path in record_paths(setup):
        response = call(client, method, path)
        assert response.status_code == 403, (role, method, path, response.status_code)
        assert MARKER.encode() not in response.content


def test_an_assessor_of_another_group_gets_404_for_every_record_path(setup, client_for):
    client = client_for("assessor2")
    for method, path in record_paths(setup):
        response = call(client, method, path)
        assert response.status_code == 404, (method, path, response.status_code)
        assert MARKER.encode() not in response.content


@pytest.mark.parametrize("role", ["organiser", "assessor", "partner"])
def test_the_visiting_group_and_the_organiser_read_the_record(setup, client_for, role):
    client = client_for(role)
    page = client.get(f"/cycles/2025/interviews/people/{setup['person'].pk}/record/")
    assert page.status_code == 200 and MARKER in page.content.decode()
    api = client.get(f"/api/interviews/2025/people/{setup['person'].pk}/record")
    assert api.status_code == 200 and api.json()["problems"] == MARKER


def test_the_cadre_interviewed_does_not_read_their_own_record(setup, client_for, cast):
    # The cast's cadre is 李明 (a2) of unit A: evaluated in the record, never its reader.
    client = client_for("cadre")
    assert client.get(f"/cycles/2025/interviews/people/{setup['person'].pk}/record/").status_code == 403
    assert client.get(f"/api/interviews/2025/units/{setup['unit'].pk}/summary").status_code == 403


def summary_paths(s):
    return [
        f"/cycles/2025/interviews/units/{s['unit'].pk}/summary/",
        f"/api/interviews/2025/units/{s['unit'].pk}/summary",
        "/cycles/2025/interviews/",
        "/api/interviews/2025/units",
    ]


@pytest.mark.parametrize("role", ["organiser", "assessor", "partner", *SUMMARY_ONLY])
def test_summaries_are_for_the_committee_leaders_group_and_organiser(setup, client_for, role):
    client = client_for(role)
    for path in summary_paths(setup):
        response = client.get(path)
        assert response.status_code == 200, (role, path)
        assert MARKER.encode() not in response.content


@pytest.mark.parametrize("role", NO_ACCESS)
def test_summaries_are_refused_to_everyone_else(setup, client_for, role):
    for path in summary_paths(setup):
        assert client_for(role).get(path).status_code == 403, (role, path)


def test_another_groups_assessor_sees_no_summary_of_a_unit_it_did_not_visit(setup, client_for):
    client = client_for("assessor2")
    assert client.get(summary_paths(setup)[0]).status_code == 404
    assert client.get(summary_paths(setup)[1]).status_code == 404
    listed = client.get("/api/interviews/2025/units").json()
    assert [u["unit"] for u in listed] == ["西山镇"]


@pytest.mark.parametrize("role", [r for r in EVERYONE if r != "organiser"])
def test_settings_and_export_are_the_organisers(setup, client_for, role):
    client = client_for(role)
    assert client.get("/cycles/2025/interviews/settings/").status_code == 403
    assert client.get("/cycles/2025/interviews/export/").status_code == 403
    assert client.post("/cycles/2025/interviews/export/", {"confirm": "on"}).status_code == 403
    response = client.post(
        "/api/interviews/2025/export", '{"confirm": true}', content_type="application/json"
    )
    assert response.status_code == 403 and MARKER.encode() not in response.content


def test_anonymous_visitors_are_sent_to_log_in_or_refused(setup, client):
    page = client.get(f"/cycles/2025/interviews/people/{setup['person'].pk}/record/")
    assert page.status_code == 302 and "/login/" in page["Location"]
    assert client.get(f"/api/interviews/2025/people/{setup['person'].pk}/record").status_code == 401


def test_a_record_id_of_one_cycle_is_not_found_under_another(setup, client_for):
    from kaohe.plans.models import AssessmentCycle

    AssessmentCycle.objects.create(year=2026, name="2026年度考核")
    client = client_for("organiser")
    assert client.get(f"/cycles/2026/interviews/people/{setup['person'].pk}/record/").status_code == 404


@pytest.mark.parametrize("role", ["organiser", "assessor", *SUMMARY_ONLY])
def test_the_navigation_leads_the_summary_roles_to_the_latest_cycle(setup, client_for, role):
    client = client_for(role)
    assert 'href="/interviews/"' in client.get("/").content.decode()
    assert client.get("/interviews/")["Location"] == "/cycles/2025/interviews/"


@pytest.mark.parametrize("role", NO_ACCESS)
def test_the_navigation_offers_interviews_to_no_one_else(setup, client_for, role):
    client = client_for(role)
    assert 'href="/interviews/"' not in client.get("/").content.decode()
    assert client.get("/interviews/").status_code == 403


def test_the_index_takes_the_same_few_queries_however_many_units(
    setup, client_for, django_assert_num_queries, django_assert_max_num_queries
):
    from conftest import make_cadre, make_unit

    client = client_for("organiser")
    client.get("/cycles/2025/interviews/")  # warm the session
    with django_assert_max_num_queries(12) as small:
        client.get("/cycles/2025/interviews/")
    group = setup["roster"]["group"]
    for i in range(10):
        unit = make_unit(f"DX{i:02}", f"新单位{i}", setup["roster"]["categories"]["towns"])
        make_cadre(f"GX{i:03}", f"新干部{i}", unit, "书记", principal=True)
        group.units.add(unit)
    with django_assert_num_queries(len(small.captured_queries)):
        page = client.get("/cycles/2025/interviews/")
    assert page.content.decode().count("未完成") == 12  # units A and B, and the ten new ones

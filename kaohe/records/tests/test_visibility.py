"""组织掌握: owners see their own lines and what was fed back; notes, findings and reasons are the organisation's."""

from datetime import date

import pytest
from django.http import Http404

from kaohe.plans.models import AssessedCadre
from kaohe.records import selectors
from kaohe.records.actions import list_item_verify, quarterly_grade_set

from .helpers import item, visit

ROLES = ("organiser", "committee", "assessor", "clerk", "liaison", "leader", "cadre", "outsider")


@pytest.fixture
def world(year, cast, roster):
    a, b = roster["units"]["a"], roster["units"]["b"]
    own = item(year, cast["liaison"], a, content="单位的进度")
    mine = item(year, cast["cadre"], a, cadre=roster["cadres"]["a2"], content="李明的进度")
    other = item(year, cast["outsider"], b, content="西山镇的进度")
    list_item_verify(actor=cast["assessor"], item=own, note="现场查看，属实")
    seen = visit(year, cast["assessor"], a)
    unseen = visit(year, cast["organiser"], b, method="site", findings="西山镇发现")
    a2 = AssessedCadre.objects.get(cycle=year, cadre=roster["cadres"]["a2"])
    quarterly_grade_set(
        actor=cast["assessor"], cycle=year, assessed=a2, quarter=1, grade="一般", reason="迟报两次"
    )
    return {"own": own, "mine": mine, "other": other, "seen": seen, "unseen": unseen}


def contents(user, cycle):
    return sorted(selectors.visible_items(user, cycle).values_list("content", flat=True))


def test_each_role_sees_the_lines_of_its_scope(year, cast, world):
    seen = {name: contents(cast[name], year) for name in ROLES}
    everything = ["单位的进度", "李明的进度", "西山镇的进度"]
    assert seen == {
        "organiser": everything,
        "committee": everything,
        "leader": everything,
        "assessor": ["单位的进度", "李明的进度"],
        "liaison": ["单位的进度"],
        "cadre": ["李明的进度"],
        "outsider": ["西山镇的进度"],
        "clerk": [],
    }


def test_visit_findings_are_for_the_organisation_only(year, cast, world):
    found = {
        name: sorted(selectors.visible_visits(cast[name], year).values_list("findings", flat=True))
        for name in ROLES
    }
    assert found == {
        "organiser": ["窗口人员脱岗", "西山镇发现"],
        "committee": ["窗口人员脱岗", "西山镇发现"],
        "leader": ["窗口人员脱岗", "西山镇发现"],
        "assessor": ["窗口人员脱岗"],
        "liaison": [],
        "cadre": [],
        "outsider": [],
        "clerk": [],
    }


def test_grade_reasons_are_for_the_organisation_the_cadre_sees_the_grade(year, cast, world):
    graded = {
        name: list(selectors.visible_grades(cast[name], year).values_list("grade", flat=True))
        for name in ROLES
    }
    assert graded == {
        "organiser": ["一般"],
        "committee": ["一般"],
        "leader": ["一般"],
        "assessor": ["一般"],
        "cadre": ["一般"],
        "liaison": [],
        "outsider": [],
        "clerk": [],
    }
    assert [name for name in ROLES if selectors.sees_notes(cast[name])] == [
        "organiser",
        "committee",
        "assessor",
        "leader",
    ]


def test_a_line_outside_the_scope_is_a_404(year, cast, world):
    with pytest.raises(Http404):
        selectors.get_item(cast["liaison"], year, world["other"].pk)
    with pytest.raises(Http404):
        selectors.get_checked_item(cast["committee"], year, world["own"].pk)  # read-only
    with pytest.raises(Http404):
        selectors.get_checked_item(cast["assessor"], year, world["other"].pk)  # not their group's
    with pytest.raises(Http404):
        selectors.get_visit(cast["assessor"], year, world["unseen"].pk)
    assert selectors.get_checked_item(cast["organiser"], year, world["other"].pk) == world["other"]


def test_the_owner_page_shows_verification_but_not_its_note(year, cast, world, client_for):
    page = client_for("liaison").get("/records/2025/mine/3/").content.decode()
    assert "单位的进度" in page and "已核实" in page
    assert "现场查看，属实" not in page
    assert "西山镇的进度" not in page and "李明的进度" not in page


def test_the_committee_reads_notes_but_cannot_verify(year, cast, world, roster, client_for):
    client = client_for("committee")
    page = client.get(f"/records/2025/units/{roster['units']['a'].pk}/3/").content.decode()
    assert "现场查看，属实" in page and "李明的进度" in page
    assert 'name="note"' not in page
    assert client.post(f"/records/2025/items/{world['mine'].pk}/verify/", {"note": "x"}).status_code == 403


def test_the_cadre_sees_their_grade_without_the_reason(year, cast, world, client_for):
    page = client_for("cadre").get("/records/2025/grades/mine/").content.decode()
    assert "一般" in page and "迟报两次" not in page
    assert client_for("cadre").get("/records/2025/visits/").status_code == 403
    assert client_for("liaison").get("/records/2025/grades/").status_code == 403


PAGES = (
    ("/records/2025/", ("organiser", "committee", "assessor", "liaison", "leader", "cadre")),
    ("/records/2025/visits/", ("organiser", "committee", "assessor", "leader")),
    ("/records/2025/grades/", ("organiser", "committee", "assessor", "leader")),
    ("/records/2025/mine/3/", ("liaison", "cadre")),
    ("/records/2025/import/", ("organiser", "liaison")),
)


@pytest.mark.parametrize(("url", "allowed"), PAGES)
def test_every_page_is_denied_to_the_roles_without_it(year, cast, world, client_for, url, allowed):
    for name in ROLES:
        status = client_for(name).get(url).status_code
        if name == "outsider":
            continue  # a liaison too, of a unit also assessed
        assert (status == 200) == (name in allowed), (url, name, status)
    assert client_for(None).get(url).status_code == 302


def test_the_assessor_verifies_with_a_note_on_the_page(year, cast, world, client_for):
    client = client_for("assessor")
    response = client.post(f"/records/2025/items/{world['mine'].pk}/verify/", {"note": "抽查台账一致"})
    assert response.status_code == 302
    world["mine"].refresh_from_db()
    assert world["mine"].verification_note == "抽查台账一致" and world["mine"].verified_at is not None
    assert client.post(f"/records/2025/items/{world['other'].pk}/verify/", {"note": "x"}).status_code == 404


def test_a_visit_linked_to_another_units_line_is_refused(year, cast, world, roster):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="不是东城街道本年度的"):
        visit(year, cast["organiser"], roster["units"]["a"], items=[world["other"]], date=date(2025, 4, 2))

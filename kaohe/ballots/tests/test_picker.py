"""Choosing a session's targets at scale: no list of the cycle's cadres on the page, a search by name, code or
pinyin initials, a whole unit (its team and every cadre) in one click, the chosen list shown before saving;
without JavaScript (the picker's buttons post the form back, saving nothing) and with htmx (the fragment)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kaohe.ballots.models import BallotTemplate, EvaluationSession
from kaohe.org.models import Cadre, Unit
from kaohe.plans.models import AssessedCadre, AssessedUnit

pytestmark = pytest.mark.django_db
NEW = "/cycles/2025/sessions/new/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def templates() -> dict:
    return {
        "team_template": BallotTemplate.objects.get(name="领导班子测评票").pk,
        "cadre_template": BallotTemplate.objects.get(name="干部测评票（德能勤绩廉）").pk,
    }


def chosen(html: str, field: str) -> str:
    """The chosen list of ``field`` in a page or fragment."""
    return html.split(f'id="chosen-{field}"')[1].split('<div class="col-lg-6"')[0]


def test_the_form_lists_no_cadre_until_one_is_searched_for(client_for, cycle, cast):
    html = client_for("organiser").get(NEW).content.decode()
    assert 'id="targets"' in html and "王建国" not in html and "东城街道" not in html
    assert "未选。" in html


def test_a_search_by_pinyin_initials_finds_a_cadre_and_saves_nothing(client_for, cycle, cast):
    response = client_for("organiser").post(NEW, {"name": "西山镇测评会", "q": "wjg", "pick": "search"})
    html = response.content.decode()
    assert response.status_code == 200 and 'id="found-cadres"' in html
    found = html.split('id="found-cadres"')[1]
    assert "王建国" in found and "张思佳" not in found
    assert f'name="cadres" value="{AssessedCadre.objects.get(cadre__code="GB003").pk}"' in found
    assert 'value="西山镇测评会"' in html  # the form keeps what was typed
    assert not EvaluationSession.objects.exists()


def test_a_whole_unit_adds_its_team_and_every_cadre_then_saves(client_for, cycle, cast):
    client = client_for("organiser")
    unit = AssessedUnit.objects.get(unit__code="DW01")
    found = client.post(NEW, {"q": "dcjd", "pick": "search"}).content.decode()
    assert f'value="unit:{unit.pk}"' in found and "整个单位（班子和 2 名干部）" in found
    data = {"name": "东城街道测评会", "groups": "上级=3,下级=20", **templates()}
    html = client.post(NEW, {**data, "pick": f"unit:{unit.pk}"}).content.decode()
    teams, cadres = chosen(html, "teams"), chosen(html, "cadres")
    assert "东城街道" in teams and "张思佳" in cadres and "李明" in cadres and "王建国" not in cadres
    ids = [a.pk for a in AssessedCadre.objects.filter(unit__code="DW01")]
    assert all(f'name="cadres" value="{pk}" checked' in cadres for pk in ids)
    assert not EvaluationSession.objects.exists()
    response = client.post(NEW, {**data, "teams": [unit.pk], "cadres": ids})
    session = EvaluationSession.objects.get(name="东城街道测评会")
    assert response.status_code == 302
    assert sorted(t.cadre.code for t in session.targets.filter(cadre__isnull=False)) == ["GB001", "GB002"]
    assert [t.unit.code for t in session.targets.filter(unit__isnull=False)] == ["DW01"]


def test_with_htmx_a_picker_button_answers_only_the_picker(client_for, cycle, cast):
    client = client_for("organiser")
    unit = AssessedUnit.objects.get(unit__code="DW03")
    response = client.post(NEW, {"pick": f"unit:{unit.pk}", "q": "财政"}, **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<div class="col-12" id="targets">') and "<html" not in html
    assert "赵丽" in chosen(html, "cadres") and "钱伟" in chosen(html, "cadres")
    assert "班子已选" in html  # the search's row says the team is in


def test_unticking_and_clearing_remove_targets(client_for, cycle, cast):
    client = client_for("organiser")
    a, b = AssessedCadre.objects.filter(unit__code="DW01").order_by("cadre__code")
    html = client.post(NEW, {"cadres": [b.pk], "pick": "refresh"}).content.decode()
    assert "李明" in chosen(html, "cadres") and "张思佳" not in chosen(html, "cadres")
    html = client.post(NEW, {"cadres": [a.pk, b.pk], "pick": "clear:cadres"}).content.decode()
    assert "未选。" in chosen(html, "cadres")


def test_editing_shows_the_sessions_targets_as_chosen(client_for, world):
    html = client_for("organiser").get(f"/cycles/2025/sessions/{world['session'].pk}/edit/").content.decode()
    assert "张思佳" in chosen(html, "cadres") and "东城街道" in chosen(html, "teams")


def test_at_province_scale_the_page_stays_small_and_a_unit_of_fifty_is_one_click(client_for, cycle, cast):
    client = client_for("organiser")
    with CaptureQueriesContext(connection) as small:
        small_page = client.get(NEW).content
    big = Unit.objects.create(code="DW99", name="市大数据局", category=Unit.objects.get(code="DW03").category)
    team = AssessedUnit.objects.create(cycle=cycle, unit=big, category=big.category)
    elsewhere = Unit.objects.get(code="DW02")
    cadres = Cadre.objects.bulk_create(
        [Cadre(code=f"GX{n:05}", name=f"干部{n}", pinyin_initials=f"gb{n}") for n in range(3_000)]
    )
    AssessedCadre.objects.bulk_create(
        [AssessedCadre(cycle=cycle, cadre=c, unit=big if n < 50 else elsewhere) for n, c in enumerate(cadres)]
    )
    with CaptureQueriesContext(connection) as large:
        large_page = client.get(NEW).content
    assert len(large.captured_queries) == len(small.captured_queries)
    assert abs(len(large_page) - len(small_page)) < 200 and b"GX00001" not in large_page
    html = client.post(NEW, {"pick": f"unit:{team.pk}"}, **HTMX).content.decode()
    assert chosen(html, "cadres").count('name="cadres"') == 50
    html = client.post(NEW, {"q": "GX0", "pick": "search"}, **HTMX).content.decode()
    assert html.count('name="cadres" value=') == 30 and "干部多于所列" in html


def test_a_category_adds_its_teams_or_its_teams_and_cadres(client_for, cycle, cast, roster):
    client = client_for("organiser")
    towns = roster["categories"]["towns"]
    html = client.get(NEW).content.decode()
    options = html.split('id="target-category"')[1].split("</select>")[0]
    assert "乡镇街道（2 个单位、3 名干部）" in options and "政府部门（1 个单位、2 名干部）" in options
    html = client.post(NEW, {"category": towns.pk, "pick": "category-teams"}).content.decode()
    assert "东城街道" in chosen(html, "teams") and "西山镇" in chosen(html, "teams")
    assert "市财政局" not in chosen(html, "teams") and "未选。" in chosen(html, "cadres")
    assert f'<option value="{towns.pk}" selected>' in html  # the choice stays for the next click
    html = client.post(NEW, {"category": towns.pk, "pick": "category"}, **HTMX).content.decode()
    cadres = chosen(html, "cadres")
    assert all(name in cadres for name in ("张思佳", "李明", "王建国")) and "赵丽" not in cadres
    assert not EvaluationSession.objects.exists()


def test_a_category_keeps_what_was_chosen_and_ignores_a_forged_value(client_for, cycle, cast, roster):
    client = client_for("organiser")
    finance = AssessedCadre.objects.get(cadre__code="GB004")
    depts = roster["categories"]["depts"]
    html = client.post(
        NEW, {"cadres": [finance.pk], "category": depts.pk, "pick": "category"}
    ).content.decode()
    assert chosen(html, "cadres").count('name="cadres"') == 2  # 赵丽 once, and 钱伟
    for forged in ("", "x", "999999", "1 OR 1=1"):
        html = client.post(NEW, {"category": forged, "pick": "category"}).content.decode()
        assert "未选。" in chosen(html, "teams") and "未选。" in chosen(html, "cadres")

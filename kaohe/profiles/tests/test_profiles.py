"""Profiles, the 全程纪实 and comparisons in the app: who may read what, k, intervals, the predecessor team."""

from datetime import date

import pytest
from django.urls import reverse

from kaohe.ballots.models import Ballot, BallotItemAnswer, BallotTemplate, SessionRaterGroup, SessionTarget
from kaohe.org.models import Cadre, Position
from kaohe.profiles import gather
from kaohe.results.models import Objection, PublicNotice
from kaohe.results.tests.sealed_data import OVERRIDE_REASON

ROLES = (
    "organiser",
    "committee",
    "leader",
    "assessor",
    "clerk",
    "liaison",
    "cadre",
    "outsider",
    "sysadmin",
    "secadmin",
    "auditadmin",
)
# The cast: the assessor's group covers unit A; the cadre is 李明 (a2, unit A).
CADRE_ACCESS = {
    "a2": {"organiser": 200, "committee": 200, "leader": 200, "assessor": 200, "cadre": 200},
    "a1": {"organiser": 200, "committee": 200, "leader": 200, "assessor": 200, "cadre": 404},
    "c2": {"organiser": 200, "committee": 200, "leader": 200, "assessor": 404, "cadre": 404},
}
TEAM_ACCESS = {
    "a": {"organiser": 200, "committee": 200, "leader": 200, "assessor": 200},
    "c": {"organiser": 200, "committee": 200, "leader": 200, "assessor": 404},
}
COMPARE_ACCESS = {"organiser": 200, "committee": 200, "leader": 200}


def cadre_urls(cadre):
    return [
        reverse("profiles:cadre", args=[cadre.pk]),
        reverse("profiles:cadre_timeline", args=[cadre.pk]),
        f"/api/profiles/cadres/{cadre.pk}",
        f"/api/profiles/cadres/{cadre.pk}/timeline",
    ]


def team_urls(unit):
    return [
        reverse("profiles:team", args=[unit.pk]),
        reverse("profiles:team_timeline", args=[unit.pk]),
        f"/api/profiles/teams/{unit.pk}",
        f"/api/profiles/teams/{unit.pk}/timeline",
    ]


# --- access ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("who", sorted(CADRE_ACCESS))
def test_every_role_gets_a_cadres_profile_and_timeline_or_a_refusal(client_for, two_years, roster, role, who):
    expected = CADRE_ACCESS[who].get(role, 403)
    client = client_for(role)
    for url in cadre_urls(roster["cadres"][who]):
        assert client.get(url).status_code == expected, url


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("which", sorted(TEAM_ACCESS))
def test_every_role_gets_a_teams_profile_and_timeline_or_a_refusal(
    client_for, two_years, roster, role, which
):
    expected = TEAM_ACCESS[which].get(role, 403)
    client = client_for(role)
    for url in team_urls(roster["units"][which]):
        assert client.get(url).status_code == expected, url


@pytest.mark.parametrize("role", ROLES)
def test_only_those_who_read_every_unit_compare_categories(client_for, two_years, roster, role):
    towns = roster["categories"]["towns"]
    expected = COMPARE_ACCESS.get(role, 403)
    client = client_for(role)
    assert client.get(reverse("profiles:category_comparison", args=[towns.pk, 2025])).status_code == expected
    assert client.get(f"/api/profiles/compare/{towns.pk}/2025").status_code == expected
    assert client.get(reverse("profiles:comparison")).status_code == expected


def test_anonymous_is_sent_to_login_and_refused_by_the_api(client, two_years, roster):
    cadre = roster["cadres"]["a2"]
    assert client.get(reverse("profiles:cadre", args=[cadre.pk])).status_code == 302
    assert client.get(f"/api/profiles/cadres/{cadre.pk}").status_code == 401


def test_a_missing_cadre_is_a_404(client_for, two_years):
    assert client_for("organiser").get("/api/profiles/cadres/999999").status_code == 404


# --- the cadre's own view and the organisation's notes -----------------------------------------------------


def add_objection(cast, subject):
    notice = PublicNotice.objects.order_by("-id").first()
    return Objection.objects.create(
        notice=notice,
        received_on=date(2026, 1, 6),
        subject=subject,
        content="反映其工作作风问题",
        created_by=cast["organiser"],
        created_at=notice.created_at,
    )


def test_a_cadre_sees_their_grades_and_what_was_fed_back_but_not_the_organisations_notes(
    client_for, two_years, roster, cast
):
    add_objection(cast, "李明")
    cadre = roster["cadres"]["a2"]
    entries = client_for("cadre").get(f"/api/profiles/cadres/{cadre.pk}/timeline").json()
    kinds = {e["kind"] for e in entries}
    assert {"grade", "post"} <= kinds
    assert not kinds & {"decision", "objection", "adjustment", "veto", "sanction", "void"}
    assert any(e["title"].startswith("2025年度考核等次：称职") for e in entries)
    page = client_for("cadre").get(reverse("profiles:cadre_timeline", args=[cadre.pk])).content.decode()
    assert "反映其工作作风问题" not in page
    assert 'data-kind="decision"' not in page and 'data-kind="objection"' not in page
    # The organisation reads the same timeline with its notes.
    org = client_for("organiser").get(f"/api/profiles/cadres/{cadre.pk}/timeline").json()
    assert {"decision", "objection"} <= {e["kind"] for e in org}


def test_a_cadre_cannot_ask_for_the_organisations_notes_by_filter(client_for, two_years, roster):
    cadre = roster["cadres"]["a2"]
    response = client_for("cadre").get(f"/api/profiles/cadres/{cadre.pk}/timeline?kind=decision")
    assert response.status_code == 422
    page = client_for("cadre").get(reverse("profiles:cadre_timeline", args=[cadre.pk]) + "?kind=decision")
    assert "领导小组调整等次" not in page.content.decode()


def test_the_override_reason_is_on_the_organisations_timeline(client_for, two_years, roster):
    cadre = roster["cadres"]["c2"]
    entries = client_for("committee").get(f"/api/profiles/cadres/{cadre.pk}/timeline?kind=decision").json()
    assert entries and all(e["kind"] == "decision" for e in entries)
    assert any(OVERRIDE_REASON in e["detail"] for e in entries)


def test_the_timeline_filters_by_year_and_prints_to_word(client_for, two_years, roster):
    cadre = roster["cadres"]["a1"]
    client = client_for("organiser")
    entries = client.get(f"/api/profiles/cadres/{cadre.pk}/timeline?year=2024").json()
    assert entries and {e["year"] for e in entries} == {2024}
    response = client.get(reverse("profiles:cadre_timeline", args=[cadre.pk]) + "?year=2024&format=docx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content[:2] == b"PK"
    page = client.get(reverse("profiles:cadre_timeline", args=[cadre.pk]) + "?kind=grade").content.decode()
    assert 'data-kind="grade"' in page and 'data-kind="post"' not in page


# --- k ----------------------------------------------------------------------------------------------------


def test_a_rater_group_below_k_hides_the_groups_and_the_explanation_that_names_them(
    client_for, two_years, roster
):
    # 张思佳 has 3 上级 and 2 同级 ballots: with k = 3 the 同级 group is too small.
    data = client_for("organiser").get(f"/api/profiles/cadres/{roster['cadres']['a1'].pk}").json()
    year = next(y for y in data["years"] if y["year"] == 2025)
    # The run's rows hold the groups as the k rule merged them (rules/disclosure.py): none below k.
    assert all(group["valid"] >= 3 for group in (year["groups"] or {}).values())
    assert "同级" not in (year["groups"] or {}) and "同级90" not in year["explanation"]
    assert (
        "「其他」（上级、同级合并）" in year["explanation"]
    )  # named only as merged, never with its own score
    assert year["democratic"] == 90.0  # the overall figure rests on 5 ballots


@pytest.fixture
def k_of_two(settings):
    settings.MIN_GROUP_SIZE = 2  # before the years are computed: a run's rows are stored as k lets them show


def test_with_a_smaller_k_the_groups_and_explanation_appear(k_of_two, client_for, two_years, roster):
    data = client_for("organiser").get(f"/api/profiles/cadres/{roster['cadres']['a1'].pk}").json()
    year = next(y for y in data["years"] if y["year"] == 2025)
    assert year["groups"] == {"上级": {"score": 100.0, "valid": 3}, "同级": {"score": 80.0, "valid": 2}}
    assert "同级" in year["explanation"]


def test_with_k_above_the_ballots_no_democratic_figure_is_shown(client_for, two_years, roster, settings):
    settings.MIN_GROUP_SIZE = 6
    data = client_for("organiser").get(f"/api/profiles/cadres/{roster['cadres']['a1'].pk}").json()
    year = next(y for y in data["years"] if y["year"] == 2025)
    assert year["democratic"] is None and year["top_share"] is None and year["groups"] is None


def answer_aspects(cycle, cadre, per_group):
    template = BallotTemplate.objects.filter(kind="cadre").exclude(items=[]).first()
    for ballot in Ballot.objects.filter(session__cycle=cycle):
        choice = per_group.get(ballot.rater_group)
        if choice is None:
            continue
        for item in ("德", "能", "勤", "绩", "廉"):
            BallotItemAnswer.objects.create(
                ballot=ballot, cadre=cadre, template=template, item=item, choice=choice
            )


def test_aspects_by_rater_group_are_shown_all_or_none(two_years, roster, settings):
    cadre = roster["cadres"]["a1"]
    answer_aspects(two_years[2025], cadre, {"上级": "好", "同级": "较好"})
    found = gather.aspects_by_group("cadre", cadre.pk, 3)
    assert found[2025]["ballots"] == 5
    assert found[2025]["all"]["德"] == {"好": 3, "较好": 2}
    assert found[2025]["groups"] is None  # 同级 has 2 < 3
    shown = gather.aspects_by_group("cadre", cadre.pk, 2)
    assert shown[2025]["groups"]["同级"]["德"] == {"较好": 2}
    assert gather.aspects_by_group("cadre", cadre.pk, 6) == {}


def test_the_profile_page_draws_from_json_script_without_inline_code(client_for, two_years, roster):
    cadre = roster["cadres"]["a1"]
    answer_aspects(two_years[2025], cadre, {"上级": "好", "同级": "较好"})
    page = client_for("organiser").get(reverse("profiles:cadre", args=[cadre.pk])).content.decode()
    assert 'id="profile-charts" type="application/json"' in page
    assert "profile-charts.js" in page
    assert "<script>" not in page
    assert "德能勤绩廉" in page


# --- intervals on real results ----------------------------------------------------------------------------


def count_everyone(cycle, cadre, expected):
    session = cycle.sessions.get()
    template = BallotTemplate.objects.filter(kind="cadre").first()
    SessionTarget.objects.create(session=session, template=template, cadre=cadre)
    for name, n in expected.items():
        SessionRaterGroup.objects.create(session=session, name=name, expected=n)


def test_the_share_interval_uses_the_expected_raters(client_for, two_years, roster):
    cadre = roster["cadres"]["a1"]
    count_everyone(two_years[2025], cadre, {"上级": 3, "同级": 2})  # everyone came
    count_everyone(two_years[2024], cadre, {"上级": 30, "同级": 20})  # 5 of 50
    data = client_for("organiser").get(f"/api/profiles/cadres/{cadre.pk}").json()
    by_year = {y["year"]: y for y in data["years"]}
    assert by_year[2025]["expected"] == 5 and by_year[2025]["top_share"]["exact"] is True
    assert by_year[2024]["expected"] == 50
    # 0.6 from 5 of 50: se = sqrt(0.24/5 · 45/49) = 0.20996 → ±0.4115
    assert by_year[2024]["top_share"]["half_width"] == pytest.approx(0.4115, abs=1e-4)
    assert data["changes"][-1]["share"]["beyond_noise"] is False


# --- teams and the predecessor -----------------------------------------------------------------------------


def test_the_team_profile_names_the_previous_term_and_its_years(client_for, two_years, roster):
    unit = roster["units"]["a"]
    old = Cadre.objects.create(code="GB099", name="孙前任", birth_month=date(1965, 1, 1))
    Position.objects.create(
        cadre=old,
        unit=unit,
        title="党工委书记",
        principal=True,
        start=date(2019, 1, 1),
        end=date(2021, 2, 28),
    )
    data = client_for("organiser").get(f"/api/profiles/teams/{unit.pk}").json()
    assert data["current_term"]["principal"] == "张思佳"
    assert [m["name"] for m in data["current_term"]["members"]] == ["张思佳", "李明"]
    previous = data["previous_term"]
    assert previous["principal"] == "孙前任" and previous["last"] == "2021-02-28"
    assert [y["year"] for y in data["current_term"]["years"]] == [2024, 2025]
    assert [m["age"] for m in data["members"]] == [pytest.approx(45, abs=1)] * 2
    assert {2019, 2021} <= {mv["year"] for mv in data["movements"]}
    page = client_for("organiser").get(reverse("profiles:team", args=[unit.pk])).content.decode()
    assert "孙前任" in page and "与前任领导班子对比" in page


def test_a_team_without_a_recorded_predecessor_says_so(client_for, two_years, roster):
    page = (
        client_for("organiser").get(reverse("profiles:team", args=[roster["units"]["c"].pk])).content.decode()
    )
    assert "没有可识别的上届班子" in page


# --- comparisons ------------------------------------------------------------------------------------------


def test_a_category_is_compared_with_itself_last_year(client_for, two_years, roster):
    towns = roster["categories"]["towns"]
    data = client_for("organiser").get(f"/api/profiles/compare/{towns.pk}/2025").json()
    assert [r["unit"] for r in data["rows"]] == ["DW01", "DW02"]
    first = data["rows"][0]
    assert first["composite_change"] == 0.0
    assert first["share_change"]["beyond_noise"] is False  # 100% → 100%
    assert [h["year"] for h in data["history"]] == [2024, 2025]
    assert data["history"][-1]["count"] == 2
    page = client_for("organiser").get(reverse("profiles:category_comparison", args=[towns.pk, 2025]))
    assert "东城街道" in page.content.decode() and "市财政局" not in page.content.decode()


def test_the_comparison_api_gives_its_rows_a_page_at_a_time(client_for, two_years, roster):
    towns = roster["categories"]["towns"]
    client = client_for("organiser")
    data = client.get(f"/api/profiles/compare/{towns.pk}/2025?limit=1&offset=1").json()
    assert data["count"] == 2 and data["offset"] == 1 and [r["unit"] for r in data["rows"]] == ["DW02"]
    assert [h["year"] for h in data["history"]] == [2024, 2025]  # the category's spread stays whole
    for bad in ("limit=0", "limit=1001", "offset=-1", "limit=x"):
        assert client.get(f"/api/profiles/compare/{towns.pk}/2025?{bad}").status_code == 422


def test_the_cached_comparison_follows_a_rename_and_a_void(client_for, two_years, roster, cast):
    from kaohe.results import selectors as results
    from kaohe.results.actions.void import result_void

    towns, a = roster["categories"]["towns"], roster["units"]["a"]
    url = f"/api/profiles/compare/{towns.pk}/2025"
    client = client_for("organiser")
    first = client.get(url).json()["rows"][0]
    assert first["unit"] == "DW01" and first["now"]["void"] is False
    Unit = type(a)
    Unit.objects.filter(pk=a.pk).update(name="东城街道办事处")
    assert client.get(url).json()["rows"][0]["name"] == "东城街道办事处"
    cycle = two_years[2025]
    result_void(
        actor=cast["organiser"],
        cycle=cycle,
        run=results.current_run(cycle),
        scope="unit",
        reason="失实",
        unit=a,
    )
    row = next(r for r in client.get(url).json()["rows"] if r["unit"] == "DW01")
    assert row["now"]["void"] is True and row["composite_change"] is None


def test_the_comparison_chooser_redirects_to_the_chosen_category(client_for, two_years, roster):
    towns = roster["categories"]["towns"]
    response = client_for("leader").get(reverse("profiles:comparison") + f"?category={towns.pk}&year=2025")
    assert response.status_code == 302
    assert response["Location"] == reverse("profiles:category_comparison", args=[towns.pk, 2025])


# --- queries ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "limit"),
    [
        # with an empty cache, as every test starts: the pools' spreads are read once
        ("profiles:cadre", 17),
        ("profiles:team", 17),
        # the four lists, quarterly grades and interview summaries' two look-ups: one query each, any rows
        ("profiles:cadre_timeline", 20),
    ],  # PostgreSQL: 2 more than SQLite
)
def test_profile_pages_take_a_fixed_number_of_queries(
    client_for, two_years, roster, django_assert_max_num_queries, name, limit
):
    subject = roster["units"]["a"] if name == "profiles:team" else roster["cadres"]["a1"]
    client = client_for("organiser")
    with django_assert_max_num_queries(limit):
        assert client.get(reverse(name, args=[subject.pk])).status_code == 200


def test_the_comparison_takes_a_fixed_number_of_queries(
    client_for, two_years, roster, django_assert_max_num_queries
):
    client = client_for("organiser")
    with django_assert_max_num_queries(20):  # an empty cache: the rows and the spread are worked out once
        client.get(reverse("profiles:category_comparison", args=[roster["categories"]["towns"].pk, 2025]))


def test_the_pools_spread_leaves_out_democratic_scores_from_fewer_than_k_ballots(
    client_for, two_years, roster, settings
):
    url = f"/api/profiles/cadres/{roster['cadres']['a1'].pk}"
    year = next(y for y in client_for("organiser").get(url).json()["years"] if y["year"] == 2025)
    # The pool 全部: composites 91.11, 91.11, 87, 82, 80; democratic scores only 张思佳's and 李明's (5 ballots).
    assert year["composite_spread"] == {"min": 80.0, "q1": 82.0, "median": 87.0, "q3": 91.11, "max": 91.11}
    assert year["democratic_spread"] == {"min": 90.0, "q1": 90.0, "median": 90.0, "q3": 90.0, "max": 90.0}
    settings.MIN_GROUP_SIZE = 6
    year = next(y for y in client_for("organiser").get(url).json()["years"] if y["year"] == 2025)
    assert year["democratic_spread"] is None


def test_a_team_section_is_added_by_one_function_that_decides_its_readers(
    client_for, two_years, roster, monkeypatch
):
    def section(unit, reader):
        return ("四项清单完成情况", "profiles/_years.html") if reader.role == "organiser" else None

    monkeypatch.setattr(gather, "TEAM_SECTIONS", [section])
    url = reverse("profiles:team", args=[roster["units"]["a"].pk])
    assert "四项清单完成情况" in client_for("organiser").get(url).content.decode()
    assert "四项清单完成情况" not in client_for("committee").get(url).content.decode()

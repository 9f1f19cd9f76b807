"""The results pages: every page and endpoint for every role, and the organiser's and committee's work."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from kaohe.accounts.actors import SystemActor
from kaohe.results import actions
from kaohe.results.models import Decision, Objection, PublicNotice, ResultVoid, Seal
from kaohe.results.tests.test_decisions import MONDAY, resolve_ties, result

ROLES = ["organiser", "committee", "assessor", "clerk", "liaison", "leader", "cadre", "outsider"]
READERS = {"organiser", "committee", "leader"}
DECIDERS = {"organiser", "committee"}
MANAGERS = {"organiser"}


@pytest.fixture
def run(world):
    return actions.compute_run_create(actor=SystemActor("测试"), cycle=world)


def pages(run):
    year, version, pk = 2025, run.version, result(run, "GB001").pk
    return [
        reverse("results:home", args=[year]),
        reverse("results:review", args=[year]),
        reverse("results:review", args=[year]) + "?pool=cadre:全部&grade=待定&flag=tie&q=张",
        reverse("results:compare", args=[year]),
        reverse("results:notice", args=[year]),
        reverse("results:result_detail", args=[year, version, pk]),
        reverse("results:result_explanation", args=[year, version, pk]),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_pages_are_for_organisers_committee_and_leaders_only(run, client_for, role):
    client = client_for(role)
    for url in pages(run):
        response = client.get(url)
        assert response.status_code == (200 if role in READERS else 403), url


def test_anonymous_visitors_are_sent_to_log_in(run, client_for):
    response = client_for(None).get(reverse("results:home", args=[2025]))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("role", ROLES)
def test_the_results_workbook_is_for_organisers_and_committee(run, client_for, role):
    response = client_for(role).get(reverse("results:export", args=[2025, run.version]))
    assert response.status_code == (200 if role in DECIDERS else 403)
    if role in DECIDERS:
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        assert book.sheetnames == ["结果", "名额", "无效票"]


@pytest.mark.parametrize("role", ROLES)
def test_only_organisers_compute(world, client_for, role):
    response = client_for(role).post(reverse("results:compute", args=[2025]), {"note": "第一次"})
    assert response.status_code == (302 if role in MANAGERS else 403)
    assert world.runs.exists() == (role in MANAGERS)


@pytest.mark.parametrize("role", ROLES)
def test_organisers_and_committee_resolve_ties(run, client_for, role):
    url = reverse("results:decide", args=[2025, run.version, result(run, "GB001").pk])
    response = client_for(role).post(url, {"decision": "resolve", "grade": "优秀"})
    assert response.status_code == (302 if role in DECIDERS else 403)
    assert Decision.objects.exists() == (role in DECIDERS)


@pytest.mark.parametrize("role", ROLES)
def test_only_organisers_publish_record_objections_finalise_and_void(run, cast, client_for, role, world):
    resolve_ties(cast, world, run)
    client = client_for(role)
    response = client.post(
        reverse("results:notice", args=[2025]),
        {"starts_on": "2026-01-05", "working_days": 5, "confirm": "yes"},
    )
    allowed = role in MANAGERS
    assert response.status_code == (302 if allowed else 403)
    assert PublicNotice.objects.exists() == allowed
    notice = PublicNotice.objects.first() or actions.notice_publish(
        actor=cast["organiser"], cycle=world, run=run, starts_on=MONDAY, working_days=5
    )
    response = client.post(
        reverse("results:objection_create", args=[2025, notice.pk]),
        {"received_on": "2026-01-06", "subject": "张思佳", "content": "反映"},
    )
    assert response.status_code == (302 if allowed else 403)
    objection = Objection.objects.first() or actions.objection_record(
        actor=cast["organiser"],
        notice=notice,
        received_on=MONDAY,
        raised_by="",
        subject="张思佳",
        content="反映",
    )
    response = client.post(
        reverse("results:objection_handle", args=[2025, objection.pk]), {"handling": "不属实"}
    )
    assert response.status_code == (302 if allowed else 403)
    response = client.post(reverse("results:finalise", args=[2025, run.version]), {"confirm": "yes"})
    assert response.status_code == (302 if allowed else 403)
    response = client.post(
        reverse("results:void", args=[2025, run.version]),
        {"scope": "cadre", "code": "GB005", "reason": "失实", "confirm": "yes"},
    )
    assert response.status_code == (302 if allowed else 403)
    assert ResultVoid.objects.exists() == allowed


def test_the_review_shows_ties_flags_in_chinese_and_explanations(run, client_for):
    page = (
        client_for("committee")
        .get(reverse("results:review", args=[2025]) + "?pool=cadre:全部")
        .content.decode()
    )
    assert "并列待定" in page
    assert "定为优秀" in page and "定为称职" in page
    assert "理论名额" in page and "1.00" in page
    assert "chart-data" in page


def test_the_review_links_each_explanation_instead_of_carrying_it(run, client_for):
    page = client_for("committee").get(reverse("results:review", args=[2025]), {"pool": "cadre:全部"})
    text = page.content.decode()
    for code in ("GB001", "GB002", "GB003", "GB004", "GB005"):
        r = result(run, code)
        url = reverse("results:result_explanation", args=[2025, run.version, r.pk])
        assert f'href="{url}" hx-get="{url}"' in text
        assert r.explanation[:20] not in text


def test_an_explanation_is_a_fragment_for_htmx_and_a_page_without_javascript(run, client_for):
    r = result(run, "GB001")
    url = reverse("results:result_explanation", args=[2025, run.version, r.pk])
    client = client_for("leader")
    fragment = client.get(url, headers={"HX-Request": "true"})
    page = client.get(url)
    assert fragment.content.decode().strip() == (
        f'<p class="small mb-0 explanation" id="explanation-{r.pk}">{r.explanation}</p>'
    )
    assert fragment.content.decode().strip() in page.content.decode()
    assert "<html" not in fragment.content.decode() and "<html" in page.content.decode()
    assert "HX-Request" in fragment["Vary"] and "HX-Request" in page["Vary"]


@pytest.mark.parametrize("role", ["outsider", "cadre"])
def test_an_explanation_is_refused_to_those_who_may_not_see_the_review(run, client_for, role):
    url = reverse("results:result_explanation", args=[2025, run.version, result(run, "GB001").pk])
    response = client_for(role).get(url, headers={"HX-Request": "true"})
    assert response.status_code == 403
    assert result(run, "GB001").explanation[:20] not in response.content.decode()


def test_an_explanation_of_another_run_or_year_is_not_found(run, client_for, world):
    first = result(run, "GB001")
    second = actions.compute_run_create(actor=SystemActor("测试"), cycle=world)
    client = client_for("organiser")
    url = reverse("results:result_explanation", args=[2025, second.version, first.pk])
    assert client.get(url).status_code == 404
    url = reverse("results:result_explanation", args=[2024, run.version, first.pk])
    assert client.get(url).status_code == 404


def test_the_review_runs_as_many_queries_for_a_large_pool_as_for_a_small_one(
    run, cast, client_for, world, django_assert_max_num_queries
):
    resolve_ties(cast, world, run)
    client = client_for("committee")
    url = reverse("results:review", args=[2025])
    counts = {}
    for pool in ("team:全部", "cadre:全部"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"pool": pool}).status_code == 200
        counts[pool] = len(queries)
    assert counts["team:全部"] == counts["cadre:全部"]
    # 12 for the page, one for the integrity findings beside the members, one for the principals' own items,
    # 6 for the audit entry of the read.
    with django_assert_max_num_queries(20):
        client.get(url, {"pool": "cadre:全部"})


def test_leaders_read_the_review_without_decision_buttons(run, client_for):
    page = (
        client_for("leader").get(reverse("results:review", args=[2025]) + "?pool=cadre:全部").content.decode()
    )
    assert "并列待定" in page
    assert "定为优秀" not in page


def test_the_review_filters_by_grade_flag_and_search(run, client_for):
    client = client_for("organiser")
    url = reverse("results:review", args=[2025])
    page = client.get(url, {"pool": "cadre:全部", "grade": "称职"}).content.decode()
    assert "王建国" in page and "张思佳" not in page
    page = client.get(url, {"pool": "cadre:全部", "flag": "tie"}).content.decode()
    assert "张思佳" in page and "王建国" not in page
    page = client.get(url, {"pool": "cadre:全部", "q": "李"}).content.decode()
    assert "李明" in page and "王建国" not in page


def test_the_rater_group_chart_shows_no_group_that_could_be_worked_back(run, client_for):
    """上级 3 ballots (all 优秀), 同级 2: showing 上级 alone would let 同级 be worked back from the democratic
    score and the weights, so both are shown only as 其他 (their weighted mean, the democratic score)."""
    page = client_for("organiser").get(
        reverse("results:result_detail", args=[2025, run.version, result(run, "GB001").pk])
    )
    text = page.content.decode()
    assert page.context["radar"]["groups"] == [{"name": "其他", "score": 90.0}]
    assert "有效票少于 3 张的评价人类别不单独显示：上级、同级合并为「其他」" in text
    review = client_for("organiser").get(reverse("results:review", args=[2025]), {"pool": "cadre:全部"})
    assert review.context["charts"]["groups"] == {"groups": [], "means": [], "targets": []}


def test_an_override_without_a_reason_is_refused_in_chinese(run, client_for):
    url = reverse("results:decide", args=[2025, run.version, result(run, "GB005").pk])
    response = client_for("committee").post(
        url, {"decision": "override", "grade": "基本称职", "reason": ""}, follow=True
    )
    assert "调整「钱伟」的等次必须填写理由" in response.content.decode()
    assert not Decision.objects.exists()


def test_an_override_is_shown_as_manual_with_its_reason(run, client_for):
    url = reverse("results:decide", args=[2025, run.version, result(run, "GB005").pk])
    client = client_for("committee")
    client.post(url, {"decision": "override", "grade": "基本称职", "reason": "年内受到通报批评"})
    page = client.get(reverse("results:review", args=[2025]), {"pool": "cadre:全部"}).content.decode()
    assert "人工调整" in page and "年内受到通报批评" in page


def test_finalising_on_the_page_lists_what_is_missing(run, client_for):
    response = client_for("organiser").post(
        reverse("results:finalise", args=[2025, run.version]), {"confirm": "yes"}, follow=True
    )
    text = response.content.decode()
    assert "仍有待定 2 个：张思佳、李明" in text
    assert "拟定优秀名单尚未公示" in text
    assert not Seal.objects.exists()


def test_publishing_with_a_tie_left_is_refused_on_the_page(run, client_for):
    response = client_for("organiser").post(
        reverse("results:notice", args=[2025]),
        {"starts_on": "2026-01-05", "working_days": 5, "confirm": "yes"},
    )
    assert response.status_code == 200
    assert "仍有待定 2 个" in response.content.decode()
    assert not PublicNotice.objects.exists()


def test_a_voided_target_shows_void_until_the_next_run(run, client_for, world):
    client = client_for("organiser")
    client.post(
        reverse("results:void", args=[2025, run.version]),
        {"scope": "cadre", "code": "GB005", "reason": "考核结果失实", "confirm": "yes"},
    )
    page = client.get(reverse("results:review", args=[2025]), {"pool": "cadre:全部"}).content.decode()
    assert "无效，待重新考核" in page
    client.post(reverse("results:compute", args=[2025]), {"note": "重新考核"})
    page = client.get(reverse("results:review", args=[2025]), {"pool": "cadre:全部"}).content.decode()
    assert "无效，待重新考核" not in page
    home = client.get(reverse("results:home", args=[2025])).content.decode()
    assert "1 个结果无效" in home


def test_void_of_an_unknown_code_is_refused(run, client_for):
    response = client_for("organiser").post(
        reverse("results:void", args=[2025, run.version]),
        {"scope": "cadre", "code": "GB999", "reason": "x"},
        follow=True,
    )
    assert "编码「GB999」不是本年度考核的单位或干部" in response.content.decode()


def test_compare_names_who_moved_and_why(run, client_for, world, cast):
    from kaohe.plans.models import AssessedCadre

    AssessedCadre.objects.filter(cadre__code="GB005").update(regular=99)
    actions.compute_run_create(actor=SystemActor("测试"), cycle=world)
    page = client_for("leader").get(reverse("results:compare", args=[2025]), {"old": 1, "new": 2})
    moves = {m.code: m for m in page.context["moves"]}
    assert (moves["GB005"].old_rank, moves["GB005"].new_rank) == (5, 3)
    assert "综合得分 80.00 → 87.60" in moves["GB005"].reasons
    assert moves["GB003"].reasons == ["本人各项得分未变，名额池内其他对象的得分或名额有变化"]
    assert "GB001" not in moves


def test_the_whole_flow_on_the_pages(run, client_for, world, settings):
    settings.PUBLIC_NOTICE_WORKING_DAYS = 3
    committee = client_for("committee")
    for code, grade in (("GB001", "优秀"), ("GB002", "称职")):
        committee.post(
            reverse("results:decide", args=[2025, run.version, result(run, code).pk]),
            {"decision": "resolve", "grade": grade},
        )
    organiser = client_for("organiser")
    form = organiser.get(reverse("results:notice", args=[2025])).context["form"]
    assert form.initial["working_days"] == 3
    url = reverse("results:notice", args=[2025])
    asked = organiser.post(url, {"starts_on": "2026-01-05", "working_days": 3}).content.decode()
    assert "不能撤回" in asked and 'name="working_days" value="3"' in asked
    assert not PublicNotice.objects.exists()
    organiser.post(url, {"starts_on": "2026-01-05", "working_days": 3, "confirm": "yes"})
    notice = PublicNotice.objects.get()
    assert notice.ends_on == datetime.date(2026, 1, 7)
    asked = organiser.get(reverse("results:finalise", args=[2025, run.version])).content.decode()
    assert "定档后第1次计算的" in asked and "不能再改" in asked and not Seal.objects.exists()
    organiser.post(reverse("results:finalise", args=[2025, run.version]), {"confirm": "yes"})
    seal = Seal.objects.get()
    home = organiser.get(reverse("results:home", args=[2025])).content.decode()
    assert seal.hash in home and "已定档封存" in home


@pytest.mark.parametrize("role", ROLES)
def test_the_results_api_is_for_readers(run, client_for, role):
    client = client_for(role)
    for url in ("/api/results/2025/runs", "/api/results/2025/pools", "/api/results/2025/pools/cadre/全部"):
        response = client.get(url)
        assert response.status_code == (200 if role in READERS else 403), url
    if role in READERS:
        ranking = client.get("/api/results/2025/pools/cadre/全部").json()
        assert [r["grade"] for r in ranking][:2] == ["待定", "待定"]


def test_the_notice_names_teams_once_and_cadres_with_their_post(run, cast, world, client_for):
    from kaohe.plans.models import AssessedCadre

    AssessedCadre.objects.filter(cycle=world, cadre__code="GB001").update(post="副局长")
    resolve_ties(cast, world, run)
    organiser = client_for("organiser")
    proposed = organiser.get(reverse("results:notice", args=[2025])).content.decode()
    assert "副局长" in proposed
    actions.notice_publish(actor=cast["organiser"], cycle=world, run=run, starts_on=MONDAY, working_days=5)
    for role in ("organiser", "committee"):
        page = client_for(role).get(reverse("results:notice", args=[2025])).content.decode()
        assert "东城街道领导班子" in page
        assert "领导班子领导班子" not in page
        assert "张思佳（" in page and "副局长）" in page


def test_a_sealed_cycle_shows_its_notice_before_the_seal_and_no_command(world, cast, roster, client_for):
    from kaohe.results.tests.sealed_data import sealed_world

    sealed_world(world, cast, roster)
    for role in ("organiser", "committee", "leader"):
        home = client_for(role).get(reverse("results:home", args=[2025])).content.decode()
        assert home.index('id="notice-line"') < home.index('id="seal"')
        assert "kaohe results verify" not in home
        assert "结果若有任何改动都能发现" in home


def test_the_review_search_looks_in_every_pool_and_links_to_the_members_row(run, client_for):
    client = client_for("committee")
    url = reverse("results:review", args=[2025])
    # The teams' pool is chosen, the name is a cadre's: found by pinyin initials in the cadres' pool.
    page = client.get(url, {"pool": "team:全部", "q": "wjg"}).content.decode()
    row = result(run, "GB003")
    assert 'id="search-matches"' in page and "王建国" in page
    assert f'href="?pool=cadre%3A%E5%85%A8%E9%83%A8#r{row.pk}"' in page
    # Nobody of that name among the teams: the page shows the pool where the match is, with its row.
    assert f'<tr id="r{row.pk}"' in page and "张思佳" not in page.split('id="ranking"')[1]
    # A team is found by its name in the teams' pool; a search finding nobody says so.
    page = client.get(url, {"pool": "cadre:全部", "q": "东城"}).content.decode()
    assert f'id="r{result(run, "DW01", kind="team").pk}"' in page
    page = client.get(url, {"q": "不存在的人"}).content.decode()
    assert "所有名额池中都没有「不存在的人」" in page


def test_the_review_search_keeps_the_chosen_pool_where_it_has_a_match(run, client_for):
    page = (
        client_for("organiser")
        .get(reverse("results:review", args=[2025]), {"pool": "cadre:全部", "q": "GB002"})
        .content.decode()
    )
    ranking = page.split('id="ranking"')[1]
    assert "李明" in ranking and "王建国" not in ranking
    assert "本池" in page

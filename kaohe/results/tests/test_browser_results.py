"""In a real browser: the committee resolves a tie on the quota line, the organiser publishes and finalises,
and the final grades are as decided; the team's liaison then sees and confirms the result.

The data is the rules' worked example 5: ten teams in one pool at 30% → quota 3; composites 96, 95, 95, 95,
90 … → 96 gets 优秀 and the three at 95 straddle the boundary, so all three are 待定 (领导小组决定).
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import PASSWORD, make_unit
from kaohe.accounts.actors import SystemActor
from kaohe.plans.models import AssessmentCycle, Phase
from kaohe.results import actions
from kaohe.results.models import FinalResult
from kaohe.results.tests.conftest import import_world
from kaohe.rules.model import AssessmentInput, Cadre, CadrePool, RuleSettings, TeamPool, Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEAMS = {  # code: (name, composite); the composite is the unit's 领导评价, the only component given
    "DW01": ("东城街道", 96),
    "DW02": ("西山镇", 95),
    "DW03": ("市财政局", 95),
    "DW04": ("南湖街道", 95),
    "DW05": ("北岭镇", 90),
    "DW06": ("青石镇", 88),
    "DW07": ("白沙镇", 85),
    "DW08": ("市教育局", 82),
    "DW09": ("市民政局", 80),
    "DW10": ("市司法局", 78),
}


def example_five(roster) -> AssessmentCycle:
    towns = roster["categories"]["towns"]
    for code, (name, _) in TEAMS.items():
        if code > "DW03":
            make_unit(code, name, towns)
    data = AssessmentInput(
        settings=RuleSettings(
            year=2025, team_pool=TeamPool.ALL, team_excellent_ratio=Decimal("0.3"), cadre_pool=CadrePool.ALL
        ),
        units=[
            Unit(code, name, "政府部门" if code == "DW03" else "乡镇街道", leader_rating=Decimal(score))
            for code, (name, score) in TEAMS.items()
        ],
        cadres=[
            Cadre("GB001", "张思佳", "DW01", "党工委书记", principal=True, regular=Decimal(95)),
            Cadre("GB002", "李明", "DW01", "办事处主任", regular=Decimal(90)),
        ],
    )
    cycle = import_world(data)
    AssessmentCycle.objects.filter(pk=cycle.pk).update(phase=Phase.EVALUATION)
    cycle.refresh_from_db()
    return cycle


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")


def log_out(page):
    page.get_by_role("button", name="退出").click()


def row(page, name):
    return page.locator("#ranking tbody tr").filter(has=page.get_by_role("link", name=name, exact=True))


def test_the_committee_resolves_a_tie_and_the_organiser_finalises(roster, cast, page, live_server):
    cycle = example_five(roster)
    run = actions.compute_run_create(actor=SystemActor("测试"), cycle=cycle)
    assert sorted(r.code for r in run.results.filter(grade="待定")) == ["DW02", "DW03", "DW04"]

    # The committee: the review of the teams' pool, three 待定 on the line, two places left.
    log_in(page, live_server, "committee")
    page.goto(f"{live_server.url}/cycles/2025/results/review/?pool=team:全部")
    summary = page.locator("#pool-summary")
    expect(summary).to_contain_text("待定")
    for name in ("西山镇领导班子", "市财政局领导班子", "南湖街道领导班子"):
        expect(row(page, name).locator("td.grade")).to_contain_text("待定")
    expect(row(page, "东城街道领导班子").locator("td.grade")).to_contain_text("优秀")
    # The row's 查看 fetches its explanation into the row.
    explanation, review = run.results.get(kind="team", code="DW01").explanation, page.url
    row(page, "东城街道领导班子").get_by_role("link", name="查看").click()
    expect(row(page, "东城街道领导班子").locator(".explanation")).to_have_text(explanation)
    assert page.url == review

    row(page, "西山镇领导班子").get_by_role("button", name="定为优秀").click()
    expect(row(page, "西山镇领导班子").locator("td.grade")).to_contain_text("领导小组决定")
    row(page, "市财政局领导班子").get_by_role("button", name="定为优秀").click()
    expect(row(page, "市财政局领导班子").locator("td.grade")).to_contain_text("领导小组决定")
    row(page, "南湖街道领导班子").get_by_role("button", name="定为良好").click()
    expect(row(page, "南湖街道领导班子").locator("td.grade")).to_contain_text("良好")
    expect(summary.locator("dd").nth(3)).to_have_text("3")  # 优秀（含决定）: the quota, exactly
    expect(summary.locator("dd").nth(4)).to_have_text("0")  # 待定
    expect(page.get_by_role("button", name="定为优秀")).to_have_count(0)
    log_out(page)

    # The organiser: 公示 that started two weeks ago has ended, then finalise.
    log_in(page, live_server, "organiser")
    page.goto(f"{live_server.url}/cycles/2025/results/notice/")
    today = timezone.localdate()
    start = today - datetime.timedelta(days=14 + today.weekday())  # a Monday two weeks back
    page.fill("#id_starts_on", start.isoformat())
    page.fill("#id_working_days", "5")
    page.get_by_role("button", name="发布公示").click()
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_contain_text("不能撤回")
    dialog.get_by_role("button", name="确认发布公示").click()
    expect(page.get_by_role("alert").first).to_contain_text("已发布公示")
    page.goto(f"{live_server.url}/cycles/2025/results/")
    expect(page.locator("#problems")).to_contain_text("可以定档")
    page.locator("#finalise").click()
    expect(dialog).to_contain_text("不能再改")
    dialog.get_by_role("button", name="确认定档并封存").click()
    expect(page.get_by_role("alert").first).to_contain_text("考核结果已定档封存")
    expect(page.locator("#seal")).to_be_visible()

    final = {f.code: f.grade for f in FinalResult.objects.filter(kind="team")}
    assert final == {
        "DW01": "优秀",
        "DW02": "优秀",
        "DW03": "优秀",
        "DW04": "良好",
        **{code: "良好" for code in ("DW05", "DW06", "DW07", "DW08", "DW09", "DW10")},
    }
    manual = set(FinalResult.objects.filter(kind="team", manual=True).values_list("code", flat=True))
    assert manual == {"DW02", "DW03", "DW04"}

    # The 审定表 of 西山镇 shows the decision; then 东城街道's liaison sees and confirms the team's result.
    page.goto(f"{live_server.url}/cycles/2025/results/approval-sheets/{roster['units']['b'].pk}/")
    expect(page.locator("#sheet-team")).to_contain_text("领导小组决定：待定 → 优秀")
    log_out(page)

    log_in(page, live_server, "liaison")
    page.get_by_role("link", name="我的考核结果").click()
    card = page.locator("#feedback-2025")
    expect(card.locator(".result-grade")).to_have_text("优秀")
    expect(card.locator(".result-rank")).to_contain_text("第 1 名（共 10 名）")
    card.get_by_label("同意").check()
    card.get_by_role("button", name="确认收到").click()
    expect(page.locator("#feedback-2025 .result-acknowledged")).to_contain_text("本人意见：同意")


def test_the_preview_chart_starts_its_axis_at_zero(roster, cast, page, live_server):
    """Scores of 78–96: an axis cut at 84 would make a 10-point gap look like a tenfold one."""
    example_five(roster)
    log_in(page, live_server, "organiser")
    page.goto(f"{live_server.url}/cycles/2025/preview/")
    chart = page.locator("[data-chart-source]").first
    expect(chart.locator("canvas")).to_have_count(1)
    low = page.evaluate(
        """() => {
            const box = document.querySelector("[data-chart-source]");
            const chart = echarts.getInstanceByDom(box);
            return chart.getModel().getComponent("yAxis").axis.scale.getExtent()[0];
        }"""
    )
    assert low == 0

"""The plan (考核工作方案): its form explains each setting, refuses what cannot work, is audited, and is
locked once the cycle enters 评定; the committee and leaders read it."""

import pytest
from django.urls import reverse

from kaohe.audit.models import AuditEntry
from kaohe.ballots.models import Ballot, EvaluationSession, SessionStatus
from kaohe.plans import actions
from kaohe.plans.forms import PLAN_SETTINGS, plan_problems
from kaohe.plans.models import AssessmentCycle, AssessmentPlan, Phase
from kaohe.workbook import layout

URL = "plans:plan_edit"


def form_data(**settings):
    """The plan form's POST data: every setting blank (the default) except those given by 参数 name."""
    data = {s.field: "" for s in PLAN_SETTINGS}
    data["notes"] = ""
    for name, value in settings.items():
        data[layout.SETTINGS_BY_NAME[name].field] = value
    return data


def post(client, **settings):
    return client.post(reverse(URL, args=[2025]), form_data(**settings))


@pytest.fixture
def organiser(client_for):
    return client_for("organiser")


def test_the_form_shows_every_setting_with_its_help_and_default(organiser):
    html = organiser.get(reverse(URL, args=[2025])).content.decode()
    for title in ("名额", "测评", "构成与权重", "等次线", "否决与处分"):
        assert f'<legend class="h6">{title}</legend>' in html
    for setting in PLAN_SETTINGS:
        assert setting.name in html
        assert setting.help in html
    assert "默认：20%" in html  # 干部优秀比例
    assert "默认：民主测评=40,实绩=30,平时考核=20,领导评价=10" in html
    assert "默认（向下取整）" in html  # a select's blank option names the default
    assert "默认：空白（不用）" in html  # the score lines are off by default


def test_saving_the_plan_stores_the_texts_as_the_workbook_has_them_and_audits_it(cast, organiser):
    response = post(
        organiser,
        **{
            "干部优秀比例": "15%",
            "名额取整": "四舍五入",
            "干部综合构成": "民主测评=50，实绩=30，平时考核=20",
            "干部基本称职线": "70",
            "否决连带主要负责人": "否",
        },
    )
    assert response.status_code == 302
    plan = AssessmentPlan.objects.get(cycle__year=2025)
    assert plan.settings == {
        "cadre_excellent_ratio": "15%",
        "quota_rounding": "四舍五入",
        "cadre_composite_weights": "民主测评=50，实绩=30，平时考核=20",
        "cadre_basic_line": "70",
        "veto_cascades_to_principal": "否",
    }
    entry = AuditEntry.objects.get(action="plan.update")
    assert entry.actor == cast["organiser"]
    assert entry.before == {"settings": {}, "notes": ""}
    # The audit names settings as the 参数 sheet does, like entries written before the plan stored fields.
    assert (
        entry.after["settings"]["干部优秀比例"] == "15%"
        and "cadre_excellent_ratio" not in entry.after["settings"]
    )
    # Saving the same again writes no new audit entry.
    post(
        organiser,
        **{
            "干部优秀比例": "15%",
            "名额取整": "四舍五入",
            "干部综合构成": "民主测评=50，实绩=30，平时考核=20",
            "干部基本称职线": "70",
            "否决连带主要负责人": "否",
        },
    )
    assert AuditEntry.objects.filter(action="plan.update").count() == 1


def test_the_stored_texts_read_as_kaohe_assess_reads_them(roster, cast, organiser):
    post(organiser, **{"干部优秀比例": "15", "诫勉线": "2/3", "每票优秀上限": "5"})
    values = AssessmentPlan.objects.get(cycle__year=2025).settings
    parsed = {k: layout.SETTINGS_BY_FIELD[k].parse(v) for k, v in values.items()}
    assert str(parsed["cadre_excellent_ratio"]) == "0.15"
    assert parsed["excellent_limit"].count == 5


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"干部综合构成": "民主测评=40,实绩=30,平时考核=20"}, "干部综合构成的权重合计为 90，应为 100"),
        ({"班子综合构成": "实绩=60,民主测评=30"}, "班子综合构成的权重合计为 90，应为 100"),
        ({"绩效构成": "指标考评=80,公众评议=10,领导评价=20"}, "绩效构成的权重合计为 110，应为 100"),
        ({"评价人权重": "上级=30,同级=30,下级=30"}, "评价人权重的权重合计为 90，应为 100"),
        ({"干部优秀比例": "120%"}, "「120%」超过100%"),
        ({"班子优秀比例": "150"}, "「150」超过100%"),
        (
            {"干部综合构成": "民主测评=40,业绩=60"},
            "「业绩」不是有效的名称（民主测评、实绩、平时考核、领导评价）",
        ),
        (
            {"绩效构成": "指标考评=70,民主测评=30"},
            "「民主测评」不是有效的名称（指标考评、公众评议、领导评价）",
        ),
        ({"干部基本称职线": "60", "干部不称职线": "70"}, "干部基本称职线（60）不能低于干部不称职线（70）"),
        ({"班子一般线": "50", "班子较差线": "55.5"}, "班子一般线（50）不能低于班子较差线（55.5）"),
        ({"干部票值": "优秀=100,称职=80,基本称职=60"}, "须列出优秀、称职、基本称职、不称职四项"),
        ({"干部票值": "优秀=120,称职=80,基本称职=60,不称职=40"}, "优秀的分值 120 超过100"),
        ({"班子票值": "优秀=80,良好=90,一般=60,较差=40"}, "良好的分值 90 高于优秀的分值 80"),
        ({"名额取整": "随便"}, "选择一个有效的选项"),
        ({"诫勉线": "abc"}, "不是有效的比例"),
        ({"最少有效票": "2.5"}, "「2.5」不是非负整数"),
        ({"末位比例": "-5%"}, "「-5%」不能为负数"),
        ({"末位比例": "120%"}, "「120%」超过100%"),
        ({"末位比例": "十分之一"}, "「十分之一」不是数字"),
        ({"干部基本称职线": "101"}, "「101」不在0到100之间"),
    ],
)
def test_the_plan_form_refuses_what_cannot_work(organiser, values, message):
    response = post(organiser, **values)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html, html[html.find("invalid-feedback") - 400 : html.find("invalid-feedback") + 400]
    assert "方案未保存" in html
    assert not AssessmentPlan.objects.filter(cycle__year=2025).exists()
    assert not AuditEntry.objects.filter(action="plan.update").exists()


def test_the_bottom_ratio_is_on_the_form_off_by_default_and_stored_by_field(roster, cast, organiser):
    html = organiser.get(reverse(URL, args=[2025])).content.decode()
    assert "末位比例" in html and 'name="bottom_ratio"' in html
    assert post(organiser, **{"末位比例": "10%"}).status_code == 302
    cycle = AssessmentCycle.objects.get(year=2025)
    assert AssessmentPlan.objects.get(cycle=cycle).settings == {"bottom_ratio": "10%"}
    from kaohe.plans.rule_settings import cycle_rule_settings

    assert str(cycle_rule_settings(cycle).bottom_ratio) == "0.1"
    edit = organiser.get(reverse(URL, args=[2025])).content.decode()
    assert 'name="bottom_ratio" value="10%"' in edit


def test_a_rater_group_that_ballots_already_use_must_keep_a_weight(roster, organiser):
    cycle = AssessmentCycle.objects.get(year=2025)
    session = EvaluationSession.objects.create(cycle=cycle, name="第一场")
    Ballot.objects.create(session=session, number="1", rater_group="服务对象")
    response = post(organiser, **{"评价人权重": "上级=50,下级=50"})
    assert "评价人类别「服务对象」已有测评票，须保留其权重" in response.content.decode()
    assert post(organiser, **{"评价人权重": "上级=40,下级=40,服务对象=20"}).status_code == 302
    # Ballots of a voided session do not count.
    session.status = SessionStatus.VOID
    session.save()
    assert post(organiser, **{"评价人权重": "上级=50,下级=50"}).status_code == 302


def test_the_write_function_checks_the_plan_again(roster, cast):
    cycle = AssessmentCycle.objects.get(year=2025)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="干部综合构成的权重合计为 90，应为 100"):
        actions.plan_update(
            actor=cast["organiser"],
            cycle=cycle,
            settings={"cadre_composite_weights": "民主测评=90"},
            notes="",
        )


def test_plan_problems_accepts_the_defaults():
    assert plan_problems({}, year=2025) == {}


# --- the read-only view and the lock ------------------------------------------------------------------


def test_the_committee_and_leaders_read_the_plan_with_defaults_marked(roster, cast, client_for):
    cycle = AssessmentCycle.objects.get(year=2025)
    AssessmentPlan.objects.create(
        cycle=cycle, settings={"cadre_excellent_ratio": "15%"}, notes="依据市委文件"
    )
    for role in ("committee", "leader"):
        html = client_for(role).get(reverse("plans:plan_detail", args=[2025])).content.decode()
        assert "15%" in html and "依据市委文件" in html
        assert "20%（默认）" in html  # 班子优秀比例 keeps its default
        assert reverse(URL, args=[2025]) not in html
    html = client_for("organiser").get(reverse("plans:plan_detail", args=[2025])).content.decode()
    assert reverse(URL, args=[2025]) in html


@pytest.mark.parametrize("phase", [Phase.EVALUATION, Phase.PUBLIC_NOTICE, Phase.COMPLETED])
def test_the_plan_is_locked_once_the_cycle_enters_evaluation(roster, cast, organiser, phase):
    cycle = AssessmentCycle.objects.get(year=2025)
    AssessmentPlan.objects.create(cycle=cycle, settings={"cadre_excellent_ratio": "15%"})
    cycle.phase = phase
    cycle.save()
    response = organiser.get(reverse(URL, args=[2025]), follow=True)
    assert "已进入评定阶段，考核方案已锁定" in response.content.decode()
    response = post(organiser, **{"干部优秀比例": "30%"})
    assert response.status_code == 302
    assert AssessmentPlan.objects.get(cycle=cycle).settings == {"cadre_excellent_ratio": "15%"}
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="已进入评定阶段，考核方案已锁定"):
        actions.plan_update(actor=cast["organiser"], cycle=cycle, settings={}, notes="")
    assert not AuditEntry.objects.filter(action="plan.update").exists()
    detail = organiser.get(reverse("plans:plan_detail", args=[2025])).content.decode()
    assert reverse(URL, args=[2025]) not in detail and "考核方案已锁定" in detail


def test_the_plan_can_change_in_implementation(roster, cast, organiser):
    cycle = AssessmentCycle.objects.get(year=2025)
    cycle.phase = Phase.IMPLEMENTATION
    cycle.save()
    assert post(organiser, **{"干部优秀比例": "30%"}).status_code == 302

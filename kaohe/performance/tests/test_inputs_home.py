"""The landing page: each role's inputs in the current cycle (the latest in 实施 or 评定), and how much is done."""

import pytest
from django.urls import reverse

from kaohe.performance import actions
from kaohe.performance.tests.conftest import D, set_phase
from kaohe.plans.gate import Activity
from kaohe.plans.models import AssessmentCycle, Phase
from kaohe.plans.selectors import cycle_open_for

HOME = reverse("performance:inputs_home")


def page(client_for, role):
    response = client_for(role).get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def test_without_a_cycle_in_implementation_or_evaluation_the_page_says_so(world, client_for):
    set_phase(world["cycle"], Phase.PUBLIC_NOTICE)
    for role in ("organiser", "liaison", "clerk", "assessor", "leader"):
        assert "目前没有处于实施或评定阶段的年度考核" in page(client_for, role)


def test_the_current_cycle_is_the_latest_in_implementation_or_evaluation(world):
    assert cycle_open_for(Activity.INPUTS) == world["cycle"]
    AssessmentCycle.objects.create(year=2026, name="2026年度考核", phase=Phase.PREPARATION)
    assert cycle_open_for(Activity.INPUTS) == world["cycle"]
    set_phase(world["cycle"], Phase.EVALUATION)
    assert cycle_open_for(Activity.INPUTS) == world["cycle"]
    set_phase(world["cycle"], Phase.COMPLETED)
    assert cycle_open_for(Activity.INPUTS) is None


def test_the_liaison_sees_their_self_evaluation_progress(world, client_for):
    actions.self_evaluation_save(
        actor=world["cast"]["liaison"],
        cycle=world["cycle"],
        unit=world["units"]["a"],
        indicator=world["indicators"]["economy"],
        claimed=D(90),
    )
    html = page(client_for, "liaison")
    assert "自评" in html and "东城街道 · 乡镇街道" in html
    assert "已完成 1 / 2" in html
    assert reverse("performance:self_evaluation_list", args=[2025]) in html


def test_the_clerk_sees_their_scores_progress(world, client_for):
    actions.indicator_scores_save(
        actor=world["cast"]["clerk"],
        cycle=world["cycle"],
        department=world["departments"]["bm01"],
        cells={(world["assessed"]["a"], world["indicators"]["economy"]): D(80)},
    )
    html = page(client_for, "clerk")
    # 2 town units × 1 indicator + 1 department unit × 2 indicators
    assert "已完成 1 / 4" in html
    assert reverse("performance:score_grid", args=[2025]) in html


def test_the_assessor_sees_their_verification_progress(world, client_for):
    html = page(client_for, "assessor")
    assert "1 个单位" in html and "已完成 0 / 2" in html


def test_the_leader_sees_their_rating_progress(world, client_for):
    actions.leader_rating_save(
        actor=world["cast"]["leader"], cycle=world["cycle"], unit=world["units"]["c"], score=D(80)
    )
    assert "已完成 1 / 3" in page(client_for, "leader")


def test_the_organiser_sees_adjustments_to_decide_vetoes_and_sanctions(world, client_for):
    actions.adjustment_propose(
        actor=world["cast"]["organiser"],
        cycle=world["cycle"],
        unit=world["units"]["a"],
        kind="加分",
        points=D(1),
        reason="x",
    )
    html = page(client_for, "organiser")
    assert "1 条待审批" in html and "已登记 0 项" in html
    for name in ("adjustment_list", "veto_list", "sanction_list"):
        assert reverse(f"performance:{name}", args=[2025]) in html


@pytest.mark.parametrize(
    ("role", "note"),
    [("outsider", None), ("assessor", "您在2025年度考核没有负责的考核单位")],
)
def test_a_role_with_nothing_to_do_is_told_plainly(world, client_for, role, note):
    world["cast"]["outsider"].unit = world["units"]["d"]
    world["cast"]["outsider"].save()
    world["cycle"].groups.get().members.clear()
    html = page(client_for, role)
    assert (note or "本单位不在2025年度考核的参加考核单位之列") in html


def test_a_clerk_whose_department_owns_no_indicator_is_told_plainly(world, client_for):
    world["cast"]["clerk"].department = world["departments"]["bm02"]
    world["cast"]["clerk"].save()
    world["indicators"]["governance"].delete()
    assert "市统计局在2025年度考核没有需要评分的指标" in page(client_for, "clerk")


def test_roles_without_inputs_are_refused(world, client_for):
    assert client_for("committee").get(HOME).status_code == 403
    assert client_for("cadre").get(HOME).status_code == 403

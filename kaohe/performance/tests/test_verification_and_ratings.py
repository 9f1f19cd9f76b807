"""On-site verification by the assessor of a unit's group, and leaders' ratings of units."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import make_user
from kaohe.accounts.models import Role
from kaohe.audit.models import AuditEntry
from kaohe.performance import actions
from kaohe.performance.models import LeaderRating, Verification
from kaohe.performance.tests.conftest import D, set_phase, upload
from kaohe.plans.models import Phase


def unit_url(w, unit="a"):
    return reverse("performance:verification_unit", args=[2025, w["units"][unit].pk])


def set_url(w, unit="a", indicator="economy"):
    return reverse(
        "performance:verification_set", args=[2025, w["units"][unit].pk, w["indicators"][indicator].pk]
    )


def prefix(w, indicator="economy"):
    return f"i{w['indicators'][indicator].pk}"


def test_the_assessor_sees_claimed_department_and_verified_scores_side_by_side(world, client_for):
    w = world
    evaluation = actions.self_evaluation_save(
        actor=w["cast"]["liaison"],
        cycle=w["cycle"],
        unit=w["units"]["a"],
        indicator=w["indicators"]["economy"],
        claimed=D(95),
        narrative="超额完成",
        files=[upload("台账.pdf")],
    )
    actions.indicator_scores_save(
        actor=w["cast"]["clerk"],
        cycle=w["cycle"],
        department=w["departments"]["bm01"],
        cells={(w["assessed"]["a"], w["indicators"]["economy"]): D("87.5")},
    )
    actions.verification_set(
        actor=w["cast"]["assessor"],
        cycle=w["cycle"],
        unit=w["units"]["a"],
        indicator=w["indicators"]["economy"],
        score=D(90),
        reason="台账与实际相符，酌减",
    )
    page = client_for("assessor").get(unit_url(w)).content.decode()
    assert '<div class="stat-value score-claimed">95</div>' in page
    assert '<div class="stat-value score-department">87.5</div>' in page
    assert '<div class="stat-value score-verified">90</div>' in page
    assert "超额完成" in page and "台账与实际相符，酌减" in page
    assert reverse("performance:evidence_download", args=[evaluation.evidence.get().pk]) in page
    assert "社会治理" in page and "经济运行" not in page


def test_the_assessor_sets_the_verified_score_with_a_reason(world, client_for):
    p = prefix(world)
    response = client_for("assessor").post(
        set_url(world), {f"{p}-score": "86", f"{p}-reason": "抽查三项，一项未完成"}
    )
    assert response.status_code == 302
    verification = Verification.objects.get()
    assert (verification.score, verification.reason, verification.verified_by) == (
        86,
        "抽查三项，一项未完成",
        world["cast"]["assessor"],
    )
    assert AuditEntry.objects.get(action="verification.create").after["reason"] == "抽查三项，一项未完成"
    client_for("assessor").post(set_url(world), {f"{p}-score": "84", f"{p}-reason": "复核后调整"})
    entry = AuditEntry.objects.get(action="verification.update")
    assert entry.before["score"] == "86" and entry.after["score"] == "84"


@pytest.mark.parametrize(
    ("score", "reason", "message"),
    [
        ("86", "", "请填写核验说明：核验得分必须说明理由"),
        ("86", "   ", "请填写核验说明：核验得分必须说明理由"),
        ("120", "理由", "「120」超出 0–100"),
        ("八十", "理由", "「八十」不是数字"),
    ],
)
def test_a_verification_without_a_reason_or_with_a_bad_score_is_refused(
    world, client_for, score, reason, message
):
    p = prefix(world)
    response = client_for("assessor").post(set_url(world), {f"{p}-score": score, f"{p}-reason": reason})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Verification.objects.exists()


def test_the_write_function_insists_on_a_reason(world):
    with pytest.raises(ValidationError, match="核验说明"):
        actions.verification_set(
            actor=world["cast"]["assessor"],
            cycle=world["cycle"],
            unit=world["units"]["a"],
            indicator=world["indicators"]["economy"],
            score=D(80),
            reason=" ",
        )


def test_the_assessor_lists_only_the_units_of_their_groups_this_year(world, client_for):
    page = client_for("assessor").get(reverse("performance:verification_list", args=[2025])).content.decode()
    assert "东城街道" in page
    assert "西山镇" not in page and "市财政局" not in page


def test_an_assessor_outside_the_group_cannot_verify(world, client_for):
    other = make_user("other-assessor", Role.ASSESSOR)
    client = client_for(None)
    client.force_login(other)
    p = prefix(world)
    assert client.get(unit_url(world)).status_code == 404
    assert client.post(set_url(world), {f"{p}-score": "50", f"{p}-reason": "x"}).status_code == 404
    assert not Verification.objects.exists()


@pytest.mark.parametrize("phase", [Phase.PREPARATION, Phase.PUBLIC_NOTICE, Phase.COMPLETED])
def test_verification_is_refused_outside_implementation_and_evaluation(world, client_for, phase):
    set_phase(world["cycle"], phase)
    p = prefix(world)
    response = client_for("assessor").post(set_url(world), {f"{p}-score": "86", f"{p}-reason": "理由"})
    assert response.status_code == 200
    assert 'id="inputs-closed"' in response.content.decode()
    assert not Verification.objects.exists()


# --- leaders' ratings ------------------------------------------------------------------------------------


def rating_url(w, unit="a"):
    return reverse("performance:rating_edit", args=[2025, w["units"][unit].pk])


def test_a_leader_rates_a_unit_and_edits_the_rating(world, client_for):
    client = client_for("leader")
    assert client.post(rating_url(world), {"score": "91", "comment": "工作扎实"}).status_code == 302
    assert client.post(rating_url(world), {"score": "93", "comment": "工作扎实，亮点突出"}).status_code == 302
    rating = LeaderRating.objects.get()
    assert (rating.score, rating.comment, rating.leader) == (
        93,
        "工作扎实，亮点突出",
        world["cast"]["leader"],
    )
    assert AuditEntry.objects.filter(action="leader_rating.create").count() == 1
    assert AuditEntry.objects.filter(action="leader_rating.update").count() == 1
    page = client.get(reverse("performance:rating_list", args=[2025])).content.decode()
    assert "已评价 1 / 3 个单位" in page


def test_each_leader_has_one_rating_per_unit_and_sees_only_their_own(world, client_for):
    other = make_user("leader2", Role.LEADER)
    actions.leader_rating_save(
        actor=other,
        cycle=world["cycle"],
        unit=world["units"]["a"],
        score=D("71.5"),
        comment="另一位领导的意见",
    )
    client_for("leader").post(rating_url(world), {"score": "90"})
    assert LeaderRating.objects.count() == 2
    page = client_for("leader").get(rating_url(world)).content.decode()
    assert "71.5" not in page and "另一位领导的意见" not in page
    assert (
        "另一位领导的意见"
        not in client_for("leader").get(reverse("performance:rating_list", args=[2025])).content.decode()
    )


@pytest.mark.parametrize(("score", "message"), [("101", "「101」超出 0–100"), ("", "这个字段是必填项")])
def test_a_rating_outside_0_to_100_is_refused(world, client_for, score, message):
    response = client_for("leader").post(rating_url(world), {"score": score})
    assert message in response.content.decode()
    assert not LeaderRating.objects.exists()


@pytest.mark.parametrize("phase", [Phase.PREPARATION, Phase.PUBLIC_NOTICE, Phase.COMPLETED])
def test_a_rating_is_editable_only_until_public_notice(world, client_for, phase):
    actions.leader_rating_save(
        actor=world["cast"]["leader"], cycle=world["cycle"], unit=world["units"]["a"], score=D(80)
    )
    set_phase(world["cycle"], phase)
    response = client_for("leader").post(rating_url(world), {"score": "95"})
    assert response.status_code == 200
    assert 'id="inputs-closed"' in response.content.decode()
    assert LeaderRating.objects.get().score == 80


def test_the_write_function_refuses_a_unit_not_assessed(world):
    with pytest.raises(ValidationError, match="南湖街道不是2025年度考核的参加考核单位"):
        actions.leader_rating_save(
            actor=world["cast"]["leader"], cycle=world["cycle"], unit=world["units"]["d"], score=D(80)
        )


def test_the_verification_page_costs_a_fixed_number_of_queries(
    world, client_for, django_assert_max_num_queries
):
    w = world
    for key in ("economy", "governance"):
        actions.self_evaluation_save(
            actor=w["cast"]["liaison"],
            cycle=w["cycle"],
            unit=w["units"]["a"],
            indicator=w["indicators"][key],
            claimed=D(90),
            files=[upload("a.pdf"), upload("b.pdf")],
        )
        actions.verification_set(
            actor=w["cast"]["assessor"],
            cycle=w["cycle"],
            unit=w["units"]["a"],
            indicator=w["indicators"][key],
            score=D(85),
            reason="核验",
        )
    client = client_for("assessor")
    with django_assert_max_num_queries(12):
        assert client.get(unit_url(w)).status_code == 200

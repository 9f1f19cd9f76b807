"""The organiser's inputs: 加减分 proposed then decided, 一票否决 with evidence, 处分 from the rules' table."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kaohe.audit.models import AuditEntry
from kaohe.performance import actions
from kaohe.performance.models import Adjustment, AdjustmentStatus, Sanction, Veto
from kaohe.performance.tests.conftest import PDF, D, set_phase, upload
from kaohe.plans.models import Phase

ADJUSTMENTS = reverse("performance:adjustment_list", args=[2025])
NEW_ADJUSTMENT = reverse("performance:adjustment_create", args=[2025])
VETOES = reverse("performance:veto_list", args=[2025])
NEW_VETO = reverse("performance:veto_create", args=[2025])
SANCTIONS = reverse("performance:sanction_list", args=[2025])
NEW_SANCTION = reverse("performance:sanction_create", args=[2025])


def propose(w, **overrides):
    values = {
        "actor": w["cast"]["organiser"],
        "cycle": w["cycle"],
        "unit": w["units"]["a"],
        "kind": "加分",
        "points": D(2),
        "reason": "创新工作获省级表彰",
    }
    return actions.adjustment_propose(**{**values, **overrides})


def decide_url(adjustment):
    return reverse("performance:adjustment_decide", args=[2025, adjustment.pk])


def test_organiser_proposes_a_bonus_on_a_unit_with_evidence(world, client_for):
    response = client_for("organiser").post(
        NEW_ADJUSTMENT,
        {
            "target": "DW01",
            "kind": "加分",
            "points": "1.5",
            "reason": "创新工作",
            "evidence": upload("表彰.pdf"),
        },
    )
    assert response.status_code == 302
    adjustment = Adjustment.objects.get()
    assert (adjustment.unit, adjustment.cadre, adjustment.points, adjustment.status) == (
        world["units"]["a"],
        None,
        D("1.5"),
        AdjustmentStatus.PROPOSED,
    )
    assert adjustment.evidence.name.startswith("evidence/")
    assert AuditEntry.objects.get(action="adjustment.propose").after["points"] == "1.5"
    download = client_for("organiser").get(
        reverse("performance:adjustment_evidence", args=[2025, adjustment.pk])
    )
    assert b"".join(download.streaming_content) == PDF


def test_organiser_proposes_a_deduction_on_a_cadre(world, client_for):
    client_for("organiser").post(
        NEW_ADJUSTMENT, {"target": "GB002", "kind": "扣分", "points": "3", "reason": "督查通报"}
    )
    adjustment = Adjustment.objects.get()
    assert adjustment.cadre == world["cadres"]["a2"] and adjustment.unit is None and adjustment.kind == "扣分"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"points": "0"}, "分值「0」应大于 0"),
        ({"points": "-2"}, "「-2」超出 0–100"),
        ({"points": "两分"}, "「两分」不是数字"),
        ({"reason": ""}, "请填写加减分原因"),
        ({"reason": "   "}, "请填写加减分原因"),
        ({"target": "DW04"}, "「DW04」不是2025年度考核参加考核的单位或干部的编码"),
        ({"target": "GB005"}, "「GB005」不是2025年度考核参加考核的单位或干部的编码"),
        ({"kind": "奖励"}, "奖励"),
        ({"evidence": upload("x.exe", b"MZ")}, "「x.exe」的类型不允许上传"),
    ],
)
def test_a_bad_adjustment_is_refused_with_a_message(world, client_for, data, message):
    form = {"target": "DW01", "kind": "加分", "points": "2", "reason": "创新", **data}
    response = client_for("organiser").post(NEW_ADJUSTMENT, form)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Adjustment.objects.exists()


def test_the_write_function_refuses_an_adjustment_without_a_reason_or_target(world):
    with pytest.raises(ValidationError, match="请填写加减分原因"):
        propose(world, reason="")
    with pytest.raises(ValidationError, match="一个单位或一名干部"):
        propose(world, cadre=world["cadres"]["a1"])
    with pytest.raises(ValidationError, match="应大于 0"):
        propose(world, points=D(0))


def test_a_proposal_is_approved_in_a_separate_audited_step(world, client_for):
    adjustment = propose(world)
    response = client_for("organiser").post(decide_url(adjustment), {"decision": "approve"})
    assert response.status_code == 302
    adjustment.refresh_from_db()
    assert adjustment.status == AdjustmentStatus.APPROVED
    assert adjustment.decided_by == world["cast"]["organiser"] and adjustment.decided_at is not None
    entry = AuditEntry.objects.get(action="adjustment.approve")
    assert entry.before["status"] == "proposed" and entry.after["status"] == "approved"


def test_a_proposal_can_be_rejected_and_a_decision_is_final(world, client_for):
    adjustment = propose(world)
    client = client_for("organiser")
    client.post(decide_url(adjustment), {"decision": "reject"})
    adjustment.refresh_from_db()
    assert adjustment.status == AdjustmentStatus.REJECTED
    response = client.post(decide_url(adjustment), {"decision": "approve"}, follow=True)
    assert "这条加减分已经未批准，不能再审批" in response.content.decode()
    adjustment.refresh_from_db()
    assert adjustment.status == AdjustmentStatus.REJECTED


def test_an_unknown_decision_changes_nothing(world, client_for):
    adjustment = propose(world)
    response = client_for("organiser").post(decide_url(adjustment), {"decision": "maybe"}, follow=True)
    assert "请选择批准或不批准" in response.content.decode()
    adjustment.refresh_from_db()
    assert adjustment.status == AdjustmentStatus.PROPOSED


def test_the_adjustment_list_filters_by_status_kind_target_and_text(world, client_for):
    approved = propose(world, reason="甲事项")
    actions.adjustment_decide(actor=world["cast"]["organiser"], adjustment=approved, approve=True)
    propose(world, unit=None, cadre=world["cadres"]["b1"], kind="扣分", reason="乙事项")
    propose(world, unit=world["units"]["c"], reason="丙事项")
    client = client_for("organiser")

    def shown(query):
        page = client.get(ADJUSTMENTS, query).content.decode()
        return {r for r in ("甲事项", "乙事项", "丙事项") if r in page}

    assert shown({}) == {"甲事项", "乙事项", "丙事项"}
    assert shown({"status": "approved"}) == {"甲事项"}
    assert shown({"status": "proposed"}) == {"乙事项", "丙事项"}
    assert shown({"kind": "扣分"}) == {"乙事项"}
    assert shown({"target": "cadre"}) == {"乙事项"}
    assert shown({"target": "unit"}) == {"甲事项", "丙事项"}
    assert shown({"q": "财政"}) == {"丙事项"}
    assert shown({"q": "GB003"}) == {"乙事项"}


def test_adjustments_of_another_cycle_are_not_found(world, client_for):
    adjustment = propose(world)
    url = reverse("performance:adjustment_decide", args=[2024, adjustment.pk])
    assert client_for("organiser").post(url, {"decision": "approve"}).status_code == 404


@pytest.mark.parametrize("phase", [Phase.PREPARATION, Phase.PUBLIC_NOTICE, Phase.COMPLETED])
def test_adjustments_are_refused_outside_implementation_and_evaluation(world, client_for, phase):
    adjustment = propose(world)
    set_phase(world["cycle"], phase)
    client = client_for("organiser")
    response = client.post(NEW_ADJUSTMENT, {"target": "DW01", "kind": "加分", "points": "2", "reason": "x"})
    assert 'id="inputs-closed"' in response.content.decode()
    response = client.post(decide_url(adjustment), {"decision": "approve"}, follow=True)
    assert ("尚在准备阶段" if phase == Phase.PREPARATION else "录入已截止") in response.content.decode()
    assert Adjustment.objects.get().status == AdjustmentStatus.PROPOSED
    assert Adjustment.objects.count() == 1


# --- vetoes ------------------------------------------------------------------------------------------------


def test_organiser_records_a_veto_on_a_unit_with_evidence(world, client_for):
    response = client_for("organiser").post(
        NEW_VETO, {"target": "DW02", "item": "发生较大安全生产事故", "evidence": upload("通报.pdf")}
    )
    assert response.status_code == 302
    veto = Veto.objects.get()
    assert veto.unit == world["units"]["b"] and veto.recorded_by == world["cast"]["organiser"]
    assert AuditEntry.objects.get(action="veto.create").after == {
        "target": "DW02",
        "item": "发生较大安全生产事故",
        "evidence": True,
    }
    page = client_for("organiser").get(VETOES).content.decode()
    assert "发生较大安全生产事故" in page and "西山镇" in page


def test_a_veto_on_a_cadre(world, client_for):
    client_for("organiser").post(
        NEW_VETO, {"target": "GB004", "item": "违反中央八项规定精神", "evidence": upload("决定.pdf")}
    )
    assert Veto.objects.get().cadre == world["cadres"]["c1"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"evidence": None}, "一票否决必须附佐证材料"),
        ({"item": ""}, "请填写否决事项"),
        ({"target": "XX"}, "「XX」不是2025年度考核参加考核的单位或干部的编码"),
        ({"evidence": upload("伪.pdf", b"not pdf")}, "「伪.pdf」的内容与扩展名 .pdf 不符"),
    ],
)
def test_a_bad_veto_is_refused(world, client_for, data, message):
    form = {"target": "DW02", "item": "事故", "evidence": upload("通报.pdf"), **data}
    form = {k: v for k, v in form.items() if v is not None}
    response = client_for("organiser").post(NEW_VETO, form)
    assert message in response.content.decode()
    assert not Veto.objects.exists()


def test_a_veto_is_deleted_with_an_audit_record(world, client_for):
    veto = actions.veto_record(
        actor=world["cast"]["organiser"],
        cycle=world["cycle"],
        unit=world["units"]["b"],
        item="事故",
        evidence=upload("a.pdf"),
    )
    url = reverse("performance:veto_delete", args=[2025, veto.pk])
    asked = client_for("organiser").get(url).content.decode()
    assert "不再被一票否决" in asked and Veto.objects.exists()  # asking deletes nothing
    client_for("organiser").post(url, {"confirm": "yes"})
    assert not Veto.objects.exists()
    assert AuditEntry.objects.get(action="veto.delete").before["item"] == "事故"


def test_the_veto_list_filters_by_target_kind_and_text(world, client_for):
    actions.veto_record(
        actor=world["cast"]["organiser"], cycle=world["cycle"], unit=world["units"]["b"], item="甲事项"
    )
    actions.veto_record(
        actor=world["cast"]["organiser"], cycle=world["cycle"], cadre=world["cadres"]["c1"], item="乙事项"
    )
    client = client_for("organiser")
    assert "乙事项" not in client.get(VETOES, {"target": "unit"}).content.decode()
    assert "甲事项" not in client.get(VETOES, {"q": "赵丽"}).content.decode()


def test_a_veto_is_refused_in_public_notice(world, client_for):
    veto = actions.veto_record(
        actor=world["cast"]["organiser"], cycle=world["cycle"], unit=world["units"]["b"], item="事故"
    )
    set_phase(world["cycle"], Phase.PUBLIC_NOTICE)
    client = client_for("organiser")
    client.post(NEW_VETO, {"target": "DW01", "item": "x", "evidence": upload("a.pdf")})
    client.post(reverse("performance:veto_delete", args=[2025, veto.pk]), {"confirm": "yes"})
    assert list(Veto.objects.values_list("item", flat=True)) == ["事故"]


# --- sanctions --------------------------------------------------------------------------------------------


def test_organiser_records_a_sanction_from_the_rules_table(world, client_for):
    response = client_for("organiser").post(
        NEW_SANCTION, {"cadre": "GB005", "name": "政务记过", "year": "2024", "note": "文件号"}
    )
    assert response.status_code == 302
    sanction = Sanction.objects.get()
    assert (sanction.cadre, sanction.name, sanction.year) == (world["cadres"]["c2"], "政务记过", 2024)
    assert AuditEntry.objects.get(action="sanction.create").after == {
        "cadre": "GB005",
        "name": "政务记过",
        "year": 2024,
        "note": "文件号",
    }


def test_the_sanction_form_offers_exactly_the_rules_table():
    from kaohe.performance.forms import SanctionForm
    from kaohe.rules.model import RuleSettings

    names = [value for value, _label in SanctionForm().fields["name"].choices]
    assert names == list(RuleSettings(year=2025).sanction_effects)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "记功"}, "记功"),
        ({"cadre": "GB999"}, "干部编码「GB999」不存在"),
        ({"year": "25"}, "生效年度应为四位年份"),
        ({"year": ""}, "这个字段是必填项"),
    ],
)
def test_a_bad_sanction_is_refused(world, client_for, data, message):
    form = {"cadre": "GB005", "name": "诫勉", "year": "2025", **data}
    response = client_for("organiser").post(NEW_SANCTION, form)
    assert message in response.content.decode()
    assert not Sanction.objects.exists()


def test_the_write_function_refuses_a_name_outside_the_table(world):
    with pytest.raises(ValidationError, match="不在处分影响表中"):
        actions.sanction_record(
            actor=world["cast"]["organiser"],
            cycle=world["cycle"],
            cadre=world["cadres"]["a1"],
            name="通报批评",
            year=2025,
        )


def test_sanctions_are_listed_with_filters_and_deleted(world, client_for):
    organiser = world["cast"]["organiser"]
    first = actions.sanction_record(
        actor=organiser, cycle=world["cycle"], cadre=world["cadres"]["a1"], name="诫勉", year=2025
    )
    actions.sanction_record(
        actor=organiser, cycle=world["cycle"], cadre=world["cadres"]["c2"], name="降级", year=2023
    )
    client = client_for("organiser")
    assert "钱伟" not in client.get(SANCTIONS, {"year": "2025"}).content.decode()
    assert "张思佳" not in client.get(SANCTIONS, {"name": "降级"}).content.decode()
    assert "钱伟" not in client.get(SANCTIONS, {"q": "GB001"}).content.decode()
    client.post(reverse("performance:sanction_delete", args=[2025, first.pk]), {"confirm": "yes"})
    assert list(Sanction.objects.values_list("name", flat=True)) == ["降级"]
    assert AuditEntry.objects.get(action="sanction.delete").before["name"] == "诫勉"


def test_a_sanction_is_refused_once_the_cycle_is_in_public_notice(world, client_for):
    set_phase(world["cycle"], Phase.PUBLIC_NOTICE)
    response = client_for("organiser").post(NEW_SANCTION, {"cadre": "GB005", "name": "诫勉", "year": "2025"})
    assert "已进入公示阶段，录入已截止" in response.content.decode()
    assert not Sanction.objects.exists()


def test_the_adjustment_list_costs_the_same_few_queries_for_many_rows(
    world, client_for, django_assert_max_num_queries
):
    for number in range(12):
        adjustment = propose(world, reason=f"事项{number}", evidence=upload("a.pdf"))
        if number % 2:
            actions.adjustment_decide(actor=world["cast"]["organiser"], adjustment=adjustment, approve=True)
    client = client_for("organiser")
    with django_assert_max_num_queries(8):
        assert client.get(ADJUSTMENTS).status_code == 200

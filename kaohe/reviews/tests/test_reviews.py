"""一报告两评议 in the app: shares from closed sessions, k, thresholds from the plan, flags and their outcomes,
scopes, the pages and the API."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kaohe.audit.models import AuditEntry
from kaohe.ballots import actions as ballot_actions
from kaohe.ballots.storage import OpenBallot, ballots_store
from kaohe.ballots.tests.conftest import seed_templates, template
from kaohe.plans.models import AssessedCadre, AssessedUnit, AssessmentCycle, AssessmentPlan, Phase
from kaohe.reviews import actions, selectors
from kaohe.reviews.models import ReviewOutcome

pytestmark = pytest.mark.django_db
SELECTION_ITEM = "选人用人工作总体评价"
PROMOTED_ITEM = "对选拔任用该干部的看法"


@pytest.fixture
def cycle(roster):
    seed_templates()
    cycle = AssessmentCycle.objects.get(year=2025)
    cycle.phase = Phase.IMPLEMENTATION
    cycle.save()
    AssessmentPlan.objects.create(cycle=cycle, settings={})
    for unit in roster["units"].values():
        AssessedUnit.objects.create(cycle=cycle, unit=unit, category=unit.category)
    for cadre in roster["cadres"].values():
        AssessedCadre.objects.create(cycle=cycle, cadre=cadre, unit=cadre.current_unit, post="职务")
    return cycle


def sitting(
    cast,
    cycle,
    roster,
    *,
    selection: dict[str, int],
    promoted: dict[str, int],
    unit="a",
    cadre="a2",
    close=True,
    rehearsal=False,
    name="一报告两评议",
):
    """A paper session on unit's selection work and one promoted cadre, with ballots of these answers."""
    unit_obj, cadre_obj = roster["units"][unit], roster["cadres"][cadre]
    selection_form, promoted_form = template("选人用人工作评议表"), template("新提拔干部评议表")
    spec = ballot_actions.SessionSpec(
        name=name,
        targets=[
            ballot_actions.TargetSpec(selection_form, unit=unit_obj),
            ballot_actions.TargetSpec(promoted_form, cadre=cadre_obj),
        ],
        groups=[("上级", 40)],
        kind="paper",
        rehearsal=rehearsal,
    )
    organiser = cast["organiser"]
    session = ballot_actions.session_create(actor=organiser, cycle=cycle, spec=spec)
    ballot_actions.session_open(actor=organiser, session=session)
    picks = [c for c, n in selection.items() for _ in range(n)]
    views = [c for c, n in promoted.items() for _ in range(n)]
    ballots = []
    for i in range(max(len(picks), len(views))):
        answers = []
        if i < len(picks):
            answers.append((unit_obj.pk, None, selection_form.pk, SELECTION_ITEM, picks[i], ""))
        if i < len(views):
            reason = "理由" if views[i] == "不认同" else ""
            answers.append((None, cadre_obj.pk, promoted_form.pk, PROMOTED_ITEM, views[i], reason))
        ballots.append(OpenBallot(number=f"{i + 1:04d}", rater_group="上级", marks=(), answers=answers))
    ballots_store(session.pk, ballots)
    if close:
        ballot_actions.session_close(actor=organiser, session=session)
    return session


def by_kind(rows):
    return {(r.kind, r.code): r for r in rows}


def test_shares_use_the_forms_own_words(cast, cycle, roster):
    sitting(
        cast,
        cycle,
        roster,
        selection={"好": 10, "较好": 8, "一般": 2},
        promoted={"认同": 9, "基本认同": 3, "不认同": 4, "不了解": 4},
    )
    rows = by_kind(selectors.rows(cast["organiser"], cycle))
    selection, promoted = rows[("selection", "DW01")], rows[("promoted", "GB002")]
    assert selection.share.text == "好和较好 18/20（90%）"
    assert (promoted.share.n, promoted.share.agree, promoted.share.disagree) == (16, 12, 4)
    assert promoted.share.text == "认同和基本认同 12/16（75%）；不认同 4/16（25%）；不了解 4 份未计入"
    assert not selection.flagged and not promoted.flagged  # 25% is not above the default 1/3


def test_disagreement_above_the_plans_threshold_raises_a_flag(cast, cycle, roster):
    sitting(
        cast, cycle, roster, selection={"好": 3, "差": 7}, promoted={"认同": 5, "不认同": 5, "不了解": 10}
    )
    rows = by_kind(selectors.rows(cast["organiser"], cycle))
    assert rows[("promoted", "GB002")].share.flags == ("不认同占 50%，超过 33.3%",)
    assert not rows[("selection", "DW01")].flagged  # no threshold set for the selection work yet
    actions.review_setting_update(
        actor=cast["organiser"],
        cycle=cycle,
        selection_good_min="60%",
        promoted_agree_min="",
        promoted_disagree_max="1/2",
    )
    rows = by_kind(selectors.rows(cast["organiser"], cycle))
    assert rows[("selection", "DW01")].share.flags == ("好和较好占 30%，低于 60%",)
    assert not rows[("promoted", "GB002")].flagged  # exactly 1/2 is not above 1/2
    assert selectors.rows(cast["organiser"], cycle)[0].waiting  # the flagged and unhandled first


def test_fewer_than_k_answers_show_no_share_and_no_flag(cast, cycle, roster, settings):
    settings.MIN_GROUP_SIZE = 3
    sitting(cast, cycle, roster, selection={"差": 2}, promoted={"不认同": 2, "不了解": 5})
    rows = by_kind(selectors.rows(cast["organiser"], cycle))
    for row in rows.values():
        assert not row.share.shown and row.share.flags == ()
        assert row.share.text == "有效评价不足 3 份，不显示"


def test_open_sessions_and_rehearsals_do_not_count(cast, cycle, roster):
    sitting(cast, cycle, roster, selection={"差": 9}, promoted={"不认同": 9}, close=False, name="进行中")
    sitting(cast, cycle, roster, selection={"差": 9}, promoted={"不认同": 9}, rehearsal=True, name="演练")
    assert selectors.rows(cast["organiser"], cycle) == []


def test_two_sittings_add_up(cast, cycle, roster):
    sitting(cast, cycle, roster, selection={"好": 2}, promoted={"不认同": 2}, name="第一场")
    sitting(cast, cycle, roster, selection={"一般": 2}, promoted={"认同": 2}, name="第二场")
    rows = by_kind(selectors.rows(cast["organiser"], cycle))
    assert rows[("selection", "DW01")].share.text == "好和较好 2/4（50%）"
    assert rows[("promoted", "GB002")].share.disagree == 2


def test_an_outcome_is_recorded_for_a_flag_and_audited(cast, cycle, roster):
    sitting(cast, cycle, roster, selection={"好": 9}, promoted={"认同": 2, "不认同": 6})
    cadre = roster["cadres"]["a2"]
    assert selectors.waiting_count(cast["organiser"], cycle) == 1
    record = actions.review_outcome_record(
        actor=cast["organiser"],
        cycle=cycle,
        kind="promoted",
        target_id=cadre.pk,
        outcome="cleared",
        note="经核查，选拔程序符合规定。",
    )
    assert record.figures.startswith("认同和基本认同 2/8（25%）")
    assert record.flags == ["不认同占 75%，超过 33.3%"]
    assert selectors.waiting_count(cast["organiser"], cycle) == 0
    entry = AuditEntry.objects.get(action="review.outcome")
    assert entry.after["outcome"] == "cleared" and entry.after["target"] == "GB002"
    actions.review_outcome_record(
        actor=cast["organiser"],
        cycle=cycle,
        kind="promoted",
        target_id=cadre.pk,
        outcome="explained",
        note="补充说明",
    )
    assert ReviewOutcome.objects.get().outcome == "explained"
    assert (
        AuditEntry.objects.filter(action="review.outcome").order_by("-pk")[0].before["outcome"] == "cleared"
    )


def test_an_outcome_needs_a_flag_a_known_outcome_and_a_note(cast, cycle, roster):
    sitting(cast, cycle, roster, selection={"好": 9}, promoted={"认同": 2, "不认同": 6})
    unit, cadre = roster["units"]["a"], roster["cadres"]["a2"]
    with pytest.raises(ValidationError) as refused:
        actions.review_outcome_record(
            actor=cast["organiser"],
            cycle=cycle,
            kind="promoted",
            target_id=cadre.pk,
            outcome="maybe",
            note=" ",
        )
    assert set(refused.value.message_dict) == {"outcome", "note"}
    with pytest.raises(ValidationError, match="没有需核查的情形"):
        actions.review_outcome_record(
            actor=cast["organiser"],
            cycle=cycle,
            kind="selection",
            target_id=unit.pk,
            outcome="cleared",
            note="x",
        )
    assert not ReviewOutcome.objects.exists()


def test_a_bad_threshold_is_refused_by_field_and_nothing_saved(cast, cycle):
    with pytest.raises(ValidationError) as refused:
        actions.review_setting_update(
            actor=cast["organiser"],
            cycle=cycle,
            selection_good_min="三分之二",
            promoted_agree_min="",
            promoted_disagree_max="4/3",
        )
    assert set(refused.value.message_dict) == {"selection_good_min", "promoted_disagree_max"}
    assert (
        "选人用人工作好和较好比例低于：「三分之二」不是比例"
        in refused.value.message_dict["selection_good_min"][0]
    )
    assert selectors.setting(cycle).pk is None


def test_thresholds_are_fixed_with_the_plan(cast, cycle):
    cycle.phase = Phase.EVALUATION
    cycle.save()
    with pytest.raises(ValidationError, match="考核方案已锁定"):
        actions.review_setting_update(actor=cast["organiser"], cycle=cycle, promoted_disagree_max="1/4")


def test_scope_the_assessor_sees_its_groups_unit_only(cast, cycle, roster):
    sitting(cast, cycle, roster, selection={"好": 4}, promoted={"认同": 4}, name="A")
    sitting(cast, cycle, roster, selection={"好": 4}, promoted={"认同": 4}, unit="b", cadre="b1", name="B")
    assert set(by_kind(selectors.rows(cast["organiser"], cycle))) == {
        ("selection", "DW01"),
        ("promoted", "GB002"),
        ("selection", "DW02"),
        ("promoted", "GB003"),
    }
    assert set(by_kind(selectors.rows(cast["committee"], cycle))) == set(
        by_kind(selectors.rows(cast["organiser"], cycle))
    )
    assert set(by_kind(selectors.rows(cast["assessor"], cycle))) == {
        ("selection", "DW01"),
        ("promoted", "GB002"),
    }
    assert selectors.rows(cast["liaison"], cycle) == []


def test_pages_list_and_record(cast, cycle, roster, client_for):
    sitting(cast, cycle, roster, selection={"好": 9}, promoted={"认同": 2, "不认同": 6})
    page = client_for("committee").get(reverse("reviews:list", args=[2025])).content.decode()
    assert "需核查" in page and "记录处理结果" not in page
    url = reverse("reviews:outcome", args=[2025, "promoted", roster["cadres"]["a2"].pk])
    assert client_for("committee").post(url, {"outcome": "cleared", "note": "x"}).status_code == 403
    response = client_for("organiser").post(url, {"outcome": "corrected", "note": "已责成重新履行程序"})
    assert response.status_code == 302
    assert ReviewOutcome.objects.get().outcome == "corrected"
    page = client_for("organiser").get(reverse("reviews:list", args=[2025])).content.decode()
    assert "已纠正整改" in page


def test_the_api_answers_shares_and_records_outcomes(cast, cycle, roster, client_for):
    sitting(
        cast,
        cycle,
        roster,
        selection={"好": 1, "较好": 1, "一般": 1},
        promoted={"认同": 1, "不认同": 2, "不了解": 3},
    )
    client = client_for("organiser")
    body = client.get("/api/reviews/2025").json()
    rows = {(r["kind"], r["code"]): r for r in body["rows"]}
    assert rows[("selection", "DW01")]["share"] == "2/3"
    assert rows[("promoted", "GB002")]["n"] == 3 and rows[("promoted", "GB002")]["flags"]
    refused = client.post(
        "/api/reviews/2025/outcomes",
        {"kind": "promoted", "code": "GB002", "outcome": "cleared", "note": ""},
        content_type="application/json",
    )
    assert refused.status_code == 422 and "note" in refused.json()["errors"]
    done = client.post(
        "/api/reviews/2025/outcomes",
        {"kind": "promoted", "code": "GB002", "outcome": "cleared", "note": "已核查"},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["outcome"]["outcome_label"] == "经核查无问题"
    bad = client.put(
        "/api/reviews/2025/setting", {"promoted_disagree_max": "2"}, content_type="application/json"
    )
    assert bad.status_code == 422 and "promoted_disagree_max" in bad.json()["errors"]
    cycle.phase = Phase.COMPLETED
    cycle.save()
    closed = client.put(
        "/api/reviews/2025/setting", {"promoted_disagree_max": "1/4"}, content_type="application/json"
    )
    assert closed.status_code == 409 and "考核方案已锁定" in closed.json()["detail"]


def test_the_organisers_home_lists_flags_waiting(cast, cycle, roster):
    from kaohe.reviews.todo import home_items

    sitting(cast, cycle, roster, selection={"好": 9}, promoted={"认同": 2, "不认同": 6})
    [item] = home_items(cast["organiser"])
    assert item.count == 1
    assert home_items(cast["committee"]) == []


# --- 专项评议 ---------------------------------------------------------------------------------------------------


def special_sitting(
    cast, cycle, roster, answers: dict[str, int], unit="a", form="服务质量评议表", close=True
):
    """A paper 服务质量评议 of a unit by 两代表一委员 and service users: rater groups outside the plan's weights."""
    template_obj, unit_obj = template(form), roster["units"][unit]
    spec = ballot_actions.SessionSpec(
        name=f"{form}{unit}",
        targets=[ballot_actions.TargetSpec(template_obj, unit=unit_obj)],
        groups=[("两代表一委员", 10), ("服务对象", 30)],
        kind="paper",
    )
    session = ballot_actions.session_create(actor=cast["organiser"], cycle=cycle, spec=spec)
    ballot_actions.session_open(actor=cast["organiser"], session=session)
    item = template_obj.items[0]["name"]
    picks = [c for c, n in answers.items() for _ in range(n)]
    ballots_store(
        session.pk,
        [
            OpenBallot(
                number=f"S{i}",
                rater_group="服务对象",
                marks=(),
                answers=[(unit_obj.pk, None, template_obj.pk, item, c, "")],
            )
            for i, c in enumerate(picks)
        ],
    )
    if close:
        ballot_actions.session_close(actor=cast["organiser"], session=session)
    return session


def test_rater_groups_outside_the_plan_only_for_a_special_evaluation(cast, cycle, roster):
    spec = ballot_actions.SessionSpec(
        name="混合",
        targets=[
            ballot_actions.TargetSpec(template("服务质量评议表"), unit=roster["units"]["a"]),
            ballot_actions.TargetSpec(template("领导班子测评票"), unit=roster["units"]["a"]),
        ],
        groups=[("服务对象", 30)],
    )
    with pytest.raises(ValidationError, match="评价人类别「服务对象」不在"):
        ballot_actions.session_create(actor=cast["organiser"], cycle=cycle, spec=spec)
    assert special_sitting(cast, cycle, roster, {"满意": 3}).rater_groups.count() == 2


def test_a_special_evaluation_feeds_the_units_public_survey(cast, cycle, roster):
    special_sitting(cast, cycle, roster, {"满意": 20, "较满意": 7, "一般": 2, "不满意": 1})
    special_sitting(cast, cycle, roster, {"好": 1}, unit="b", form="重点项目评议表")
    rows = {(r.template, r.code): r for r in selectors.special_rows(cast["organiser"], cycle)}
    row = rows[("服务质量评议表", "DW01")]
    assert row.result.text == "满意和较满意 27/30（90%），折合 90.00 分"
    assert not rows[("重点项目评议表", "DW02")].result.shown  # one answer: nothing shown
    assessed = actions.special_result_apply(
        actor=cast["organiser"], cycle=cycle, template_id=row.template_id, unit_id=row.unit_id
    )
    assessed.refresh_from_db()
    assert str(assessed.public_survey) == "90.0000"
    assert selectors.special_rows(cast["organiser"], cycle)[0].applied
    entry = AuditEntry.objects.get(action="review.special_apply")
    assert entry.before == {"public_survey": None} and entry.after["template"] == "服务质量评议表"
    small = rows[("重点项目评议表", "DW02")]
    with pytest.raises(ValidationError, match="有效评价不足 3 份"):
        actions.special_result_apply(
            actor=cast["organiser"], cycle=cycle, template_id=small.template_id, unit_id=small.unit_id
        )


def test_special_results_through_the_api_and_the_scope(cast, cycle, roster, client_for):
    special_sitting(cast, cycle, roster, {"满意": 3, "不满意": 1}, unit="b")
    assert selectors.special_rows(cast["assessor"], cycle) == []  # unit B is not the group's
    client = client_for("organiser")
    [row] = client.get("/api/reviews/2025/special").json()
    assert row["unit"] == "DW02" and row["score"] == "75.00" and row["share"] == "3/4"
    done = client.post(
        "/api/reviews/2025/special/apply",
        {"template": row["template_id"], "unit": "DW02"},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["applied"] is True
    assert AssessedUnit.objects.get(cycle=cycle, unit=roster["units"]["b"]).public_survey == 75
    page = client.get(reverse("reviews:list", args=[2025])).content.decode()
    assert "满意和较满意 3/4（75%），折合 75.00 分" in page and "（已计入）" in page

"""The committee's decisions, quota approvals, 公示, finalisation and its refusals, voids and re-runs."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from kaohe.accounts.actors import SystemActor
from kaohe.audit.models import AuditEntry
from kaohe.plans.models import AssessmentCycle, CalendarDay, Phase
from kaohe.results import actions, selectors
from kaohe.results.models import Decision, DecisionStatus, FinalResult, PublicNotice, Result, VoidScope
from kaohe.results.tests.conftest import import_world, world_input

MONDAY = datetime.date(2026, 1, 5)


def result(run, code, kind="cadre"):
    return Result.objects.get(run=run, kind=kind, code=code)


def resolve_ties(cast, cycle, run, winner="GB001", loser="GB002"):
    actions.decision_record(
        actor=cast["committee"],
        cycle=cycle,
        run=run,
        result=result(run, winner),
        decision="resolve",
        grade="优秀",
        reason="",
    )
    actions.decision_record(
        actor=cast["committee"],
        cycle=cycle,
        run=run,
        result=result(run, loser),
        decision="resolve",
        grade="称职",
        reason="",
    )


def publish(cast, cycle, run, starts_on=MONDAY, days=5):
    return actions.notice_publish(
        actor=cast["organiser"], cycle=cycle, run=run, starts_on=starts_on, working_days=days
    )


def finalise(cast, cycle, run, today=datetime.date(2026, 1, 12)):
    return actions.results_seal(actor=cast["organiser"], cycle=cycle, run=run, today=today)


def refusal(call):
    with pytest.raises(ValidationError) as caught:
        call()
    return " ".join(caught.value.messages)


def test_a_tie_on_the_quota_line_is_pending(world):
    run = actions.compute_run_create(actor=SystemActor("测试"), cycle=world)
    assert result(run, "GB001").grade == result(run, "GB002").grade == "待定"
    assert result(run, "DW01", "team").grade == "优秀"


def test_publishing_and_finalising_are_refused_while_a_tie_remains(world, cast):
    run = actions.compute_run_create(actor=SystemActor("测试"), cycle=world)
    message = refusal(lambda: publish(cast, world, run))
    assert "名额池「全部」（干部）仍有待定 2 个：张思佳、李明" in message
    message = refusal(lambda: finalise(cast, world, run))
    assert "仍有待定 2 个" in message


def test_resolving_a_tie_offers_only_excellent_or_the_default_grade(world, cast):
    run = actions.compute_run_create(actor=SystemActor("测试"), cycle=world)
    message = refusal(
        lambda: actions.decision_record(
            actor=cast["committee"],
            cycle=world,
            run=run,
            result=result(run, "GB001"),
            decision="resolve",
            grade="基本称职",
            reason="",
        )
    )
    assert "「基本称职」不是「张思佳」可选的等次（优秀、称职）" in message
    message = refusal(
        lambda: actions.decision_record(
            actor=cast["committee"],
            cycle=world,
            run=run,
            result=result(run, "GB003"),
            decision="resolve",
            grade="优秀",
            reason="",
        )
    )
    assert "「王建国」不是待定（计算等次：称职）" in message


def test_an_override_needs_a_reason(world, cast):
    run = actions.compute_run_create(actor=SystemActor("测试"), cycle=world)
    message = refusal(
        lambda: actions.decision_record(
            actor=cast["committee"],
            cycle=world,
            run=run,
            result=result(run, "GB005"),
            decision="override",
            grade="基本称职",
            reason="  ",
        )
    )
    assert "调整「钱伟」的等次必须填写理由" in message
    assert not Decision.objects.exists()


def test_an_override_is_kept_through_later_runs_and_shown_as_manual(world, cast):
    run = actions.compute_run_create(actor=SystemActor("测试"), cycle=world)
    actions.decision_record(
        actor=cast["committee"],
        cycle=world,
        run=run,
        result=result(run, "GB005"),
        decision="override",
        grade="基本称职",
        reason="年内受到通报批评",
    )
    later = actions.compute_run_create(actor=SystemActor("测试"), cycle=world)
    [decided] = selectors.decided_results(world, [result(later, "GB005")], set())
    assert decided.grade == "基本称职" and decided.manual
    assert decided.decision.reason == "年内受到通报批评"
    assert selectors.decision_label(decided.decision) == "人工调整"


def test_a_decision_is_invalidated_with_a_notice_when_the_tie_is_gone(world, cast):
    run = actions.compute_run_create(actor=SystemActor("测试"), cycle=world)
    resolve_ties(cast, world, run)
    AssessmentCycle.objects.filter(pk=world.pk).update(phase=Phase.IMPLEMENTATION)
    import_world(world_input(regular={"GB001": 96, "GB002": 95, "GB003": 90, "GB004": 85, "GB005": 80}))
    later = actions.compute_run_create(actor=SystemActor("测试"), cycle=world)
    assert result(later, "GB001").grade == "优秀"
    decision = Decision.objects.get(code="GB002", status=DecisionStatus.INVALIDATED)
    assert decision.notice == "第2次计算中「李明」已不是待定（计算等次：称职），决定失效"
    audit = AuditEntry.objects.filter(action="result.compute").first()
    assert audit.after["invalidated"]


def test_a_decision_is_invalidated_when_the_target_is_gone_or_changed_pool(world, cast):
    from kaohe.rules.model import CadrePool

    run = actions.compute_run_create(actor=SystemActor("测试"), cycle=world)
    actions.decision_record(
        actor=cast["committee"],
        cycle=world,
        run=run,
        result=result(run, "GB005"),
        decision="override",
        grade="基本称职",
        reason="理由",
    )
    AssessmentCycle.objects.filter(pk=world.pk).update(phase=Phase.IMPLEMENTATION)
    data = world_input()
    import_world(
        data.__class__(
            **{
                **data.__dict__,
                "settings": data.settings.__class__(
                    **{**data.settings.__dict__, "cadre_pool": CadrePool.UNIT}
                ),
            }
        )
    )
    actions.compute_run_create(actor=SystemActor("测试"), cycle=world)
    decision = Decision.objects.get(code="GB005")
    assert decision.status == DecisionStatus.INVALIDATED
    assert "名额池由「全部」变为「DW03」" in decision.notice


def test_excellent_above_the_quota_needs_a_recorded_approval(world, cast):
    run = actions.compute_run_create(actor=SystemActor("测试"), cycle=world)
    resolve_ties(cast, world, run, winner="GB001", loser="GB002")
    actions.decision_record(
        actor=cast["committee"],
        cycle=world,
        run=run,
        result=result(run, "GB002"),
        decision="resolve",
        grade="优秀",
        reason="",
    )
    message = refusal(lambda: publish(cast, world, run))
    assert (
        "名额池「全部」（干部）优秀 2 个，超过优秀名额 1 个（理论名额 1.00），未经领导小组批准超额" in message
    )
    message = refusal(
        lambda: actions.quota_approve(
            actor=cast["committee"], cycle=world, run=run, kind="cadre", pool="全部", reason=""
        )
    )
    assert "必须填写理由" in message
    actions.quota_approve(
        actor=cast["committee"],
        cycle=world,
        run=run,
        kind="cadre",
        pool="全部",
        reason="两人并列且均表现突出",
    )
    publish(cast, world, run)


def test_an_approval_is_refused_where_the_pool_is_within_its_quota(world, cast):
    run = actions.compute_run_create(actor=SystemActor("测试"), cycle=world)
    message = refusal(
        lambda: actions.quota_approve(
            actor=cast["committee"], cycle=world, run=run, kind="team", pool="全部", reason="x"
        )
    )
    assert "未超过优秀名额 1 个，无需批准" in message


def test_finalising_waits_for_the_notice_period_and_handled_objections(world, cast):
    run = actions.compute_run_create(actor=SystemActor("测试"), cycle=world)
    resolve_ties(cast, world, run)
    message = refusal(lambda: finalise(cast, world, run))
    assert "第1次计算的拟定优秀名单尚未公示" in message
    notice = publish(cast, world, run, starts_on=MONDAY, days=5)
    assert notice.ends_on == datetime.date(2026, 1, 9)  # Monday to Friday
    assert [e["code"] for e in notice.excellent] == ["DW01", "GB001"]
    world.refresh_from_db()
    assert world.phase == Phase.PUBLIC_NOTICE
    message = refusal(lambda: finalise(cast, world, run, today=datetime.date(2026, 1, 9)))
    assert "公示期至 2026-01-09 结束，尚未期满（5 个工作日），2026-01-09 之后才能定档" in message
    objection = actions.objection_record(
        actor=cast["organiser"],
        notice=notice,
        received_on=MONDAY,
        raised_by="",
        subject="张思佳",
        content="反映其考勤问题",
    )
    message = refusal(lambda: finalise(cast, world, run))
    assert "还有 1 条尚未处理" in message
    actions.objection_handle(actor=cast["organiser"], objection=objection, handling="经核实，反映不属实")
    seal = finalise(cast, world, run)
    world.refresh_from_db()
    assert world.phase == Phase.COMPLETED
    final = FinalResult.objects.get(seal=seal, code="GB001")
    assert final.grade == "优秀" and final.computed_grade == "待定" and final.manual
    entry = AuditEntry.objects.get(action="result.seal")
    assert entry.after["hash"] == seal.hash


def test_working_days_skip_the_weekend(db):
    friday = datetime.date(2026, 1, 9)
    assert actions.add_working_days(friday, 5) == datetime.date(2026, 1, 15)
    assert actions.add_working_days(datetime.date(2026, 1, 10), 1) == datetime.date(2026, 1, 12)


def test_a_notice_may_not_start_before_its_run(world, cast):
    # The run was computed on 2026-01-02 (conftest.RUN_AT): a 公示 from 2025-12-16 would end before it.
    run = actions.compute_run_create(actor=SystemActor("测试"), cycle=world)
    resolve_ties(cast, world, run)
    message = refusal(lambda: publish(cast, world, run, starts_on=datetime.date(2025, 12, 16)))
    assert "公示开始日期 2025-12-16 早于第1次计算的日期 2026-01-02" in message
    assert not PublicNotice.objects.exists()
    assert publish(cast, world, run, starts_on=datetime.date(2026, 1, 2)).ends_on == datetime.date(2026, 1, 8)


def test_the_notice_period_follows_the_working_day_calendar(world, cast):
    # 2026-02-16..20 春节 off, Saturday 2026-02-14 a 调休 working day.
    for day in (16, 17, 18, 19, 20):
        CalendarDay.objects.create(day=datetime.date(2026, 2, day), working=False, note="春节")
    CalendarDay.objects.create(day=datetime.date(2026, 2, 14), working=True, note="春节调休")
    run = actions.compute_run_create(actor=SystemActor("测试"), cycle=world)
    resolve_ties(cast, world, run)
    notice = publish(cast, world, run, starts_on=datetime.date(2026, 2, 12), days=5)
    # Thu 12, Fri 13, Sat 14 (调休), then Mon 23, Tue 24.
    assert notice.ends_on == datetime.date(2026, 2, 24)
    message = refusal(lambda: finalise(cast, world, run, today=datetime.date(2026, 2, 24)))
    assert "公示期至 2026-02-24 结束，尚未期满（5 个工作日），2026-02-24 之后才能定档" in message
    assert finalise(cast, world, run, today=datetime.date(2026, 2, 25)).hash


def test_a_holiday_recorded_after_publishing_lengthens_the_period_before_sealing(world, cast):
    run = actions.compute_run_create(actor=SystemActor("测试"), cycle=world)
    resolve_ties(cast, world, run)
    notice = publish(cast, world, run, starts_on=MONDAY, days=5)
    assert notice.ends_on == datetime.date(2026, 1, 9)
    CalendarDay.objects.create(day=datetime.date(2026, 1, 7), working=False, note="临时放假")
    message = refusal(lambda: finalise(cast, world, run, today=datetime.date(2026, 1, 12)))
    assert "公示期至 2026-01-12 结束" in message
    assert finalise(cast, world, run, today=datetime.date(2026, 1, 13)).hash


def test_a_changed_decision_after_publishing_needs_a_new_notice(world, cast):
    run = actions.compute_run_create(actor=SystemActor("测试"), cycle=world)
    resolve_ties(cast, world, run)
    publish(cast, world, run)
    resolve_ties(cast, world, run, winner="GB002", loser="GB001")
    message = refusal(lambda: finalise(cast, world, run))
    assert "公示后拟定优秀名单有变化" in message


def test_a_finalised_cycle_refuses_computing_and_deciding(world, cast):
    run = actions.compute_run_create(actor=SystemActor("测试"), cycle=world)
    resolve_ties(cast, world, run)
    publish(cast, world, run)
    finalise(cast, world, run)
    assert "已定档封存" in refusal(lambda: actions.compute_run_create(actor=SystemActor("测试"), cycle=world))
    assert "已定档封存" in refusal(lambda: resolve_ties(cast, world, run))
    assert "已定档封存" in refusal(lambda: finalise(cast, world, run))


def test_a_stale_page_cannot_decide_on_an_old_run(world, cast):
    old = actions.compute_run_create(actor=SystemActor("测试"), cycle=world)
    actions.compute_run_create(actor=SystemActor("测试"), cycle=world)
    message = refusal(lambda: resolve_ties(cast, world, old))
    assert "已重新计算（现为第2次）" in message


def test_publishing_is_refused_before_evaluation(world, cast):
    run = actions.compute_run_create(actor=SystemActor("测试"), cycle=world)
    resolve_ties(cast, world, run)
    AssessmentCycle.objects.filter(pk=world.pk).update(phase=Phase.IMPLEMENTATION)
    assert "尚未进入评定阶段" in refusal(lambda: publish(cast, world, run))


def test_voiding_a_cadre_keeps_the_old_result_and_asks_for_a_new_run(world, cast, roster):
    run = actions.compute_run_create(actor=SystemActor("测试"), cycle=world)
    resolve_ties(cast, world, run)
    publish(cast, world, run)
    seal = finalise(cast, world, run)
    cadre = roster["cadres"]["c2"]
    assert "必须填写原因" in refusal(
        lambda: actions.result_void(
            actor=cast["organiser"], cycle=world, run=run, scope=VoidScope.CADRE, cadre=cadre, reason=""
        )
    )
    void = actions.result_void(
        actor=cast["organiser"],
        cycle=world,
        run=run,
        scope=VoidScope.CADRE,
        cadre=cadre,
        reason="考核结果失实：平时考核分录错",
    )
    assert void.seal == seal and void.codes == [["cadre", "GB005"]]
    state = selectors.results_state(world)
    assert not state.finalised and ("cadre", "GB005") in state.voided
    assert "已宣布无效，待重新考核" in refusal(
        lambda: actions.result_void(
            actor=cast["organiser"], cycle=world, run=run, scope=VoidScope.CADRE, cadre=cadre, reason="再次"
        )
    )
    assert "钱伟的考核结果已宣布无效，须重新计算后才能公示或定档" in refusal(
        lambda: finalise(cast, world, run)
    )
    # The old results stay, the new run follows; decisions carry over.
    assert FinalResult.objects.filter(seal=seal).count() == 8
    later = actions.compute_run_create(actor=SystemActor("测试"), cycle=world, note="重新考核")
    state = selectors.results_state(world)
    assert state.run == later and not state.voided and not state.finalised
    assert selectors.voided_in(run) == {("cadre", "GB005")}
    publish(cast, world, later, starts_on=datetime.date(2026, 1, 12))
    second = finalise(cast, world, later, today=datetime.date(2026, 1, 19))
    assert second.hash != "" and FinalResult.objects.filter(seal=second, code="GB001", grade="优秀").exists()


def test_voiding_a_unit_covers_its_team_and_its_cadres(world, cast, roster):
    run = actions.compute_run_create(actor=SystemActor("测试"), cycle=world)
    void = actions.result_void(
        actor=cast["organiser"],
        cycle=world,
        run=run,
        scope=VoidScope.UNIT,
        unit=roster["units"]["a"],
        reason="失实",
    )
    assert sorted(map(tuple, void.codes)) == [("cadre", "GB001"), ("cadre", "GB002"), ("team", "DW01")]
    assert "已宣布无效" in refusal(lambda: resolve_ties(cast, world, run))


def test_voiding_the_whole_cycle_covers_every_result(world, cast):
    run = actions.compute_run_create(actor=SystemActor("测试"), cycle=world)
    void = actions.result_void(
        actor=cast["organiser"], cycle=world, run=run, scope=VoidScope.CYCLE, reason="数据失实"
    )
    assert len(void.codes) == 8

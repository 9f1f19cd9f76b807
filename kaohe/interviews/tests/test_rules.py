"""The interviews' plain-Python rules: completeness, the summary under k, the outline's templates, checks."""

from datetime import date

from kaohe.interviews.coverage import DEPUTY, LEADER, MIDDLE, SERVICE, STAFF, Person, coverage
from kaohe.interviews.outline import (
    OutlineFacts,
    PriorResult,
    RectificationFact,
    TargetFact,
    VerificationFact,
    draft_outline,
)
from kaohe.interviews.record import CadreEvaluation, InterviewRecord, check
from kaohe.interviews.summary import summarise

COUNTS = {STAFF: 2, SERVICE: 1, DEPUTY: 0}


def people(*specs):
    return [Person(kind, heard=state == "heard", excused=state == "excused") for kind, state in specs]


def test_a_unit_is_complete_when_everyone_is_heard_or_excused():
    listed = people(
        (LEADER, "heard"),
        (LEADER, "excused"),
        (MIDDLE, "heard"),
        (STAFF, "heard"),
        (STAFF, "heard"),
        (SERVICE, "heard"),
    )
    result = coverage(listed, COUNTS)
    assert result.complete and result.missing == 0
    assert (result.heard, result.excused) == (5, 1)


def test_a_leader_neither_heard_nor_excused_is_missing():
    listed = people(
        (LEADER, "heard"), (LEADER, "pending"), (MIDDLE, "heard"), (STAFF, "heard"), (STAFF, "heard")
    )
    result = coverage(listed, {STAFF: 2})
    assert not result.complete
    assert result.of(LEADER).missing == 1 and result.missing == 1


def test_a_unit_with_no_middle_level_head_listed_is_missing_one():
    result = coverage(people((LEADER, "heard")), {})
    assert result.of(MIDDLE).missing == 1 and not result.complete


def test_counted_kinds_need_their_number_and_extra_people_do_not_make_up_for_another_kind():
    listed = people(
        (LEADER, "heard"), (MIDDLE, "heard"), (STAFF, "heard"), (STAFF, "heard"), (STAFF, "heard")
    )
    result = coverage(listed, {STAFF: 2, SERVICE: 1})
    assert result.of(STAFF).missing == 0 and result.of(STAFF).heard == 2
    assert result.of(SERVICE).missing == 1 and result.missing == 1


def test_an_excused_counted_person_counts_but_never_twice():
    listed = people(
        (LEADER, "heard"), (MIDDLE, "heard"), (STAFF, "heard"), (STAFF, "excused"), (STAFF, "excused")
    )
    staff = coverage(listed, {STAFF: 2}).of(STAFF)
    assert (staff.heard, staff.excused, staff.missing) == (1, 1, 0)


def record(grade_a="称职", tags=(), recommended=()):
    return InterviewRecord(
        held_on=date(2025, 12, 1),
        interviewers=["甲", "乙"],
        interviewee_name="某人",
        interviewee_post="科员",
        cadres=[CadreEvaluation(1, "张", {}, grade_a)] if grade_a else [],
        problem_tags=list(tags),
        problems="只在记录里的原话",
        recommended=list(recommended),
    )


def test_summary_shows_nothing_below_k():
    result = summarise([record("优秀", ["服务群众"])] * 2, [(1, "张")], k=3, recommend=True, complete=True)
    assert not result.shown and result.problem_tags == ()
    assert result.cadres[0].grades is None and result.cadres[0].recommended is None
    assert result.interviews == 2


def test_summary_counts_grades_and_headings_from_k_up():
    records = [record("优秀", ["服务群众"], [1]), record("称职", ["服务群众", "团结协作"]), record("优秀")]
    result = summarise(records, [(1, "张")], k=3, recommend=True, complete=True)
    assert result.shown
    assert dict(result.cadres[0].grades) == {"优秀": 2, "称职": 1, "基本称职": 0, "不称职": 0}
    assert result.cadres[0].recommended == 1
    assert result.problem_tags == (("服务群众", 2), ("团结协作", 1))


def test_summary_hides_a_cadre_graded_in_fewer_than_k_interviews_even_when_the_unit_has_k():
    records = [record("优秀"), record(None), record(None)]
    result = summarise(records, [(1, "张")], k=3, recommend=False, complete=True)
    assert result.shown and result.cadres[0].evaluated == 1 and result.cadres[0].grades is None


def test_summary_shows_nothing_before_the_unit_is_complete_so_no_record_is_revealed_by_difference():
    records = [record("优秀", ["服务群众"])] * 5
    result = summarise(records, [(1, "张")], k=3, recommend=True, complete=False)
    assert not result.shown and result.cadres[0].grades is None and result.problem_tags == ()


def test_summary_never_holds_a_typed_word():
    result = summarise([record("优秀")] * 4, [(1, "张")], k=3, recommend=False, complete=True)
    assert "只在记录里的原话" not in repr(result)


def test_outline_uses_each_known_fact_and_skips_missing_rectifications():
    facts = OutlineFacts(
        unit="东城街道",
        interviewee="张思佳",
        post="党工委书记",
        kind=LEADER,
        cadres=["李明"],
        targets=[TargetFact("经济发展", "GDP增长", "6%", "2025-12-31")],
        verifications=[VerificationFact("经济发展", "台账不全，扣1分")],
        prior=[PriorResult("领导班子", 2024, "一般", ("连续两年一般",))],
    )
    text = draft_outline(facts)
    assert "“经济发展”的目标任务“GDP增长”（目标值：6%），时限2025-12-31" in text
    assert "台账不全，扣1分" in text
    assert "领导班子2024年度考核为“一般”，并被标记为连续两年一般" in text
    assert "李明" in text and "整改" not in text


def test_outline_asks_about_each_open_rectification_item_the_own_ones_in_the_second_person():
    facts = OutlineFacts(
        unit="东城街道",
        interviewee="李明",
        post="办事处主任",
        kind=LEADER,
        rectifications=[
            RectificationFact(2024, "基层调研不够深入。"),
            RectificationFact(2024, "重点项目推进偏慢。", own=True),
        ],
    )
    text = draft_outline(facts)
    assert "3. 2024年度考核反馈的整改事项“基层调研不够深入”尚未销号，目前落实得怎样？" in text
    assert "4. 您2024年度考核反馈的整改事项“重点项目推进偏慢”尚未销号" in text


def test_record_check_names_each_problem():
    bad = record("特优")
    bad.interviewers = ["甲", "甲 "]
    bad.held_on = date(2030, 1, 1)
    bad.recommended = [1]
    messages = [str(p) for p in check(bad, cadre_ids={1}, today=date(2025, 12, 5), recommend_allowed=False)]
    assert "谈话人：至少需要 2 名不同的谈话人，现有 1 名。" in messages
    assert "谈话日期：2030-01-01 晚于今天。" in messages
    assert "张的推荐等次：“特优”不是等次（优秀、称职、基本称职、不称职）。" in messages
    assert "推荐：本年度方案未要求在谈话中推荐干部。" in messages


def test_record_check_refuses_a_cadre_of_another_unit():
    messages = [
        str(p) for p in check(record(), cadre_ids={2}, today=date(2025, 12, 5), recommend_allowed=True)
    ]
    assert messages == ["干部评价：“张”不是本单位参加考核的干部。"]


def test_record_round_trips_through_json():
    original = record("优秀", ["服务群众"], [1])
    assert InterviewRecord.from_json(original.to_json()) == original


def test_an_interviewee_does_not_grade_themselves():
    messages = [
        str(p)
        for p in check(
            record(), cadre_ids={1}, today=date(2025, 12, 5), recommend_allowed=False, interviewee_cadre_id=1
        )
    ]
    assert messages == ["干部评价：谈话对象张不评价自己（自评另行进行）。"]

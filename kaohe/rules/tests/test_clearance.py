"""The 党风廉政意见 rule before 公示, without a database."""

from kaohe.rules.clearance import CHECK, CLEAR, KEEP, REFUSE, WITHDRAW, Candidate, Opinion, clearance_problems

A = Candidate("cadre", "GB001", "张思佳")
B = Candidate("team", "DW01", "东城街道")


def test_every_proposed_excellent_needs_a_request_and_an_answer() -> None:
    assert clearance_problems([A, B], {}) == ["拟定优秀 2 个尚未征求党风廉政意见：张思佳、东城街道"]
    problems = clearance_problems([A, B], {("cadre", "GB001"): Opinion(), ("team", "DW01"): Opinion(CLEAR)})
    assert problems == ["纪检监察机关尚未回复党风廉政意见 1 个：张思佳"]


def test_no_reflection_clears_and_other_answers_need_the_committee() -> None:
    assert clearance_problems([A], {("cadre", "GB001"): Opinion(CLEAR)}) == []
    for answer, label in ((CHECK, "有反映需核实"), (REFUSE, "不同意")):
        problems = clearance_problems([A], {("cadre", "GB001"): Opinion(answer)})
        assert problems == [f"党风廉政意见有反映或不同意，领导小组尚未决定：张思佳（{label}）"]
        assert clearance_problems([A], {("cadre", "GB001"): Opinion(answer, KEEP)}) == []


def test_a_decision_not_to_confirm_needs_the_grade_changed_first() -> None:
    problems = clearance_problems([A], {("cadre", "GB001"): Opinion(REFUSE, WITHDRAW)})
    assert problems == ["领导小组已决定不确定为优秀，请先调整其等次：张思佳"]
    # Once a committee decision took them off the proposed list, nothing is left to stop.
    assert clearance_problems([], {("cadre", "GB001"): Opinion(REFUSE, WITHDRAW)}) == []

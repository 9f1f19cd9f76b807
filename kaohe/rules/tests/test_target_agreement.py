"""The steps of a unit's targets agreed up and down, without a database."""

import datetime

import pytest

from kaohe.rules.target_agreement import Line, Status, Step, StepRefused, changes, is_late, take


def test_the_loop_proposed_returned_proposed_agreed_reopened() -> None:
    status = take(Status.DRAFT, Step.PROPOSE)
    assert status == Status.PROPOSED
    assert take(status, Step.CONCUR) == Status.PROPOSED
    status = take(status, Step.RETURN, "目标偏低")
    assert status == Status.RETURNED
    status = take(status, Step.PROPOSE)
    assert take(status, Step.AGREE) == Status.AGREED
    assert take(Status.AGREED, Step.REOPEN, "上级调整了任务") == Status.RETURNED


@pytest.mark.parametrize(
    ("status", "step", "code"),
    [
        (Status.AGREED, Step.PROPOSE, "locked"),
        (Status.AGREED, Step.RETURN, "locked"),
        (Status.AGREED, Step.AGREE, "locked"),
        (Status.PROPOSED, Step.PROPOSE, "proposed"),
        (Status.DRAFT, Step.AGREE, "not_proposed"),
        (Status.DRAFT, Step.CONCUR, "not_proposed"),
        (Status.RETURNED, Step.AGREE, "returned"),
        (Status.PROPOSED, Step.REOPEN, "not_agreed"),
    ],
)
def test_a_step_out_of_order_is_refused_with_its_reason(status: Status, step: Step, code: str) -> None:
    with pytest.raises(StepRefused) as refused:
        take(status, step, "意见")
    assert refused.value.code == code


def test_a_return_or_a_reopening_without_a_comment_is_refused() -> None:
    with pytest.raises(StepRefused, match="退回须填写审核意见"):
        take(Status.PROPOSED, Step.RETURN, "  ")
    with pytest.raises(StepRefused, match="重新开启须说明理由"):
        take(Status.AGREED, Step.REOPEN)


def test_late_is_past_the_date_and_still_waiting_for_the_unit() -> None:
    due, after = datetime.date(2025, 3, 31), datetime.date(2025, 4, 1)
    assert is_late(Status.DRAFT, due, after) and is_late(Status.RETURNED, due, after)
    assert not is_late(Status.DRAFT, due, due)
    assert not is_late(Status.PROPOSED, due, after) and not is_late(Status.AGREED, due, after)
    assert not is_late(Status.DRAFT, None, after)


def test_changes_between_proposals_by_indicator() -> None:
    before = [Line("A01", "GDP 增长", "6%"), Line("A02", "治安")]
    after = [Line("A01", "GDP 增长", "6.5%"), Line("A03", "环境", "", "2025-12-31")]
    found = changes(before, after)
    assert [(c.indicator, c.kind, c.label) for c in found] == [
        ("A01", "changed", "修改"),
        ("A02", "removed", "删除"),
        ("A03", "added", "新增"),
    ]
    assert found[0].before == Line("A01", "GDP 增长", "6%")
    assert found[0].after == Line("A01", "GDP 增长", "6.5%")
    assert changes(before, list(before)) == []

"""Tallies: only after the session ends, by rater group under the k rule; the k rule itself."""

import pytest
from django.core.management import call_command

from kaohe.ballots import actions, selectors
from kaohe.ballots.tests.conftest import field_of, filled
from kaohe.rules.disclosure import group_labels


def test_groups_of_at_least_k_are_shown_and_smaller_ones_merge_into_其他():
    labels = group_labels({"上级": 3, "同级": 4, "下级": 1, "服务对象": 2}, 3)
    assert labels == {"上级": "上级", "同级": "同级", "下级": "其他", "服务对象": "其他"}


def test_其他_too_small_takes_the_smallest_shown_group_with_it():
    labels = group_labels({"上级": 2, "同级": 3, "下级": 5}, 3)
    assert labels == {"上级": "其他", "同级": "其他", "下级": "下级"}


def test_with_fewer_than_k_ballots_in_all_nothing_is_shown():
    assert group_labels({"上级": 1, "下级": 1}, 3) is None
    assert group_labels({}, 3) is None


def test_one_group_alone_below_k_merges_everything():
    assert group_labels({"上级": 1, "下级": 3}, 3) == {"上级": "其他", "下级": "其他"}


@pytest.mark.parametrize(
    "counts",
    [
        {"a": 1, "b": 2, "c": 3, "d": 7},
        {"a": 4, "b": 1},
        {"a": 2, "b": 2, "c": 2},
        {"a": 9, "b": 1, "c": 1, "d": 1},
    ],
)
def test_no_shown_group_and_no_difference_isolates_fewer_than_k(counts):
    k = 3
    labels = group_labels(counts, k)
    shown: dict[str, int] = {}
    for group, label in labels.items():
        shown[label] = shown.get(label, 0) + counts[group]
    assert all(n >= k for n in shown.values())
    assert sum(counts.values()) - sum(n for g, n in shown.items() if g != "其他") in (0, shown.get("其他", 0))


def vote(world, group: str, n: int, **choices):
    for code in world["codes"][group][:n]:
        actions.ballot_submit(code=code, data=filled(world["session"], **choices))


def test_a_running_session_has_no_tally(world):
    vote(world, "下级", 3)
    with pytest.raises(selectors.TallyRefused) as refused:
        selectors.session_tally(world["session"])
    assert "结束后才能查看统计" in str(refused.value)


def test_the_tally_counts_by_group_and_choice_with_small_groups_merged(world):
    session = world["session"]
    vote(world, "下级", 4, 张思佳="优秀")
    vote(world, "上级", 2)
    vote(world, "同级", 1, 李明="优秀")
    session = actions.session_close(
        actor=world["organiser"], session=session, opening_key=world["opening_key"]
    )
    tally = selectors.session_tally(session)
    assert tally.ballots == 7 and tally.groups == {"下级": 4, "其他": 3}
    cadre = next(t for t in tally.targets if t.name == "张思佳")
    assert cadre.groups == {"下级": {"优秀": 4}, "其他": {"称职": 3}}
    assert cadre.total == {"优秀": 4, "称职": 3}
    team = next(t for t in tally.targets if t.kind == "team")
    assert team.items[0]["name"] == "政治思想建设"
    assert team.items[0]["total"] == {"好": 7}
    promoted = next(t for t in tally.targets if t.kind == "promoted")
    assert promoted.choices == () and promoted.items[0]["groups"] == {
        "下级": {"认同": 4},
        "其他": {"认同": 3},
    }


def test_reasons_are_listed_without_their_group(world):
    session = world["session"]
    key = field_of(session, "钱伟", item=0)
    for code in world["codes"]["下级"][:3]:
        data = filled(session)
        data[key], data[f"{key}_r"] = "不认同", "任职时间短"
        actions.ballot_submit(code=code, data=data)
    session = actions.session_close(
        actor=world["organiser"], session=session, opening_key=world["opening_key"]
    )
    promoted = next(t for t in selectors.session_tally(session).targets if t.kind == "promoted")
    assert promoted.items[0]["reasons"] == ["任职时间短"] * 3


def test_fewer_than_k_ballots_show_no_counts(world, settings):
    settings.MIN_GROUP_SIZE = 5
    vote(world, "下级", 4)
    session = actions.session_close(
        actor=world["organiser"], session=world["session"], opening_key=world["opening_key"]
    )
    tally = selectors.session_tally(session)
    assert tally.suppressed and tally.ballots == 4
    assert all(t.groups == {} and t.total == {} for t in tally.targets)


def test_the_tally_command_prints_json(world, capsys):
    import json

    vote(world, "下级", 3)
    actions.session_close(
        actor=world["organiser"], session=world["session"], opening_key=world["opening_key"]
    )
    call_command("session", "tally", str(world["session"].pk), "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["groups"] == {"下级": 3} and data["min_group"] == 3
    cadre = next(t for t in data["targets"] if t["code"] == "GB001")
    assert cadre["groups"] == {"下级": {"称职": 3}}

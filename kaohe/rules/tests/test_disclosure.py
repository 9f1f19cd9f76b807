"""The k rule (rules/disclosure.py): shown groups hold k ballots or more, and 其他 tells nothing that the
democratic score, the shown groups and the weights do not already tell."""

from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from kaohe.rules.disclosure import OTHER, disclose_democratic, disclose_result

WEIGHTS = {"上级": Decimal(30), "同级": Decimal(30), "下级": Decimal(40)}
EXPLANATION = (
    "民主测评得分{score}分，有效票{valid}张，其中{groups}。优秀率10.00%，称职及以上率90.00%。"
    "综合得分88.00分。"
)


def result(groups: dict[str, tuple[str, int]]) -> dict[str, Any]:
    weight = sum((WEIGHTS[g] for g in groups), Decimal(0))
    score = sum((WEIGHTS[g] * Decimal(s) for g, (s, _) in groups.items()), Decimal(0)) / weight
    valid = sum(n for _, n in groups.values())
    text = "、".join(f"{g}{s}分（{n}张，权重{WEIGHTS[g]}）" for g, (s, n) in groups.items())
    return {
        "democratic": {
            "score": f"{score:.2f}",
            "valid": valid,
            "groups": {g: {"score": s, "valid": n} for g, (s, n) in groups.items()},
            "shares": {"优秀率": "0.1000"},
        },
        "explanation": EXPLANATION.format(score=f"{score:.2f}", valid=valid, groups=text),
    }


def test_groups_of_k_or_more_are_shown_as_they_are() -> None:
    r = result({"上级": ("90.00", 3), "同级": ("80.00", 5), "下级": ("70.00", 9)})
    assert disclose_result(r, WEIGHTS, 3) == r


def test_a_small_group_is_merged_with_the_smallest_other_so_neither_can_be_worked_back() -> None:
    r = result({"上级": ("100.00", 2), "同级": ("80.00", 4), "下级": ("70.00", 9)})
    shown = disclose_result(r, WEIGHTS, 3)
    groups = shown["democratic"]["groups"]
    # 上级 alone would be 2 ballots; 同级 alone would let 上级 be worked back from the score and weights.
    assert groups == {
        "下级": {"score": "70.00", "valid": 9},
        OTHER: {"score": "90.00", "valid": 6, "members": ["上级", "同级"]},
    }
    assert "「其他」（上级、同级合并）90.00分（6张，权重60）" in shown["explanation"]
    assert "上级100.00分" not in shown["explanation"] and "（2张" not in shown["explanation"]
    assert "为不让人推知个人的评价" in shown["explanation"]


def test_fewer_than_k_ballots_in_all_shows_the_score_and_count_only() -> None:
    r = result({"上级": ("100.00", 2)})
    shown = disclose_result(r, WEIGHTS, 3)
    assert shown["democratic"] == {"score": "100.00", "valid": 2, "groups": {}, "shares": {}}
    assert shown["explanation"].startswith("民主测评得分100.00分，有效票2张；有效票少于3张")
    assert "优秀率" not in shown["explanation"] and "综合得分88.00分。" in shown["explanation"]


def test_no_democratic_evaluation_is_left_alone() -> None:
    assert disclose_democratic(None, WEIGHTS, 3) is None


@given(
    st.dictionaries(
        st.sampled_from(sorted(WEIGHTS)),
        st.tuples(st.integers(0, 100), st.integers(1, 12)),
        min_size=1,
    ),
    st.integers(1, 6),
)
def test_shown_groups_hold_k_and_imply_nothing_beyond_the_score(
    groups: dict[str, tuple[int, int]], k: int
) -> None:
    r = result({g: (f"{s}.00", n) for g, (s, n) in groups.items()})
    shown = disclose_democratic(r["democratic"], WEIGHTS, k)
    assert shown is not None
    for group in shown["groups"].values():
        assert group["valid"] >= k
    if shown["groups"]:
        # The shown groups, at their weights, give back the democratic score: 其他 is what the score and
        # the other shown groups imply, nothing more.
        weight = {
            name: sum((WEIGHTS[m] for m in g.get("members", [name])), Decimal(0))
            for name, g in shown["groups"].items()
        }
        total = sum((weight[n] * Decimal(g["score"]) for n, g in shown["groups"].items()), Decimal(0))
        mean = total / sum(weight.values(), Decimal(0))
        assert abs(mean - Decimal(r["democratic"]["score"])) <= Decimal("0.01")
        assert sum(g["valid"] for g in shown["groups"].values()) == r["democratic"]["valid"]


def test_item_tallies_in_order_and_under_k_without_figures() -> None:
    from kaohe.rules.disclosure import item_tallies

    counts = {
        "执行民主集中制": {"好": 1, "较好": 1},
        "抓班子带队伍": {"较好": 1, "好": 3, "差": 0, "未知": 1},
    }
    found = item_tallies(
        counts, ["抓班子带队伍", "执行民主集中制", "发挥表率作用"], ["好", "较好", "一般", "差"], 3
    )
    assert [t.item for t in found] == ["抓班子带队伍", "执行民主集中制"]  # 发挥表率作用 was not asked
    first, second = found
    assert first.counts == {"好": 3, "较好": 1, "一般": 0, "差": 0, "未知": 1} and first.total == 5
    assert str(first.top_share) == "60.0" and first.text == "抓班子带队伍：好 60.0%（5 票）"
    assert (second.counts, second.total, second.top_share) == (None, None, None)
    assert second.text == "执行民主集中制：不足最少人数，不显示"

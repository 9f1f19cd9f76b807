"""The 一报告两评议 arithmetic, without a database."""

from fractions import Fraction

import pytest

from kaohe.reviews import shares
from kaohe.reviews.shares import PROMOTED, SELECTION, Thresholds


def test_selection_share_is_good_and_fairly_good_over_every_answer():
    found = shares.share(SELECTION, {"好": 12, "较好": 6, "一般": 8, "差": 4}, Thresholds(), k=3)
    assert (found.n, found.agree, found.value) == (30, 18, Fraction(3, 5))
    assert found.text == "好和较好 18/30（60%）"


def test_promoted_share_leaves_dont_know_out_of_n():
    counts = {"认同": 10, "基本认同": 5, "不认同": 3, "不了解": 12}
    found = shares.share(PROMOTED, counts, Thresholds(promoted_disagree_max=None), k=3)
    assert found.answers == 30
    assert found.n == 18
    assert found.value == Fraction(15, 18)
    assert found.disagree_value == Fraction(3, 18)
    assert "不了解 12 份未计入" in found.text


def test_disagreement_above_one_third_is_flagged_strictly():
    at = shares.share(PROMOTED, {"认同": 20, "不认同": 10}, Thresholds(), k=3)
    above = shares.share(PROMOTED, {"认同": 19, "不认同": 10}, Thresholds(), k=3)
    assert at.flags == ()  # exactly 1/3 is not above it
    assert above.flags == ("不认同占 34.5%，超过 33.3%",)


def test_dont_know_does_not_dilute_disagreement():
    # 10 against of 30 answers would be exactly 1/3; with 5 不了解 out of n it is 10/25 = 40%
    found = shares.share(PROMOTED, {"认同": 15, "不认同": 10, "不了解": 5}, Thresholds(), k=3)
    assert found.flags == ("不认同占 40%，超过 33.3%",)


def test_selection_below_its_minimum_is_flagged():
    limits = Thresholds(selection_good_min=Fraction(2, 3), promoted_disagree_max=None)
    low = shares.share(SELECTION, {"好": 5, "较好": 5, "一般": 6}, limits, k=3)
    high = shares.share(SELECTION, {"好": 10, "较好": 1, "一般": 4}, limits, k=3)
    assert low.flags == ("好和较好占 62.5%，低于 66.7%",)
    assert high.flags == ()


def test_agree_minimum_for_a_promoted_cadre():
    limits = Thresholds(promoted_agree_min=Fraction(7, 10), promoted_disagree_max=None)
    found = shares.share(PROMOTED, {"认同": 6, "基本认同": 0, "不认同": 1, "不了解": 3, "": 0}, limits, k=3)
    # 6 of 7 counted (3 不了解 out): 85.7% is not below 70%
    assert found.flags == ()
    found = shares.share(PROMOTED, {"认同": 3, "基本认同": 1, "不认同": 3}, limits, k=3)
    assert found.flags == ("认同和基本认同占 57.1%，低于 70%",)


def test_fewer_than_k_answers_show_no_share_and_raise_no_flag():
    # everyone of two raters disagrees: a figure or a flag would say what each of them said
    found = shares.share(PROMOTED, {"不认同": 2, "不了解": 9}, Thresholds(), k=3)
    assert not found.shown
    assert found.value is None and found.disagree_value is None
    assert found.flags == ()
    assert found.text == "有效评价不足 3 份，不显示"


def test_k_counts_the_denominator_not_every_answer():
    found = shares.share(PROMOTED, {"认同": 1, "不认同": 1, "不了解": 20}, Thresholds(), k=3)
    assert found.answers == 22 and found.n == 2 and not found.shown


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1/3", Fraction(1, 3)),
        ("60%", Fraction(3, 5)),
        ("0.6", Fraction(3, 5)),
        ("66.7％", Fraction(667, 1000)),
        ("", None),
        (" 2 / 3 ", Fraction(2, 3)),
        ("100%", Fraction(1)),
    ],
)
def test_thresholds_are_read_exactly(text, value):
    assert shares.parse_share(text) == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1/0", "分母为 0"),
        ("三分之一", "不是比例"),
        ("150%", "0 到 1"),
        ("4/3", "0 到 1"),
        ("-0.1", "0 到 1"),
        ("1/3/4", "不是比例"),
    ],
)
def test_a_bad_threshold_is_refused_by_its_text(text, message):
    with pytest.raises(shares.ShareError, match=message):
        shares.parse_share(text)


def test_scored_item_is_the_first_offering_the_forms_own_words():
    items = [
        {"name": "意见", "choices": ["同意", "不同意"]},
        {"name": "总体评价", "choices": ["好", "较好", "一般", "差"]},
    ]
    assert shares.scored_item(SELECTION, items) == "总体评价"
    assert shares.scored_item(PROMOTED, items) is None
    assert shares.scored_item("team", items) is None


def test_builtin_forms_are_scored_on_their_one_item():
    from kaohe.ballots.templates_seed import BUILTIN

    forms = {t["kind"]: t["items"] for t in BUILTIN if t["kind"] in (SELECTION, PROMOTED)}
    assert shares.scored_item(SELECTION, forms[SELECTION]) == "选人用人工作总体评价"
    assert shares.scored_item(PROMOTED, forms[PROMOTED]) == "对选拔任用该干部的看法"


def test_percent_rounds_half_up_to_one_decimal():
    assert shares.percent(Fraction(1, 3)) == "33.3%"
    assert shares.percent(Fraction(2, 3)) == "66.7%"
    assert shares.percent(Fraction(1, 8)) == "12.5%"
    assert shares.percent(Fraction(1, 2)) == "50%"
    assert shares.percent(None) == "—"


def test_the_module_imports_no_django():
    import ast
    from pathlib import Path

    tree = ast.parse(Path(shares.__file__).read_text(encoding="utf-8"))
    names = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    names += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert not [n for n in names if n.startswith(("django", "kaohe"))]


def test_a_special_evaluation_scores_its_first_two_choices_out_of_100():
    found = shares.Special(
        ("满意", "较满意", "一般", "不满意"), {"满意": 20, "较满意": 7, "一般": 2, "不满意": 1}, k=3
    )
    assert (found.n, found.satisfied, found.value) == (30, 27, Fraction(9, 10))
    assert str(found.score) == "90.00"
    assert found.text == "满意和较满意 27/30（90%），折合 90.00 分"
    third = shares.Special(("好", "较好", "一般", "差"), {"好": 1, "差": 2}, k=3)
    assert str(third.score) == "33.33"


def test_a_special_evaluation_from_fewer_than_k_answers_has_no_score():
    found = shares.Special(("满意", "较满意", "一般", "不满意"), {"不满意": 2, "其他": 5}, k=3)
    assert not found.shown and found.score is None  # a choice the form does not offer is not counted


def test_a_special_form_is_scored_on_its_first_item():
    items = [
        {"name": "服务质量总体评价", "choices": ["满意", "较满意"]},
        {"name": "办事效率", "choices": ["满意"]},
    ]
    assert shares.scored_item(shares.SERVICE, items) == "服务质量总体评价"
    assert shares.scored_item(shares.SERVICE, []) is None

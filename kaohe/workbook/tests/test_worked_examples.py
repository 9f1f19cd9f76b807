"""The six worked examples of assessment-rules.md §10, as a workbook through `kaohe assess --json`."""

import io
import json

from django.core.management import call_command

from kaohe.results.management.commands.assess import Command
from kaohe.workbook.tests.books import xlsx

UNIT_HEADER = ["单位编码", "单位名称", "单位类别", "指标考评"]
CADRE_HEADER = ["干部编码", "姓名", "单位编码", "平时考核"]
BALLOT_HEADER = ["票号", "评价人类别", "对象编码", "评价"]


def assess_json(sheets, tmp_path) -> dict:
    path = tmp_path / "考核.xlsx"
    path.write_bytes(xlsx(sheets).getvalue())
    out = io.StringIO()
    call_command(Command(), str(path), "--json", stdout=out)
    return json.loads(out.getvalue())


def marks(prefix, group, target, counts):
    """One ballot per mark, numbered prefix-1, prefix-2 …; ``counts`` maps a choice to how many."""
    choices = [choice for choice, n in counts.items() for _ in range(n)]
    return [[f"{prefix}-{i}", group, target, choice] for i, choice in enumerate(choices, start=1)]


def public_examples(year=2025):
    units = [UNIT_HEADER, ["DW1", "城关镇", "乡镇", 90]]
    # Example 5: ten teams whose composites are their indicator scores (no other component present).
    for i, composite in enumerate([96, 95, 95, 95, 90, 89, 88, 87, 86, 85], start=1):
        units.append([f"BM{i:02d}", f"部门{i}", "部门", composite])
    cadres = [CADRE_HEADER] + [[f"GB{i}", f"干部{i}", "DW1", 80] for i in range(1, 6)]
    ballots = [
        BALLOT_HEADER,
        *marks("E1", "上级", "GB1", {"优秀": 20, "称职": 15, "基本称职": 4, "不称职": 1}),
        *marks("E2S", "上级", "GB2", {"优秀": 1, "称职": 1}),
        *marks("E2T", "同级", "GB2", {"优秀": 1, "称职": 3}),
        *marks("E3A", "下级", "GB3", {"优秀": 10, "称职": 15, "基本称职": 6, "不称职": 9}),
        *marks("E3B", "下级", "GB4", {"称职": 20, "不称职": 10}),
    ]
    return {
        "参数": [["参数", "值"], ["年度", year], ["班子优秀比例", "30%"]],
        "单位": units,
        "干部": cadres,
        "测评票": ballots,
        "处分": [["干部编码", "处分", "年度"], ["GB5", "政务记大过", 2024]],
    }


def by_code(document, code):
    [result] = [r for r in document["results"] if r["code"] == code]
    return result


def test_example_1_forty_ballots_give_a_democratic_score_of_87(tmp_path):
    democratic = by_code(assess_json(public_examples(), tmp_path), "GB1")["democratic"]
    assert (democratic["score"], democratic["valid"]) == ("87.00", 40)


def test_example_2_a_group_without_marks_spreads_its_weight(tmp_path):
    result = by_code(assess_json(public_examples(), tmp_path), "GB2")
    assert result["democratic"]["score"] == "87.50"
    assert result["democratic"]["groups"] == {
        "上级": {"score": "90.00", "valid": 2},
        "同级": {"score": "85.00", "valid": 4},
    }
    assert "下级" in result["explanation"]


def test_example_3_thresholds_flag_admonish_but_exactly_one_third_unfit_is_not_adjust(tmp_path):
    document = assess_json(public_examples(), tmp_path)
    below = by_code(document, "GB3")
    assert below["democratic"]["shares"] == {"优秀": "0.2500", "称职及以上": "0.6250", "不称职": "0.2250"}
    assert "admonish" in below["flags"] and "adjust" not in below["flags"]
    third = by_code(document, "GB4")
    assert third["democratic"]["shares"]["不称职"] == "0.3333"
    assert "adjust" not in third["flags"] and "admonish" not in third["flags"]


def example_4(rounding):
    cadres = [CADRE_HEADER] + [[f"GB{i:02d}", f"干部{i}", "DW4", 99 - i] for i in range(23)]
    return {
        "参数": [["参数", "值"], ["年度", 2025], ["名额取整", rounding]],
        "单位": [UNIT_HEADER, ["DW4", "某局", "部门", 90]],
        "干部": cadres,
    }


def test_example_4_a_pool_of_23_at_20_percent_has_a_quota_of_4_or_5_by_rounding(tmp_path):
    for rounding, quota in (("向下取整", 4), ("四舍五入", 5), ("向上取整", 5)):
        [pool] = [q for q in assess_json(example_4(rounding), tmp_path)["quotas"] if q["kind"] == "cadre"]
        assert (pool["pool"], pool["size"], pool["theoretical"], pool["quota"]) == ("DW4", 23, "4.60", quota)
        assert pool["excellent"] == quota


def test_example_5_three_teams_tied_across_the_quota_line_are_pending(tmp_path):
    document = assess_json(public_examples(), tmp_path)
    teams = [r for r in document["results"] if r["pool"] == "部门"]
    assert [(r["composite"], r["rank"], r["grade"]) for r in teams[:5]] == [
        ("96.00", 1, "优秀"),
        ("95.00", 2, "待定"),
        ("95.00", 2, "待定"),
        ("95.00", 2, "待定"),
        ("90.00", 5, "良好"),
    ]
    assert all("tie" in r["flags"] for r in teams[1:4])
    [quota] = [q for q in document["quotas"] if q["pool"] == "部门"]
    assert (quota["quota"], quota["excellent"], quota["pending"]) == (3, 1, 3)


def test_example_6_a_serious_demerit_leaves_two_years_ungraded(tmp_path):
    for year, graded in ((2024, False), (2025, False), (2026, True)):
        result = by_code(assess_json(public_examples(year), tmp_path), "GB5")
        assert (result["grade"] != "不定等次") is graded, (year, result["grade"])
        assert ("sanction" in result["flags"]) is not graded
        assert (result["rank"] is None) is not graded

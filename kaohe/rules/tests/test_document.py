"""The JSON document of workbook.md: shape, number formats, order, determinism."""

import json
from decimal import Decimal

from kaohe.rules import assessment_document
from kaohe.rules.model import Assessment, Mark, PriorGrade

from .factory import ballots, cadre, run, settings, unit


def _assessment() -> Assessment:
    units = [
        unit("DW02", "部门", name="教育局", indicator_score=Decimal("91.2")),
        unit("DW01", "部门", name="财政局", indicator_score=Decimal(80)),
    ]
    cadres = [
        cadre("GB03", "DW02", name="王五", regular=Decimal(70)),
        cadre("GB01", "DW02", name="张三", post="局长", regular=Decimal(90)),
        cadre("GB02", "DW02", name="李四", probation=True),
    ]
    marks = (
        ballots("GB01", {"优秀": 10, "称职": 15, "基本称职": 6, "不称职": 9}, group="同级")
        + ballots("GB01", {"优秀": 1}, group="上级")
        + [Mark("PX", "上级", "GB03", "优秀"), Mark("PX", "上级", "GB03", "优秀")]
    )
    return run(
        units=units,
        cadres=cadres,
        marks=marks,
        prior_grades=[PriorGrade("GB01", 2024, "优秀")],
        settings_=settings(cadre_excellent_ratio=Decimal("0.5")),
    )


def test_the_document_has_the_shape_of_workbook_md() -> None:
    doc = assessment_document(_assessment())
    assert list(doc) == ["year", "results", "quotas", "invalid_ballots"]
    assert doc["year"] == 2025
    zhang = next(r for r in doc["results"] if r["code"] == "GB01")
    explanation = zhang.pop("explanation")
    assert zhang == {
        "code": "GB01",
        "kind": "cadre",
        "name": "张三",
        "unit": "DW02",
        "pool": "DW02",
        "democratic": {
            "score": "86.50",  # (30·100 + 30·73) / 60
            "valid": 41,
            "groups": {"上级": {"score": "100.00", "valid": 1}, "同级": {"score": "73.00", "valid": 40}},
            "shares": {"优秀": "0.2683", "称职及以上": "0.6341", "不称职": "0.2195"},
        },
        "performance": "91.20",
        "composite": "88.84",  # (40·86.5 + 30·91.2 + 20·90) / 90 = 88.8444…
        "rank": 1,
        "pool_size": 2,
        "grade": "优秀",
        "flags": ["admonish"],
    }
    assert explanation.startswith("张三（GB01，教育局 局长）。民主测评得分86.50分")


def test_quotas_and_invalid_ballots_are_listed() -> None:
    doc = assessment_document(_assessment())
    assert doc["quotas"] == [
        {
            "kind": "team",
            "pool": "部门",
            "size": 2,
            "theoretical": "0.40",
            "quota": 0,
            "excellent": 0,
            "pending": 0,
        },
        {
            "kind": "cadre",
            "pool": "DW02",
            "size": 2,
            "theoretical": "1.00",
            "quota": 1,
            "excellent": 1,
            "pending": 0,
        },
    ]
    assert doc["invalid_ballots"] == [{"ballot": "PX", "reason": "同一对象在一张票上被评价两次以上（GB03）"}]


def test_results_are_ordered_by_kind_pool_rank_and_code() -> None:
    doc = assessment_document(_assessment())
    assert [(r["kind"], r["pool"], r["rank"], r["code"]) for r in doc["results"]] == [
        ("team", "部门", 1, "DW02"),
        ("team", "部门", 2, "DW01"),
        ("cadre", "DW02", 1, "GB01"),
        ("cadre", "DW02", 2, "GB03"),
        ("cadre", "DW02", None, "GB02"),
    ]


def test_nulls_for_missing_democratic_performance_and_rank() -> None:
    doc = assessment_document(_assessment())
    li = next(r for r in doc["results"] if r["code"] == "GB02")
    assert (li["democratic"], li["rank"], li["grade"], li["flags"]) == (None, None, "不定等次", ["probation"])


def test_the_document_is_plain_json_and_deterministic() -> None:
    first = json.dumps(assessment_document(_assessment()), ensure_ascii=False)
    second = json.dumps(assessment_document(_assessment()), ensure_ascii=False)
    assert first == second


def test_displayed_scores_and_shares_round_half_up() -> None:
    # 31 优秀 and 1 不称职: 98.125 and 1/32 = 0.03125, where rounding half to even would give 98.12 / 0.0312.
    a = run(cadres=[cadre("GB01")], marks=ballots("GB01", {"优秀": 31, "不称职": 1}))
    doc = assessment_document(a)
    democratic = doc["results"][1]["democratic"]
    assert democratic["score"] == "98.13"
    assert democratic["shares"]["不称职"] == "0.0313"
    assert doc["results"][1]["composite"] == "98.13"

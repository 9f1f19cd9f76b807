"""Verdicts that hang on a weight: recomputed with the rules engine's own functions."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from kaohe.analytics.model import Check, CycleData, Scope
from kaohe.analytics.report import analyse
from kaohe.analytics.simulate import make_cycle, rules_input
from kaohe.analytics.weights import RunResult, scenarios, standings, weight_sensitivity
from kaohe.rules.engine import assess
from kaohe.rules.model import Assessment, AssessmentInput, Cadre, Mark, RuleSettings, Unit


def _run_results(assessment: Assessment) -> list[RunResult]:
    return [
        RunResult(
            code=r.code,
            name=r.name,
            kind=str(r.kind),
            pool=r.pool,
            pool_label=r.pool,
            composite=r.composite,
            grade=r.grade,
        )
        for r in assessment.results
    ]


def test_the_plan_weights_give_back_every_composite_and_verdict_of_the_engine() -> None:
    data, _ = make_cycle(21, 30)
    inputs = rules_input(data, seed=3)
    assessment = assess(inputs)
    made = standings(inputs, _run_results(assessment))
    assert len(made) == len(assessment.results)
    findings, _, note = weight_sensitivity(made, inputs.settings, Decimal(5))
    assert "不一致" not in note  # every pool's composites recomputed to the cent
    # Some of 30 units' pools hang on a weight; each finding names the moves that change it.
    weight = [f for f in findings if f.scope is Scope.TARGET]
    assert weight and all(f.figures["改变等次的权重变动"] for f in weight)
    assert all(f.action.value == "建议复核权重" for f in findings)


def _boundary_case() -> AssessmentInput:
    """Five cadres of one unit (quota 1): 甲 leads on the ballots, 乙 on 平时考核; they are 0.1 apart."""
    unit = Unit(code="U1", name="某局", category="局")
    cadres = [
        Cadre(code="C1", name="甲", unit="U1", regular=Decimal(80), leader_rating=Decimal(80)),
        Cadre(code="C2", name="乙", unit="U1", regular=Decimal("91.5"), leader_rating=Decimal(80)),
        *(
            Cadre(code=f"C{i}", name=f"丙{i}", unit="U1", regular=Decimal(70), leader_rating=Decimal(70))
            for i in range(3, 6)
        ),
    ]
    marks = []
    for b in range(10):
        marks.append(Mark(f"B{b}", "下级", "C1", "优秀" if b < 9 else "称职"))
        marks.append(Mark(f"B{b}", "下级", "C2", "优秀" if b < 6 else "称职"))
        for i in range(3, 6):
            marks.append(Mark(f"B{b}", "下级", f"C{i}", "称职"))
    return AssessmentInput(settings=RuleSettings(year=2025), units=[unit], cadres=cadres, marks=marks)


def test_a_boundary_case_is_found_with_its_margin_and_the_weights_that_change_it() -> None:
    inputs = _boundary_case()
    assessment = assess(inputs)
    grades = {r.code: r.grade for r in assessment.results}
    assert grades["C1"] == "优秀" and grades["C2"] == "称职"
    findings, bands, _ = weight_sensitivity(
        standings(inputs, _run_results(assessment)), inputs.settings, Decimal(5)
    )
    by_code = {f.subject: f for f in findings if f.scope is Scope.TARGET}
    assert set(by_code) == {"C1", "C2"}
    # 甲 98.2·0.4+80·0.2+80·0.1 …: the engine's composites, and the margin between them.
    composites = {r.code: r.composite for r in assessment.results}
    margin = composites["C1"] - composites["C2"]  # type: ignore[operator]
    assert by_code["C1"].figures["距优秀线"] == f"{margin:+.2f}"
    assert "干部民主测评权重−5" in by_code["C1"].figures["改变等次的权重变动"]
    (band,) = bands
    assert {m[0] for m in band.members} == {"C1", "C2"}


def test_within_one_point_nothing_hangs_on_a_weight() -> None:
    inputs = _boundary_case()
    assessment = assess(inputs)
    findings, _, _ = weight_sensitivity(
        standings(inputs, _run_results(assessment)), inputs.settings, Decimal("0.1")
    )
    assert not findings


def test_scenarios_move_each_weight_both_ways_and_never_below_zero() -> None:
    settings = replace(RuleSettings(year=2025), rater_group_weights={"上级": Decimal(30), "下级": Decimal(0)})
    made = scenarios(settings, Decimal(5))
    labels = [s.label for s in made]
    assert labels[0] == "方案权重"
    assert "上级权重−5" in labels and "上级权重+5" in labels
    assert not any(label.startswith("下级") for label in labels)  # a switched-off group stays off
    assert all(min(s.groups.values()) >= 0 for s in made)


def test_the_report_carries_weight_findings_when_standings_are_given() -> None:
    data, _ = make_cycle(21, 30)
    inputs = rules_input(data, seed=3)
    made = standings(inputs, _run_results(assess(inputs)))
    report = analyse(replace(data, inputs=inputs, standings=made), k=3)
    assert any(f.check is Check.WEIGHT for f in report.findings)
    assert report.bands and all(isinstance(data, CycleData) for data in [replace(data, standings=made)])

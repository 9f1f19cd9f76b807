"""§5: who is graded, and limits on the grade."""

from decimal import Decimal
from typing import Any

import pytest

from kaohe.rules.model import Effect, Sanction, VetoEffect

from .factory import cadre, result, run, settings, unit


def _grade(*sanctions: Sanction, year: int = 2025, **fields: Any) -> tuple[str, list[str], str]:
    # Two cadres in a pool with a generous ratio, so that the top one is 优秀 unless limited.
    a = run(
        cadres=[cadre("GB01", regular=Decimal(95), **fields), cadre("GB02", regular=Decimal(80))],
        sanctions=list(sanctions),
        settings_=settings(year=year, cadre_excellent_ratio=Decimal("0.5")),
    )
    r = result(a, "GB01")
    return r.grade, r.flags, r.explanation


def test_without_limits_the_top_cadre_is_excellent() -> None:
    assert _grade()[0] == "优秀"


def test_probation_is_not_graded() -> None:
    grade, flags, explanation = _grade(probation=True)
    assert (grade, flags) == ("不定等次", ["probation"])
    assert "试用期" in explanation


def test_a_pending_investigation_is_not_graded() -> None:
    grade, flags, _ = _grade(investigation=True)
    assert (grade, flags) == ("不定等次", ["investigation"])


SANCTION_ROWS = [
    ("党内警告", ["no_excellent", None, None]),
    ("政务警告", ["no_excellent", None, None]),
    ("诫勉", ["no_excellent", None, None]),
    ("调整职务", ["no_excellent", None, None]),
    ("党内严重警告", ["ungraded", None, None]),
    ("政务记过", ["ungraded", None, None]),
    ("责令辞职", ["ungraded", None, None]),
    ("免职", ["ungraded", None, None]),
    ("降职", ["ungraded", None, None]),
    ("政务记大过", ["ungraded", "ungraded", None]),
    ("降级", ["ungraded", "ungraded", None]),
    ("撤职", ["ungraded", "ungraded", None]),
    ("撤销党内职务", ["unfit", None, None]),
    ("留党察看(一年)", ["unfit", "ungraded", None]),
    ("留党察看(二年)", ["unfit", "ungraded", "ungraded"]),
    ("开除党籍", ["unfit", "ungraded", "ungraded"]),
]
EXPECTED = {"no_excellent": "称职", "ungraded": "不定等次", "unfit": "不称职", None: "优秀"}


@pytest.mark.parametrize(("name", "effects"), SANCTION_ROWS)
def test_each_sanction_limits_the_grade_in_the_years_of_the_table(
    name: str, effects: list[str | None]
) -> None:
    for offset, effect in enumerate([*effects, None]):
        grade, flags, explanation = _grade(Sanction("GB01", name, 2025 - offset))
        assert grade == EXPECTED[effect], (name, offset)
        assert ("sanction" in flags) is (effect is not None)
        if effect is not None:
            assert name in explanation


def test_a_sanction_taking_effect_after_the_year_has_no_effect() -> None:
    assert _grade(Sanction("GB01", "开除党籍", 2026))[0] == "优秀"


def test_the_heaviest_effect_wins() -> None:
    grade, flags, explanation = _grade(
        Sanction("GB01", "政务警告", 2025), Sanction("GB01", "撤销党内职务", 2025), probation=True
    )
    assert grade == "不称职"
    assert flags == ["sanction", "probation"]
    assert "多种情形并存，按影响最重的处理：不称职" in explanation
    grade, _, _ = _grade(Sanction("GB01", "政务警告", 2025), investigation=True)
    assert grade == "不定等次"


def test_a_forced_unfit_grade_overrides_score_bands() -> None:
    a = run(
        cadres=[cadre("GB01", regular=Decimal(50))],
        sanctions=[Sanction("GB01", "撤销党内职务", 2025)],
        settings_=settings(cadre_basic_line=Decimal(60), cadre_unfit_line=Decimal(40)),
    )
    assert result(a, "GB01").grade == "不称职"


def test_a_forced_unfit_cadre_is_ranked_and_counted_but_is_no_candidate() -> None:
    a = run(
        cadres=[cadre("GB01", regular=Decimal(99)), cadre("GB02", regular=Decimal(80))],
        sanctions=[Sanction("GB01", "撤销党内职务", 2025)],
        settings_=settings(cadre_excellent_ratio=Decimal("0.5")),
    )
    assert (result(a, "GB01").rank, result(a, "GB01").grade) == (1, "不称职")
    assert result(a, "GB02").grade == "优秀"
    (pool,) = [q for q in a.quotas if q.kind == "cadre"]
    assert (pool.size, pool.quota) == (2, 1)


def test_an_own_veto_rules_out_excellent_by_default() -> None:
    grade, flags, explanation = _grade(veto="安全生产事故")
    assert (grade, flags) == ("称职", ["veto"])
    assert "一票否决（安全生产事故），不得评为优秀" in explanation


def test_a_veto_can_force_the_lowest_grade() -> None:
    a = run(
        units=[unit(indicator_score=Decimal(95), veto="信访")],
        cadres=[cadre("GB01", regular=Decimal(95), veto="廉政")],
        settings_=settings(veto_effect=VetoEffect.LOWEST),
    )
    assert result(a, "DW01").grade == "较差"
    assert result(a, "GB01").grade == "不称职"
    assert "leader_review" in result(a, "DW01").flags


def test_a_unit_veto_cascades_to_its_principal_cadres_only() -> None:
    units = [unit(veto="环保督察")]
    cadres = [
        cadre("GB01", regular=Decimal(95), principal=True, name="张书记"),
        cadre("GB02", regular=Decimal(94)),
    ]
    a = run(units=units, cadres=cadres, settings_=settings(cadre_excellent_ratio=Decimal("0.5")))
    principal = result(a, "GB01")
    assert (principal.grade, principal.flags) == ("称职", ["veto"])
    assert "所在单位单位DW01被一票否决（环保督察），作为主要负责人不得评为优秀" in principal.explanation
    assert result(a, "GB02").grade == "优秀"


def test_the_cascade_is_a_setting_and_only_ever_limits_to_no_excellent() -> None:
    cadres = [cadre("GB01", regular=Decimal(95), principal=True), cadre("GB02", regular=Decimal(80))]
    off = run(
        units=[unit(veto="环保")],
        cadres=cadres,
        settings_=settings(veto_cascades_to_principal=False, cadre_excellent_ratio=Decimal("0.5")),
    )
    assert result(off, "GB01").grade == "优秀"
    lowest = run(
        units=[unit(veto="环保")],
        cadres=cadres,
        settings_=settings(veto_effect=VetoEffect.LOWEST, cadre_excellent_ratio=Decimal("0.5")),
    )
    assert result(lowest, "GB01").grade == "称职"


def test_an_ungraded_target_has_no_rank_and_counts_in_no_quota() -> None:
    cadres = [cadre(f"GB0{i}", regular=Decimal(90 - i)) for i in range(5)]
    cadres[0] = cadre("GB00", regular=Decimal(99), probation=True)
    a = run(cadres=cadres, settings_=settings(cadre_excellent_ratio=Decimal("0.25")))
    assert result(a, "GB00").rank is None
    (pool,) = [q for q in a.quotas if q.kind == "cadre"]
    assert (pool.size, pool.theoretical, pool.quota) == (4, Decimal("1.00"), 1)
    assert [r.rank for r in a.results if r.kind == "cadre"] == [1, 2, 3, 4, None]


def test_effect_order_is_unfit_ungraded_no_excellent() -> None:
    from kaohe.rules.eligibility import Cause, heaviest

    causes = [Cause(Effect.NO_EXCELLENT, "veto", ""), Cause(Effect.UNGRADED, "probation", "")]
    assert heaviest(causes) is Effect.UNGRADED
    assert heaviest([]) is None

"""§8: flags from earlier years' grades."""

from decimal import Decimal

from kaohe.rules.model import PriorGrade, Sanction

from .factory import cadre, result, run, settings, unit


def _cadre_flags(prior: list[tuple[int, str]], sanctions: list[Sanction] | None = None) -> list[str]:
    a = run(
        cadres=[cadre("GB01", regular=Decimal(95)), cadre("GB02", regular=Decimal(80))],
        prior_grades=[PriorGrade("GB01", year, grade) for year, grade in prior],
        settings_=settings(cadre_excellent_ratio=Decimal("0.5")),
        sanctions=sanctions or [],
    )
    return result(a, "GB01").flags


def test_three_excellent_years_running_qualify_for_third_class_merit() -> None:
    assert _cadre_flags([(2023, "优秀"), (2024, "优秀")]) == ["third_class_merit"]


def test_a_gap_or_a_missing_year_breaks_the_run() -> None:
    assert _cadre_flags([(2022, "优秀"), (2024, "优秀")]) == []
    assert _cadre_flags([(2023, "称职"), (2024, "优秀")]) == []


def test_two_unfit_years_running_lead_to_dismissal() -> None:
    flags = _cadre_flags([(2024, "不称职")], sanctions=[Sanction("GB01", "撤销党内职务", 2025)])
    assert flags == ["sanction", "dismissal"]


def test_a_team_fair_two_years_running_or_poor_this_year_is_reviewed() -> None:
    units = [unit("DW01", indicator_score=Decimal(65)), unit("DW02", indicator_score=Decimal(95))]
    cadres = [cadre("GB01", principal=True, name="李局长"), cadre("GB02", name="副手")]
    a = run(
        units=units,
        cadres=cadres,
        prior_grades=[PriorGrade("DW01", 2024, "一般")],
        settings_=settings(team_fair_line=Decimal(70)),
    )
    r = result(a, "DW01")
    assert (r.grade, r.flags) == ("一般", ["leader_review"])
    assert "主要负责人（李局长）及分管领导应予调整审查" in r.explanation
    once = run(units=units, settings_=settings(team_fair_line=Decimal(70)))
    assert result(once, "DW01").flags == []
    poor = run(units=units, settings_=settings(team_poor_line=Decimal(70)))
    assert result(poor, "DW01").flags == ["leader_review"]


def test_prior_grades_of_people_no_longer_assessed_are_ignored() -> None:
    a = run(cadres=[cadre("GB01", regular=Decimal(90))], prior_grades=[PriorGrade("GB99", 2024, "优秀")])
    assert result(a, "GB01").flags == []

"""Quarterly grades make the 平时考核 the engine uses; an override with its reason beats them, and says so."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kaohe.audit.models import AuditEntry
from kaohe.plans.models import AssessedCadre
from kaohe.records.actions import quarterly_grade_set, records_rule_update, regular_override_set
from kaohe.records.models import QuarterlyGrade, RegularOverride
from kaohe.records.regular import regular_source
from kaohe.results.inputs import cycle_assessment_input
from kaohe.rules import assess


def regular_of(cycle, code):
    return next(c.regular for c in cycle_assessment_input(cycle).cadres if c.code == code)


def grade(cycle, cast, assessed, quarter, value, reason=""):
    return quarterly_grade_set(
        actor=cast["assessor"], cycle=cycle, assessed=assessed, quarter=quarter, grade=value, reason=reason
    )


@pytest.fixture
def a2(year, roster):
    return AssessedCadre.objects.get(cycle=year, cadre=roster["cadres"]["a2"])


def test_the_quarterly_grades_replace_the_typed_number(year, cast, a2):
    AssessedCadre.objects.filter(pk=a2.pk).update(regular=Decimal(70))
    assert regular_of(year, "GB002") == 70
    for quarter, value in ((1, "好"), (2, "好"), (3, "较好")):
        grade(year, cast, a2, quarter, value)
    grade(year, cast, a2, 4, "一般", "第四季度重点任务推进滞后")
    assert regular_of(year, "GB002") == Decimal("87.5")
    assert regular_of(year, "GB001") is None  # no grade, nothing typed


def test_the_plan_sets_the_scores_of_the_grades(year, cast, a2):
    records_rule_update(actor=cast["organiser"], cycle=year, score_good=Decimal(100), score_poor=Decimal(40))
    grade(year, cast, a2, 1, "好")
    grade(year, cast, a2, 2, "较差", "被通报批评")
    assert regular_of(year, "GB002") == 70


def test_the_derived_score_goes_through_the_engine_into_the_explanation(year, cast, a2):
    grade(year, cast, a2, 1, "好")
    grade(year, cast, a2, 2, "较好")
    result = next(r for r in assess(cycle_assessment_input(year)).results if r.code == "GB002")
    assert "平时考核90" in result.explanation.replace(" ", "")


def test_average_and_poor_need_a_reason_and_nothing_is_saved_without_one(year, cast, a2):
    for value in ("一般", "较差"):
        with pytest.raises(ValidationError, match=f"评为「{value}」须写明理由"):
            grade(year, cast, a2, 1, value, "  ")
    assert not QuarterlyGrade.objects.exists()
    assert not AuditEntry.objects.filter(action="quarterly_grade.set").exists()


def test_regrading_a_quarter_replaces_it_and_is_audited(year, cast, a2):
    grade(year, cast, a2, 1, "好")
    grade(year, cast, a2, 1, "较好")
    assert QuarterlyGrade.objects.get().grade == "较好"
    entry = AuditEntry.objects.filter(action="quarterly_grade.set").order_by("seq").last()
    assert entry.before == {"grade": "好", "reason": ""}


def test_an_override_needs_a_reason_wins_and_shows_as_such(year, cast, a2):
    grade(year, cast, a2, 1, "好")
    with pytest.raises(ValidationError, match="须写明理由"):
        regular_override_set(actor=cast["organiser"], cycle=year, assessed=a2, score=Decimal(80), reason="")
    assert not RegularOverride.objects.exists()
    regular_override_set(
        actor=cast["organiser"], cycle=year, assessed=a2, score=Decimal(80), reason="挂职期间由派出单位评定"
    )
    assert regular_of(year, "GB002") == 80
    note = regular_source(year, a2.cadre_id).note
    assert note == "平时考核 80 为考核办改定（理由：挂职期间由派出单位评定；季度等次折算为 95）。"
    result = next(r for r in assess(cycle_assessment_input(year)).results if r.code == "GB002")
    assert "平时考核80" in result.explanation.replace(" ", "")
    regular_override_set(actor=cast["organiser"], cycle=year, assessed=a2, score=None)
    assert regular_of(year, "GB002") == 95
    assert regular_source(year, a2.cadre_id).note == "平时考核 95 由本年度季度平时考核等次折算。"
    assert list(
        AuditEntry.objects.filter(action__startswith="regular_override")
        .order_by("seq")
        .values_list("action", flat=True)
    ) == [
        "regular_override.set",
        "regular_override.clear",
    ]

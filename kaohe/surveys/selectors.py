"""Reading public surveys: the organiser's lists and results, and the public page's survey by its token.

Results are shown only from k responses on (``min_responses()``: settings.MIN_GROUP_SIZE, the one k of the
app): with fewer, counts per choice could reveal how one known respondent answered, so only the number
received is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils.crypto import salted_hmac

from kaohe.decimals import mean
from kaohe.org.models import UnitCategory
from kaohe.plans.gate import Activity, allows
from kaohe.plans.models import AssessedUnit, AssessmentCycle
from kaohe.surveys.models import PublicSurvey, Satisfaction, SurveyCode, SurveyDevice, SurveyResponse


def min_responses() -> int:
    """k: the fewest responses whose counts and score are shown (settings.MIN_GROUP_SIZE)."""
    return int(settings.MIN_GROUP_SIZE)


CHOICES = (Satisfaction.SATISFIED, Satisfaction.BASIC, Satisfaction.UNSATISFIED)


def _count(model, **filters) -> Coalesce:
    rows = (
        model.objects.filter(survey=OuterRef("pk"), **filters)
        .order_by()
        .values("survey")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def cycle_surveys(cycle: AssessmentCycle) -> QuerySet[PublicSurvey]:
    """The cycle's surveys with their unit, the unit's category that year, and counts of codes and answers."""
    category = AssessedUnit.objects.filter(cycle=cycle, unit=OuterRef("unit")).values("category__name")[:1]
    return (
        PublicSurvey.objects.filter(cycle=cycle)
        .select_related("unit", "cycle")
        .annotate(
            category_name=Subquery(category),
            code_count=_count(SurveyCode),
            used_count=_count(SurveyCode, used=True),
            response_count=_count(SurveyResponse),
        )
        .order_by("unit__code")
    )


def get_survey(cycle: AssessmentCycle, pk: int) -> PublicSurvey:
    return get_object_or_404(cycle_surveys(cycle), pk=pk)


def units_without_survey(cycle: AssessmentCycle) -> QuerySet[AssessedUnit]:
    surveyed = PublicSurvey.objects.filter(cycle=cycle).values("unit_id")
    return (
        AssessedUnit.objects.filter(cycle=cycle)
        .exclude(unit_id__in=surveyed)
        .select_related("unit", "category")
        .order_by("unit__code")
    )


def assessed_categories(cycle: AssessmentCycle) -> QuerySet[UnitCategory]:
    return UnitCategory.objects.filter(
        pk__in=AssessedUnit.objects.filter(cycle=cycle).values("category_id")
    ).order_by("order", "name")


def code_batches(survey: PublicSurvey) -> list[dict]:
    """Each batch of the survey's codes: its number, how many codes, how many used."""
    rows = (
        SurveyCode.objects.filter(survey=survey)
        .order_by("batch")
        .values("batch")
        .annotate(total=Count("pk"), used=Count("pk", filter=Q(used=True)))
    )
    return list(rows)


def survey_codes(survey: PublicSurvey, batch: int | None = None) -> QuerySet[SurveyCode]:
    codes = SurveyCode.objects.filter(survey=survey).order_by("batch", "pk")
    return codes if batch is None else codes.filter(batch=batch)


@dataclass(frozen=True)
class Results:
    total: int
    # Both None below k (min_responses()): small counts are suppressed.
    counts: dict[str, int] | None
    score: Decimal | None

    @property
    def suppressed(self) -> bool:
        return self.counts is None


def survey_results(survey: PublicSurvey) -> Results:
    return results_of([survey])[survey.pk]


def results_of(surveys: list[PublicSurvey]) -> dict[int, Results]:
    """The results of each survey, by id, from one query."""
    found: dict[int, dict[str, int]] = {survey.pk: {} for survey in surveys}
    rows = (
        SurveyResponse.objects.filter(survey_id__in=found)
        .order_by()
        .values_list("survey_id", "choice")
        .annotate(n=Count("pk"))
        .values_list("survey_id", "choice", "n")
    )
    for survey_id, choice, n in rows:
        found[survey_id][choice] = n
    results = {}
    k = min_responses()
    for survey in surveys:
        answered = found[survey.pk]
        total = sum(answered.values())
        if total < k:
            results[survey.pk] = Results(total, None, None)
            continue
        counts = {choice.value: answered.get(choice.value, 0) for choice in CHOICES}
        results[survey.pk] = Results(total, counts, converted_mean(survey, counts))
    return results


def converted_mean(survey: PublicSurvey, counts: dict[str, int]) -> Decimal | None:
    """The mean of the answers converted by the survey's values: what feeds the unit's 公众评议."""
    values = survey_values(survey)
    return mean((values[choice], n) for choice, n in counts.items())


def survey_values(survey: PublicSurvey) -> dict[str, Decimal]:
    return {
        Satisfaction.SATISFIED.value: survey.satisfied_value,
        Satisfaction.BASIC.value: survey.basic_value,
        Satisfaction.UNSATISFIED.value: survey.unsatisfied_value,
    }


def survey_comments(survey: PublicSurvey) -> list[str]:
    """The comments left, once the results are shown at all; in the order of their random ids."""
    rows = SurveyResponse.objects.filter(survey=survey).exclude(comment="").order_by("pk")
    return list(rows.values_list("comment", flat=True))


# --- the public page ---------------------------------------------------------------------------------------


def get_public_survey(token: str) -> PublicSurvey:
    return get_object_or_404(PublicSurvey.objects.select_related("unit", "cycle"), token=token)


def taking_answers(survey: PublicSurvey) -> bool:
    return survey.is_open and allows(survey.cycle, Activity.ANSWERS)


def device_hash(survey: PublicSurvey, cookie: str) -> str:
    """The keyed hash stored for a device: per survey, so one device's answers to two surveys do not link."""
    return salted_hmac("kaohe.surveys.device", f"{survey.pk}:{cookie}", algorithm="sha256").hexdigest()


def device_answered(survey: PublicSurvey, cookie: str | None) -> bool:
    if not cookie:
        return False
    return SurveyDevice.objects.filter(survey=survey, device=device_hash(survey, cookie)).exists()


def code_state(survey: PublicSurvey, code: str) -> str | None:
    """For the page opened from a slip: None when the code can be used, else "invalid" or "used"."""
    used = SurveyCode.objects.filter(survey=survey, code=code).values_list("used", flat=True).first()
    if used is None:
        return "invalid"
    return "used" if used else None

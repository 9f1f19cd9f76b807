"""The surveys' test world, on top of the shared cast.

The 2025 cycle is in 实施 with units A, B (乡镇街道) and C (政府部门) assessed. Unit A has an open survey with
one-time codes (a first batch of five); unit B an open survey by link (one answer per device); C has none.
"""

import pytest

from kaohe.plans.models import AssessedUnit, AssessmentCycle, Phase
from kaohe.surveys import actions
from kaohe.surveys.models import PublicSurvey, SurveyCode, SurveyMode

ROLES = ("organiser", "committee", "assessor", "clerk", "liaison", "leader", "cadre", "outsider")


@pytest.fixture
def world(roster, cast):
    cycle = AssessmentCycle.objects.get(year=2025)
    cycle.phase = Phase.IMPLEMENTATION
    cycle.save()
    units = roster["units"]
    for unit in units.values():
        AssessedUnit.objects.create(cycle=cycle, unit=unit, category=unit.category)
    organiser = cast["organiser"]
    codes_survey = actions.survey_create(actor=organiser, cycle=cycle, unit=units["a"], mode=SurveyMode.CODES)
    actions.survey_codes_generate(actor=organiser, survey=codes_survey, count=5)
    actions.survey_set_open(actor=organiser, survey=codes_survey, is_open=True)
    open_survey = actions.survey_create(actor=organiser, cycle=cycle, unit=units["b"], mode=SurveyMode.OPEN)
    actions.survey_set_open(actor=organiser, survey=open_survey, is_open=True)
    return {
        "cycle": cycle,
        "units": units,
        "cast": cast,
        "codes_survey": PublicSurvey.objects.get(pk=codes_survey.pk),
        "open_survey": PublicSurvey.objects.get(pk=open_survey.pk),
        "codes": list(
            SurveyCode.objects.filter(survey=codes_survey).order_by("pk").values_list("code", flat=True)
        ),
    }


def answer_url(survey, code=None):
    url = f"/s/{survey.token}/"
    return f"{url}?c={code}" if code else url

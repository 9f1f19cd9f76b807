"""`kaohe demo --roster-only` (and the province scale) load the roster without the cycles' data."""

from io import StringIO

from django.core.management import call_command

from kaohe.plans.models import AssessmentCycle
from kaohe.results.models import ComputeRun


def test_roster_only_loads_no_earlier_cycle_and_no_results(db):
    out = StringIO()
    call_command("demo", "--roster-only", stdout=out)
    assert list(AssessmentCycle.objects.values_list("year", "phase")) == [(2025, "preparation")]
    assert not ComputeRun.objects.exists()
    assert "评定阶段" not in out.getvalue()

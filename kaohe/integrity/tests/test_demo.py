"""The demo's 2025 shows the integrity page something: a lenient session, a bloc, a thin sample and a
boundary case, each found by the analysis (which the demo runs once its data is committed)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from kaohe.integrity import actions
from kaohe.integrity.models import Analysis
from kaohe.plans.models import AssessmentCycle

pytestmark = pytest.mark.django_db


def test_the_demo_plants_what_the_analysis_finds(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        call_command("demo", verbosity=0)
    # Only the analysis the demo leaves for after its commit (the sessions' VACUUMs cannot run in a test's
    # transaction on PostgreSQL).
    ours = [c for c in callbacks if "plant_integrity_demo" in c.__qualname__]
    assert len(ours) == 1
    ours[0]()
    analysis = Analysis.objects.get()
    assert analysis.run is not None
    report = analysis.report
    sessions = {(f["check"], f["label"]) for f in report["findings"] if f["scope"] == "session"}
    planted = {label for _, label in sessions if label.endswith("（补充测评）")}
    checks = {check for check, label in sessions if label in planted}
    assert {"leniency", "bloc", "turnout"} <= checks
    weight = [f for f in report["findings"] if f["check"] == "weight" and f["scope"] == "target"]
    assert any(
        f["figures"]["距优秀线"] != "—"  # a 待定 tie has no distance to the line
        and abs(float(f["figures"]["距优秀线"])) <= 0.11
        and "民主测评" in f["figures"]["改变等次的权重变动"]
        for f in weight
    )
    # The same analysis again on the same data finds the same.
    again = actions.cycle_report(AssessmentCycle.objects.get(year=2025))
    assert [f["key"] for f in again["findings"]] == [f["key"] for f in report["findings"]]

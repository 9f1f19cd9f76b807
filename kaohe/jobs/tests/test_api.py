"""GET /api/jobs/{id}: a job as the job page shows it, to who started it and to organisers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kaohe.jobs.actions import job_start
from kaohe.jobs.models import Job, JobKind, JobStatus
from kaohe.plans.models import AssessmentCycle
from kaohe.results.tasks import compute_job

pytestmark = pytest.mark.django_db
ROLES = ["organiser", "committee", "assessor", "clerk", "liaison", "leader", "cadre", "outsider"]
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def queued(settings, cast):
    """A compute of 2025 started by the clerk's account (no worker runs it)."""
    settings.TASKS = DUMMY
    cycle = AssessmentCycle.objects.get(year=2025)
    return job_start(actor=cast["clerk"], kind=JobKind.COMPUTE, task=compute_job, cycle=cycle)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_starter_and_organisers_see_a_job(client_for, queued, role):
    response = client_for(role).get(f"/api/jobs/{queued.pk}")
    assert response.status_code == (200 if role in {"clerk", "organiser"} else 404)


def test_a_queued_job_and_its_end(client_for, queued):
    client = client_for("organiser")
    data = client.get(f"/api/jobs/{queued.pk}").json()
    assert (data["kind"], data["kind_label"], data["state"], data["state_label"], data["cycle"]) == (
        "compute",
        "计算考核结果",
        "queued",
        "排队中",
        2025,
    )
    assert data["finished_at"] is None and data["summary"] is None and data["errors"] == {}
    Job.objects.filter(pk=queued.pk).update(
        status=JobStatus.DONE, outcome={"refused": ["尚无参评单位"]}, finished_at=timezone.now()
    )
    done = client.get(f"/api/jobs/{queued.pk}").json()
    assert done["state"] == "done" and done["errors"] == {"non_field_errors": ["尚无参评单位"]}
    Job.objects.filter(pk=queued.pk).update(outcome={"version": 3})
    assert client.get(f"/api/jobs/{queued.pk}").json()["summary"] == {"version": 3}


def test_a_lost_job_reads_failed(client_for, queued):
    Job.objects.filter(pk=queued.pk).update(created_at=timezone.now() - timedelta(hours=3))
    data = client_for("clerk").get(f"/api/jobs/{queued.pk}").json()
    assert (data["state"], data["failure"]) == ("failed", "stale")


def test_an_unknown_job_is_not_found_and_nobody_signed_in_is_refused(client_for, queued):
    assert client_for("organiser").get(f"/api/jobs/{Job().pk}").status_code == 404
    assert client_for(None).get(f"/api/jobs/{queued.pk}").status_code == 401

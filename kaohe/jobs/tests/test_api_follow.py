"""GET /api/jobs/{id}: a job followed through the API as the job page follows it, seen by the same people."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from kaohe.jobs.models import Job, JobKind, JobStatus
from kaohe.plans.models import AssessmentCycle

ROLES = ["organiser", "committee", "assessor", "clerk", "liaison", "leader", "cadre", "outsider"]


def job_of(user, **fields) -> Job:
    fields.setdefault("kind", JobKind.ROSTER_IMPORT)
    return Job.objects.create(started_by=user, **fields)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_starter_and_organisers_follow_a_job(cast, client_for, role):
    job = job_of(cast["clerk"])
    response = client_for(role).get(f"/api/jobs/{job.pk}")
    assert response.status_code == (200 if role in {"clerk", "organiser"} else 404)
    if response.status_code == 200:
        shown = response.json()
        assert (shown["id"], shown["url"]) == (str(job.pk), f"/api/jobs/{job.pk}")
        assert (shown["state"], shown["state_label"], shown["kind_label"]) == ("queued", "排队中", "导入名册")
        assert (shown["summary"], shown["errors"], shown["problem_total"]) == (None, {}, 0)


def test_anonymous_callers_are_refused_and_unknown_jobs_are_not_found(cast, client_for):
    job = job_of(cast["organiser"])
    assert client_for(None).get(f"/api/jobs/{job.pk}").status_code == 401
    client = client_for("organiser")
    assert client.get(f"/api/jobs/{uuid.uuid4()}").status_code == 404
    response = client.get("/api/jobs/not-a-job")
    assert response.status_code == 422 and "job_id" in response.json()["errors"]


def test_a_finished_compute_gives_its_version_and_a_refused_one_its_messages(cast, client_for):
    cycle = AssessmentCycle.objects.get(year=2025)
    done = job_of(
        cast["organiser"], kind=JobKind.COMPUTE, cycle=cycle, status=JobStatus.DONE, outcome={"version": 3}
    )
    client = client_for("organiser")
    shown = client.get(f"/api/jobs/{done.pk}").json()
    assert (shown["kind"], shown["kind_label"], shown["cycle"]) == ("compute", "计算考核结果", 2025)
    assert shown["summary"] == {"version": 3} and shown["errors"] == {}
    done.delete()
    messages = ["单位「DW01」缺少指标得分：A01 党建", "参数 加分上限：-1 不能为负数"]
    refused = job_of(
        cast["organiser"],
        kind=JobKind.COMPUTE,
        cycle=cycle,
        status=JobStatus.DONE,
        outcome={"refused": messages},
    )
    shown = client.get(f"/api/jobs/{refused.pk}").json()
    assert shown["summary"] is None and shown["errors"] == {"non_field_errors": messages}


def test_a_workbook_refused_names_each_cell_and_how_many_problems_in_all(cast, client_for):
    problem = {
        "sheet": "干部",
        "row": 7,
        "column": "单位编码",
        "value": "DW99",
        "message": "单位编码「DW99」不存在",
    }
    job = job_of(
        cast["organiser"],
        kind=JobKind.CYCLE_IMPORT,
        status=JobStatus.DONE,
        file_name="2025.xlsx",
        outcome={"problems": [problem], "problem_total": 120},
    )
    shown = client_for("organiser").get(f"/api/jobs/{job.pk}").json()
    assert (
        shown["errors"] == {"干部/7/单位编码": ["单位编码「DW99」不存在"]} and shown["problem_total"] == 120
    )
    assert shown["file_name"] == "2025.xlsx" and shown["summary"] is None


def test_an_import_done_gives_its_summary(cast, client_for):
    job = job_of(cast["organiser"], status=JobStatus.DONE, outcome={"result": {"units": 3, "cadres": 5}})
    assert client_for("organiser").get(f"/api/jobs/{job.pk}").json()["summary"] == {"units": 3, "cadres": 5}


def test_a_job_lost_for_hours_is_shown_failed_as_on_the_page(cast, client_for):
    job = job_of(cast["organiser"], status=JobStatus.RUNNING)
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(hours=3))
    shown = client_for("organiser").get(f"/api/jobs/{job.pk}").json()
    assert (shown["state"], shown["failure"]) == ("failed", "stale")
    assert Job.objects.get(pk=job.pk).status == JobStatus.FAILED

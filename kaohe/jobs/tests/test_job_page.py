"""The job page: who may see a job, how it follows a job to its end, and what a failure or a busy cycle shows."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kaohe.audit.models import AuditEntry
from kaohe.jobs.actions import JobBusy, job_start
from kaohe.jobs.models import Job, JobKind, JobStatus
from kaohe.org.models import Unit
from kaohe.org.tasks import roster_import_job
from kaohe.org.tests.test_roster_books import new_roster
from kaohe.plans.models import AssessmentCycle
from kaohe.results.tasks import compute_job
from kaohe.rules.errors import InputError

ROLES = ["organiser", "committee", "assessor", "clerk", "liaison", "leader", "cadre", "outsider"]
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def queued(settings, cast):
    """A compute of 2025 started by the organiser, left in the queue (no worker runs it)."""
    settings.TASKS = DUMMY
    cycle = AssessmentCycle.objects.get(year=2025)
    return job_start(actor=cast["organiser"], kind=JobKind.COMPUTE, task=compute_job, cycle=cycle)


def roster_upload(data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile("名册.xlsx", new_roster() if data is None else data)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_starter_and_organisers_may_open_a_job(client_for, cast, settings, role):
    settings.TASKS = DUMMY
    job = job_start(
        actor=cast["clerk"], kind=JobKind.ROSTER_IMPORT, task=roster_import_job, upload=roster_upload()
    )
    response = client_for(role).get(job.get_absolute_url())
    assert response.status_code == (200 if role in {"clerk", "organiser"} else 404)


def test_the_outsider_is_denied_the_organisers_job_and_its_polling(client_for, queued):
    client = client_for("outsider")
    assert client.get(queued.get_absolute_url()).status_code == 404
    assert client.get(queued.get_absolute_url(), headers={"HX-Request": "true"}).status_code == 404


def test_an_administrator_may_open_any_job(client_for, cast, queued):
    cast["outsider"].is_superuser = True
    cast["outsider"].save()
    assert client_for("outsider").get(queued.get_absolute_url()).status_code == 200


def test_an_anonymous_visitor_is_sent_to_log_in(client_for, queued):
    response = client_for(None).get(queued.get_absolute_url())
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_an_unknown_job_is_not_found(client_for, cast):
    assert client_for("organiser").get(reverse("jobs:detail", args=[Job().pk])).status_code == 404


def test_a_queued_job_refreshes_itself_with_htmx_and_without_javascript(client_for, queued):
    client = client_for("organiser")
    html = client.get(queued.get_absolute_url()).content.decode()
    assert "排队中" in html
    assert f'hx-get="{queued.get_absolute_url()}" hx-trigger="every 2s"' in html
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in html
    assert 'id="refresh"' in html
    fragment = client.get(queued.get_absolute_url(), headers={"HX-Request": "true"})
    assert fragment.content.decode().startswith('<section id="job"')
    assert "HX-Request" in fragment["Vary"] and "no-cache" in fragment["Cache-Control"]


def test_a_running_job_says_so(client_for, queued):
    Job.objects.filter(pk=queued.pk).update(status=JobStatus.RUNNING, started_at=timezone.now())
    assert "进行中" in client_for("organiser").get(queued.get_absolute_url()).content.decode()


def test_a_finished_job_stops_refreshing_and_shows_what_it_did(client_for, cast):
    response = client_for("organiser").post(
        reverse("org:roster_import"), {"file": roster_upload()}, follow=True
    )
    html = response.content.decode()
    assert "已完成" in html and "「名册.xlsx」已导入" in html
    assert "hx-trigger" not in html and "http-equiv" not in html and 'id="refresh"' not in html
    assert reverse("org:roster_import") in html


def test_a_compute_that_cannot_run_is_a_finished_job_with_its_reasons(client_for, cast, monkeypatch):
    def incomplete(cycle):
        raise InputError(["单位「DW01」缺少指标得分：ZB3", "干部「GB002」没有平时考核成绩"])

    monkeypatch.setattr("kaohe.results.actions.compute.cycle_assessment_input", incomplete)
    response = client_for("organiser").post(
        reverse("results:compute", args=[2025]), {"note": ""}, follow=True
    )
    job = Job.objects.get()
    assert job.status == JobStatus.DONE
    html = response.content.decode()
    assert job.outcome["refused"] == ["单位「DW01」缺少指标得分：ZB3", "干部「GB002」没有平时考核成绩"]
    assert "未计算，没有保存任何数据" in html and "干部「GB002」没有平时考核成绩" in html
    assert not job.cycle.runs.exists()


def test_an_unexpected_error_fails_the_job_saves_nothing_and_is_logged(client_for, cast, monkeypatch, caplog):
    def broken(**kwargs):
        raise RuntimeError("disk on fire")

    # The audit record is the last write of the import's transaction: everything before it is rolled back.
    monkeypatch.setattr("kaohe.org.actions.imports.audit_record", broken)
    with caplog.at_level(logging.ERROR, logger="kaohe.jobs.runner"):
        response = client_for("organiser").post(
            reverse("org:roster_import"), {"file": roster_upload()}, follow=True
        )
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED and not job.file
    html = response.content.decode()
    assert "失败" in html and "没有保存任何数据" in html and str(job.pk) in html
    assert "disk on fire" not in html
    assert "disk on fire" in caplog.text and str(job.pk) in caplog.text
    assert not Unit.objects.filter(code="DW10").exists() and not AuditEntry.objects.exists()


def test_a_second_compute_of_a_cycle_is_refused_while_the_first_is_queued(client_for, queued):
    response = client_for("organiser").post(
        reverse("results:compute", args=[2025]), {"note": ""}, follow=True
    )
    assert response.redirect_chain == [(queued.get_absolute_url(), 302)]
    assert "本年度考核正在计算" in response.content.decode()
    assert Job.objects.count() == 1


def test_the_database_refuses_two_active_computes_of_one_cycle(queued, cast):
    with pytest.raises(JobBusy) as busy:
        job_start(actor=cast["organiser"], kind=JobKind.COMPUTE, task=compute_job, cycle=queued.cycle)
    assert busy.value.job == queued


def test_a_finished_compute_does_not_hold_back_the_next(queued, cast):
    Job.objects.filter(pk=queued.pk).update(status=JobStatus.DONE)
    again = job_start(actor=cast["organiser"], kind=JobKind.COMPUTE, task=compute_job, cycle=queued.cycle)
    assert again.status == JobStatus.QUEUED


def test_a_lost_job_fails_after_hours_and_no_longer_holds_back_a_compute(client_for, queued, cast):
    Job.objects.filter(pk=queued.pk).update(
        status=JobStatus.RUNNING, created_at=timezone.now() - timedelta(hours=3)
    )
    html = client_for("organiser").get(queued.get_absolute_url()).content.decode()
    assert "失败" in html and "后台进程可能已中断" in html
    job_start(actor=cast["organiser"], kind=JobKind.COMPUTE, task=compute_job, cycle=queued.cycle)
    assert Job.objects.active().count() == 1


def test_the_upload_is_kept_for_the_worker_under_imports_named_by_the_job(settings, cast):
    settings.TASKS = DUMMY
    data = new_roster()
    job = job_start(
        actor=cast["organiser"],
        kind=JobKind.ROSTER_IMPORT,
        task=roster_import_job,
        upload=roster_upload(data),
    )
    assert job.file.name == f"imports/{job.pk}.xlsx" and job.file_name == "名册.xlsx"
    assert (settings.MEDIA_ROOT / job.file.name).read_bytes() == data


def test_a_worker_forced_to_stop_mid_task_leaves_a_failed_job(client_for, cast, monkeypatch):
    def stopped(**kwargs):
        raise SystemExit(1)  # what db_worker raises on a second Ctrl+C or SIGTERM

    monkeypatch.setattr("kaohe.org.actions.imports.audit_record", stopped)
    client_for("organiser").post(reverse("org:roster_import"), {"file": roster_upload()})
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED and not job.file
    assert not Unit.objects.filter(code="DW10").exists()


def test_polling_an_unfinished_job_only_reads(client_for, queued):
    # On SQLite a write would wait behind a running import's transaction, every few seconds.
    client = client_for("organiser")
    with CaptureQueriesContext(connection) as queries:
        client.get(queued.get_absolute_url(), headers={"HX-Request": "true"})
    assert [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")] == []

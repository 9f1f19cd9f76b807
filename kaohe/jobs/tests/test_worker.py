"""The real queue: on the database backend a job waits in the queue until `kaohe db_worker` runs it."""

from __future__ import annotations

import io
import signal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from kaohe.jobs.models import Job, JobStatus
from kaohe.org.models import Unit
from kaohe.org.tests.test_roster_books import new_roster


@pytest.fixture
def database_queue(transactional_db, settings, tmp_path):
    """Real transactions: the worker checks its connection between tasks, as a separate process would."""
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    # The worker installs its own SIGINT/SIGTERM handlers: give pytest its own back afterwards.
    saved = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for number, handler in saved.items():
        signal.signal(number, handler)


def test_the_database_worker_runs_a_queued_roster_import(client_for, database_queue, tmp_path):
    client = client_for("organiser")
    upload = SimpleUploadedFile("名册.xlsx", new_roster())
    response = client.post(reverse("org:roster_import"), {"file": upload}, follow=True)
    assert "排队中" in response.content.decode()
    job = Job.objects.get()
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "kaohe.org.tasks.roster_import_job"
    assert queued.args_kwargs == {"args": [str(job.pk)], "kwargs": {}}
    assert (tmp_path / job.file.name).exists() and not Unit.objects.filter(code="DW10").exists()

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=io.StringIO())

    queued.refresh_from_db()
    job.refresh_from_db()
    assert queued.status == "SUCCESSFUL" and job.status == JobStatus.DONE
    assert Unit.objects.filter(code="DW10").exists()
    assert not list((tmp_path / "imports").iterdir())
    html = client.get(job.get_absolute_url()).content.decode()
    assert "已完成" in html and "「名册.xlsx」已导入" in html

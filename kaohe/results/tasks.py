"""The results' background task: a compute run started from the results page."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django_tasks import task

from kaohe.jobs.models import Job
from kaohe.jobs.runner import job_run
from kaohe.results import actions


def _compute(job: Job) -> dict[str, Any]:
    try:
        run = actions.compute_run_create(actor=job.started_by, cycle=job.cycle, note=job.note)
    except ValidationError as error:
        return {"refused": error.messages}
    return {"version": run.version}


@task()
def compute_job(job_id: str) -> None:
    job_run(job_id, _compute)

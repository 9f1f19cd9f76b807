"""The queue's tasks: each runs one job through the write function the command line calls too.

A task takes the job's id, claims the job (queued → running; a job already claimed or expired is left
alone), runs, and records the outcome for the job page. A refusal (a workbook with problems, a cycle that
cannot be computed) is a finished job with every message; any other exception is a failed job, logged with
its traceback. The write functions are one transaction each, so a failure saves nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tasks import task

from kaohe.jobs.models import Job, JobKind, JobStatus
from kaohe.org import roster
from kaohe.plans import transfer
from kaohe.results import actions as results
from kaohe.rules.errors import InputError
from kaohe.workbook.sheets import WorkbookError

logger = logging.getLogger(__name__)


def _run(job_id: str, work: Callable[[Job], dict[str, Any]]) -> None:
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return
    job = Job.objects.select_related("cycle", "started_by").get(pk=job_id)
    status, outcome = JobStatus.FAILED, {"failure": "error"}
    try:
        outcome = work(job)
        status = JobStatus.DONE
    except Exception:
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
    finally:
        # Also when the worker is forced to stop mid-task: the job ends 失败 rather than 进行中.
        if job.file:
            job.file.delete(save=False)
        Job.objects.filter(pk=job.pk).update(
            status=status, outcome=outcome, file="", finished_at=timezone.now()
        )


def _compute(job: Job) -> dict[str, Any]:
    try:
        run = results.run_compute(actor=job.started_by, cycle=job.cycle, note=job.note)
    except ValidationError as error:
        return {"refused": error.messages}
    return {"version": run.version}


def _problems(error: WorkbookError) -> dict[str, Any]:
    """The first problems and how many there were: a hostile file's millions must not fill the job row."""
    return {"problems": [problem.as_row() for problem in error.problems], "problem_total": error.total}


def _cycle_import(job: Job) -> dict[str, Any]:
    try:
        with job.file.open("rb") as source:
            summary = transfer.cycle_import_file(source=source, actor=job.started_by, file_name=job.file_name)
    except WorkbookError as error:
        return _problems(error)
    except InputError as error:
        rows = [{"sheet": "", "row": None, "column": None, "value": "", "message": m} for m in error.messages]
        return {"problems": rows}
    return {"summary": summary.document()}


def _roster_import(job: Job) -> dict[str, Any]:
    try:
        with job.file.open("rb") as source:
            result = roster.roster_import(actor=job.started_by, source=source, file_name=job.file_name)
    except WorkbookError as error:
        return _problems(error)
    return {"result": result.summary()}


@task()
def compute(job_id: str) -> None:
    _run(job_id, _compute)


@task()
def cycle_import(job_id: str) -> None:
    _run(job_id, _cycle_import)


@task()
def roster_import(job_id: str) -> None:
    _run(job_id, _roster_import)


TASKS = {JobKind.COMPUTE: compute, JobKind.CYCLE_IMPORT: cycle_import, JobKind.ROSTER_IMPORT: roster_import}

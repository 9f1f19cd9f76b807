"""Running a job: the part every app's task shares, so that a task is only the work itself.

An app's task (``results/tasks.py``, ``cycle_workbook/tasks.py``, ``org/tasks.py``) takes the job's id and
calls ``job_run`` with its work. ``job_run`` claims the job (queued → running; a job already claimed or
expired is left alone), runs the work, and records the outcome for the job page. A refusal (a workbook with
problems, a cycle that cannot be computed) is the work's own outcome, a finished job with every message; any
other exception is a failed job, logged with its traceback. The write functions are one transaction each,
so a failure saves nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from kaohe.jobs.models import Job, JobStatus

logger = logging.getLogger(__name__)


def job_run(job_id: str, work: Callable[[Job], dict[str, Any]]) -> None:
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


def problem_rows(messages: list[str]) -> list[dict[str, Any]]:
    """Messages that name no cell, in the shape of a workbook problem's row for the job page."""
    return [{"sheet": "", "row": None, "column": None, "value": "", "message": m} for m in messages]

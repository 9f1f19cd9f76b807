"""Starting a job: the row the job page follows, the upload kept for the worker, the task enqueued."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from kaohe.jobs.models import Job, JobKind
from kaohe.jobs.tasks import TASKS
from kaohe.plans.models import AssessmentCycle


class JobBusy(Exception):
    """The cycle already has this kind of job queued or running: ``job`` is that one."""

    def __init__(self, job: Job) -> None:
        super().__init__(str(job))
        self.job = job


def job_start(
    *,
    actor: Any,
    kind: JobKind,
    cycle: AssessmentCycle | None = None,
    upload: UploadedFile | None = None,
    note: str = "",
) -> Job:
    """Record the job and enqueue its task; raises ``JobBusy`` while a compute of ``cycle`` is unfinished."""
    Job.objects.expire_stale()
    try:
        with transaction.atomic():
            job = Job.objects.create(
                kind=kind,
                started_by=actor,
                cycle=cycle,
                note=note,
                file=upload,
                file_name=upload.name if upload else "",
            )
    except IntegrityError as error:
        busy = Job.objects.active().filter(kind=kind, cycle=cycle).first()
        if busy is None:
            raise
        raise JobBusy(busy) from error
    try:
        TASKS[kind].enqueue(str(job.pk))
    except Exception:
        job.file.delete(save=False)
        job.delete()
        raise
    return job

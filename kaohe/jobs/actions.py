"""Starting a job: the row the job page follows, the upload kept for the worker, the task enqueued."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django_tasks.base import Task

from kaohe.accounts.actors import Actor
from kaohe.jobs.models import Job, JobKind


class JobBusy(Exception):
    """The cycle already has this kind of job queued or running: ``job`` is that one."""

    def __init__(self, job: Job) -> None:
        super().__init__(str(job))
        self.job = job


def job_start(
    *,
    actor: Actor,
    kind: JobKind,
    task: Task[[str], None],
    cycle: models.Model | None = None,
    upload: UploadedFile | None = None,
    note: str = "",
) -> Job:
    """Record the job and enqueue ``task`` (the app's task that runs it, given the job's id); raises ``JobBusy`` while a compute of ``cycle`` is unfinished."""
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
        task.enqueue(str(job.pk))
    except Exception:
        job.file.delete(save=False)
        job.delete()
        raise
    return job

"""Reading jobs: a job is seen by the account that started it, and by organisers and administrators."""

from __future__ import annotations

import uuid

from django.http import Http404

from kaohe.accounts.models import Role
from kaohe.jobs.models import Job, JobQuerySet


def visible_jobs(user) -> JobQuerySet:
    jobs = Job.objects.select_related("cycle", "started_by")
    if user.is_superuser or user.has_role(Role.ORGANISER):
        return jobs
    return jobs.filter(started_by=user) if user.is_active else jobs.none()


def get_job(user, pk: uuid.UUID) -> Job:
    job = visible_jobs(user).filter(pk=pk).first()
    if job is None:
        raise Http404("no such job in the user's scope")
    return job

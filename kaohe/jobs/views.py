"""The job page: the status of one long job, refreshing itself until it is done, then what it did."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from kaohe.jobs.models import Job
from kaohe.jobs.selectors import get_job

REFRESH_SECONDS = 2


@login_required
@never_cache
@require_GET
def detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    job = get_job(request.user, pk)
    if job.stale:
        # A lost job shows 失败, not 进行中 for ever. Only then a write: the page polls every few seconds,
        # and on SQLite a write would wait for a running import's transaction.
        Job.objects.filter(pk=job.pk).expire_stale()
        job.refresh_from_db()
    context = {"job": job, "refresh_seconds": REFRESH_SECONDS}
    template = "jobs/_job.html" if request.htmx else "jobs/job.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response

"""Jobs over JSON: the long work an operation hands to the task queue (a workbook import, a compute), followed
as on the job page — by the account that started it, and by organisers (``selectors.get_job``).

``summary`` is what the job did (the import's summary, the compute's version, the roster's counts); ``errors``
why it refused, keyed as a refused upload is (``"<sheet>/<row>/<column>"``, ``non_field_errors``).
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from kaohe.api_errors import NON_FIELD
from kaohe.jobs.models import Job
from kaohe.jobs.selectors import get_job

router = Router(tags=["jobs"])


class JobOut(Schema):
    id: uuid.UUID
    url: str
    kind: str
    kind_label: str
    state: str
    state_label: str
    cycle: int | None
    file_name: str
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    summary: dict[str, Any] | None
    errors: dict[str, list[str]]
    problem_total: int
    failure: str | None


def _problem_key(row: dict[str, Any]) -> str:
    place = [str(row[part]) for part in ("sheet", "row", "column") if row.get(part) not in (None, "")]
    return "/".join(place) or "file"


def job_out(job: Job) -> JobOut:
    outcome = job.outcome or {}
    errors: dict[str, list[str]] = {}
    for row in outcome.get("problems", []):
        errors.setdefault(_problem_key(row), []).append(str(row.get("message", "")))
    if outcome.get("refused"):
        errors[NON_FIELD] = [str(message) for message in outcome["refused"]]
    summary = outcome.get("summary") or outcome.get("result")
    if summary is None and "version" in outcome:
        summary = {"version": outcome["version"]}
    return JobOut(
        id=job.pk,
        url=f"/api/jobs/{job.pk}",
        kind=job.kind,
        kind_label=str(job.get_kind_display()),
        state=job.status,
        state_label=str(job.get_status_display()),
        cycle=job.cycle.year if job.cycle_id else None,
        file_name=job.file_name,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        summary=summary,
        errors=errors,
        problem_total=int(outcome.get("problem_total") or len(outcome.get("problems", []))),
        failure=outcome.get("failure"),
    )


@router.get("/{job_id}", response=JobOut)
def job_detail_api(request: HttpRequest, job_id: uuid.UUID):
    job = get_job(request.user, job_id)
    if job.stale:  # as the job page: a lost job reads 失败, not 进行中 for ever
        Job.objects.filter(pk=job.pk).expire_stale()
        job.refresh_from_db()
    return job_out(job)

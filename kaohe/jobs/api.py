"""Jobs over JSON: the long work an operation hands to the task queue (a compute, an import), followed to
its end as the job page follows it.

An operation that starts a job answers 202 with the job (``JobOut``) and a ``Location`` header naming
``/api/jobs/{id}``; a script asks there until ``status`` is ``done`` or ``failed``. A job is seen by the
account that started it and by organisers (``selectors.get_job``); anyone else's is 404, as on the page.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from kaohe.jobs.models import Job, JobStatus
from kaohe.jobs.selectors import get_job

router = Router(tags=["jobs"])

# The job page's words for a job that did not finish (templates/jobs/_job.html).
STALE_MESSAGE = "任务长时间未完成，后台进程可能已中断。请确认结果后重新提交。"
FAILED_MESSAGE = (
    "执行时出现意外错误，没有保存任何数据。请稍后重试；如仍失败，请把任务编号 {id} 告知系统管理员。"
)


class JobProblemOut(Schema):
    """One thing that stopped the job: a workbook's cell (sheet, row, column, value) or a plain message."""

    sheet: str
    row: int | None
    column: str | None
    value: str
    message: str


class JobOut(Schema):
    id: uuid.UUID
    kind: str  # compute | cycle_import | roster_import
    label: str  # 计算考核结果 …
    status: str  # queued | running | done | failed
    status_label: str  # 排队中 | 进行中 | 已完成 | 失败
    year: int | None  # the cycle's, for a compute
    note: str
    file_name: str
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    # Once done: what it made (a compute's {"version": n}, an import's summary); None while it runs or
    # when it was refused.
    result: dict[str, Any] | None
    # Why it made nothing: each refusal or workbook problem (the first ones, ``problem_total`` in all).
    errors: list[JobProblemOut]
    problem_total: int


def _problem(message: str) -> dict[str, Any]:
    return {"sheet": "", "row": None, "column": None, "value": "", "message": message}


def job_out(job: Job) -> JobOut:
    """The job as the API shows it: its outcome split into ``result`` or ``errors``."""
    outcome: dict[str, Any] = dict(job.outcome or {})
    errors: list[dict[str, Any]] = []
    result: dict[str, Any] | None = None
    if job.status == JobStatus.FAILED:
        stale = outcome.get("failure") == "stale"
        errors = [_problem(STALE_MESSAGE if stale else FAILED_MESSAGE.format(id=job.pk))]
    elif job.status == JobStatus.DONE:
        if outcome.get("refused"):
            errors = [_problem(str(message)) for message in outcome["refused"]]
        elif outcome.get("problems"):
            errors = list(outcome["problems"])
        else:
            result = outcome.get("summary") or outcome.get("result") or outcome
    return JobOut(
        id=job.pk,
        kind=job.kind,
        label=str(job.get_kind_display()),
        status=job.status,
        status_label=str(job.get_status_display()),
        year=job.cycle.year if job.cycle_id else None,
        note=job.note,
        file_name=job.file_name,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        result=result,
        errors=[JobProblemOut(**problem) for problem in errors],
        problem_total=int(outcome.get("problem_total") or len(errors)),
    )


def job_location(response: HttpResponse, job: Job) -> None:
    """Where a script follows ``job``: set on the 202 (or 409) that names it."""
    response["Location"] = f"/api/jobs/{job.pk}"


@router.get("/{job_id}", response=JobOut)
def job_detail(request: HttpRequest, job_id: uuid.UUID):
    job = get_job(request.user, job_id)
    if job.stale:
        # As the page: a lost job shows 失败, not 进行中 for ever.
        Job.objects.filter(pk=job.pk).expire_stale()
        job.refresh_from_db()
    return job_out(job)

"""The roster's background task: a roster workbook uploaded on the import page."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from kaohe.jobs.models import Job
from kaohe.jobs.runner import job_run
from kaohe.org import actions
from kaohe.workbook.sheets import WorkbookError


def _roster_import(job: Job) -> dict[str, Any]:
    try:
        with job.file.open("rb") as source:
            result = actions.roster_import(actor=job.started_by, source=source, file_name=job.file_name)
    except WorkbookError as error:
        return error.job_outcome()
    return {"result": result.summary()}


@task()
def roster_import_job(job_id: str) -> None:
    job_run(job_id, _roster_import)

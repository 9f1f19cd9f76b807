"""The cycle workbook's background task: an assessment workbook uploaded on the import page."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from kaohe.cycle_workbook import actions
from kaohe.jobs.models import Job
from kaohe.jobs.runner import job_run, problem_rows
from kaohe.rules.errors import InputError
from kaohe.workbook.sheets import WorkbookError


def _cycle_import(job: Job) -> dict[str, Any]:
    try:
        with job.file.open("rb") as source:
            summary = actions.cycle_import_file(source=source, actor=job.started_by, file_name=job.file_name)
    except WorkbookError as error:
        return error.job_outcome()
    except InputError as error:
        return {"problems": problem_rows(error.messages)}
    return {"summary": {**summary.document(), "digest_shown": summary.digest_shown}}


@task()
def cycle_import_job(job_id: str) -> None:
    job_run(job_id, _cycle_import)

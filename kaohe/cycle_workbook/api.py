"""The whole cycle as an assessment workbook over JSON, for organisers, as on the workbook page: an upload is
checked by the page's form (the same limit and words), imported by the task queue, and answered 202 with the
job to follow (``GET /api/jobs/{id}``); a download is the page's file, or 409 naming what is still missing.

Mounted under ``/api/cycles/`` before the plans router: ``/workbook`` would otherwise be read as a year.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import File, Router, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from kaohe.accounts.access import CYCLE_EDITORS
from kaohe.api_errors import NON_FIELD, ApiError, form_invalid
from kaohe.cycle_workbook import export, tasks
from kaohe.cycle_workbook.views import XLSX, CycleBookForm, workbook_file
from kaohe.jobs.actions import job_start
from kaohe.jobs.api import JobOut, job_out
from kaohe.jobs.models import JobKind
from kaohe.plans.selectors import get_cycle

router = Router(tags=["cycles"])

XLSX_ANSWER = {
    "responses": {
        200: {
            "description": "考核数据工作簿",
            "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


def _organiser(request: HttpRequest) -> None:
    if not request.user.has_role(*CYCLE_EDITORS):
        raise HttpError(403, "当前账号无权执行此操作")


@router.post("/workbook", response={202: JobOut, 422: ApiError})
def workbook_import_api(
    request: HttpRequest,
    response: HttpResponse,
    file: UploadedFile | None = File(None),  # noqa: B008
):
    _organiser(request)
    form = CycleBookForm({}, {"file": file} if file is not None else {})
    if not form.is_valid():
        raise form_invalid(form)
    job = job_start(
        actor=request.user,
        kind=JobKind.CYCLE_IMPORT,
        task=tasks.cycle_import_job,
        upload=form.cleaned_data["file"],
    )
    job.refresh_from_db()  # a queue that runs at once (the tests', a small book) has finished it already
    shown = job_out(job)
    response["Location"] = shown.url
    return Status(202, shown)


@router.get("/{year}/workbook", response={409: ApiError}, openapi_extra=XLSX_ANSWER)
def workbook_export_api(request: HttpRequest, year: int):
    _organiser(request)
    cycle = get_cycle(request.user, year)
    try:
        return workbook_file(request.user, cycle)
    except export.ExportRefused as error:
        return Status(409, {"detail": "；".join(error.messages), "errors": {NON_FIELD: error.messages}})

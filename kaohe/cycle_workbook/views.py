"""The cycle as an assessment workbook in the UI, for organisers: upload a workbook, download a cycle.

The same write functions as `kaohe cycle import|export` (cycle_workbook.actions, cycle_workbook.export). An upload is imported by the
task queue (a province's book takes a minute or more): the page redirects to the job page, which shows
every problem (sheet, row, column, value) or the import summary. A plain form POST that works without
JavaScript.
"""

from __future__ import annotations

import tempfile
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from kaohe.accounts.access import CYCLE_EDITORS, role_required
from kaohe.audit.reads import audit_read
from kaohe.cycle_workbook import export, tasks
from kaohe.jobs.actions import job_start
from kaohe.jobs.models import JobKind
from kaohe.plans.models import AssessmentCycle
from kaohe.plans.selectors import get_cycle, visible_cycles
from kaohe.workbook.sheets import MAX_BYTES, too_big_message

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class CycleBookForm(forms.Form):
    file = forms.FileField(
        label=_("考核数据工作簿（.xlsx）"),
        error_messages={
            "required": _("请选择要上传的考核数据工作簿（.xlsx）"),
            "empty": _("上传的文件是空的，请选择考核数据工作簿（.xlsx）"),
        },
    )

    def clean_file(self) -> UploadedFile:
        # Refused here, before the upload is stored for the worker, with the import's own limit and words.
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(too_big_message(upload.size, MAX_BYTES))
        return upload


def _page(request: HttpRequest, status: int = 200, **context: Any) -> HttpResponse:
    context.setdefault("form", CycleBookForm())
    context["cycles"] = visible_cycles(request.user).order_by("-year")
    return render(request, "cycle_workbook/page.html", context, status=status)


@role_required(*CYCLE_EDITORS)
@require_http_methods(["GET", "POST"])
def workbook_import(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request)
    form = CycleBookForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, status=400, form=form)
    job = job_start(
        actor=request.user,
        kind=JobKind.CYCLE_IMPORT,
        task=tasks.cycle_import_job,
        upload=form.cleaned_data["file"],
    )
    return redirect(job)


@role_required(*CYCLE_EDITORS)
@require_GET
def workbook_export(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    try:
        return workbook_file(request.user, cycle)
    except export.ExportRefused as error:
        return _page(request, status=409, export_problems=error.messages, export_cycle=cycle)


def workbook_file(user: Any, cycle: AssessmentCycle) -> FileResponse:
    """The cycle as an assessment workbook, its reading audited (the page's download and the API's); raises
    ``export.ExportRefused`` naming what is still missing."""
    spool = tempfile.TemporaryFile()  # FileResponse closes it; a province's workbook is tens of megabytes
    try:
        export.cycle_export_to(cycle, spool)
    except export.ExportRefused:
        spool.close()
        raise
    spool.seek(0)
    audit_read(user, "cycle.export", cycle)
    return FileResponse(
        spool, as_attachment=True, filename=f"{cycle.year}年度考核数据.xlsx", content_type=XLSX
    )

"""Roster import and export pages, for organisers: upload a workbook (imported by the task queue, followed on
the job page), download the roster or the template."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from typing import IO

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from kaohe.accounts.access import ROSTER_EDITORS, role_required
from kaohe.audit.reads import audit_read
from kaohe.jobs.actions import job_start
from kaohe.jobs.models import JobKind
from kaohe.org import roster_writer, tasks
from kaohe.workbook.sheets import too_big_message

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("名册文件（.xlsx、.xls 或 .ods）"),
        error_messages={
            "required": _("请选择要上传的名册文件（.xlsx、.xls 或 .ods）"),
            "empty": _("上传的文件是空的，请选择名册文件（.xlsx、.xls 或 .ods）"),
        },
    )

    def clean_file(self) -> UploadedFile:
        # Refused here, before the upload is stored for the worker, with the import's own limit and words.
        upload = self.cleaned_data["file"]
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(too_big_message(upload.size, settings.UPLOAD_MAX_BYTES))
        return upload


@role_required(*ROSTER_EDITORS)
@require_http_methods(["GET", "POST"])
def roster_import_view(request: HttpRequest) -> HttpResponse:
    form = RosterUploadForm(request.POST, request.FILES) if request.method == "POST" else RosterUploadForm()
    if form.is_bound and form.is_valid():
        # A province's roster takes a while: the task queue imports it, the job page shows the outcome.
        job = job_start(
            actor=request.user,
            kind=JobKind.ROSTER_IMPORT,
            task=tasks.roster_import_job,
            upload=form.cleaned_data["file"],
        )
        return redirect(job)
    return render(request, "org/roster_import.html", {"form": form})


def _xlsx_response(write: Callable[[IO[bytes]], object], file_name: str) -> FileResponse:
    # Written to a temporary file, not memory: the province roster is several megabytes.
    spool = tempfile.TemporaryFile()  # FileResponse closes it
    write(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=file_name, content_type=XLSX)


@role_required(*ROSTER_EDITORS)
@require_GET
def roster_export(request: HttpRequest) -> FileResponse:
    stamp = timezone.localdate().strftime("%Y%m%d")
    audit_read(request.user, "roster.export")
    return _xlsx_response(roster_writer.write_roster, f"干部名册-{stamp}.xlsx")


@role_required(*ROSTER_EDITORS)
@require_GET
def roster_template(request: HttpRequest) -> FileResponse:
    return _xlsx_response(roster_writer.write_template, "干部名册模板.xlsx")

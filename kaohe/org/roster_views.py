"""Roster import and export pages, for organisers: upload a workbook, download the roster or the template."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from typing import IO

from django import forms
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from kaohe.accounts.access import ROSTER_EDITORS, role_required
from kaohe.org import roster
from kaohe.workbook.sheets import WorkbookError, text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class RosterUploadForm(forms.Form):
    file = forms.FileField(label=_("名册文件（.xlsx）"))


@role_required(*ROSTER_EDITORS)
@require_http_methods(["GET", "POST"])
def roster_import(request: HttpRequest) -> HttpResponse:
    form = RosterUploadForm(request.POST, request.FILES) if request.method == "POST" else RosterUploadForm()
    result = problems = None
    file_name = ""
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        file_name = upload.name
        try:
            result = roster.roster_import(actor=request.user, source=upload, file_name=upload.name)
        except WorkbookError as error:
            problems = [
                {
                    "sheet": p.sheet,
                    "row": p.row,
                    "column": p.column,
                    "value": "" if p.value is None else text(p.value),
                    "message": p.message,
                }
                for p in error.problems
            ]
        form = RosterUploadForm()
    return render(
        request,
        "org/roster_import.html",
        {"form": form, "result": result, "problems": problems, "file_name": file_name},
    )


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
    return _xlsx_response(roster.write_roster, f"干部名册-{stamp}.xlsx")


@role_required(*ROSTER_EDITORS)
@require_GET
def roster_template(request: HttpRequest) -> FileResponse:
    return _xlsx_response(roster.write_template, "干部名册模板.xlsx")

"""The cycle as an assessment workbook in the UI, for organisers: upload a workbook, download a cycle.

The same write functions as `kaohe cycle import|export` (plans.transfer); a plain form POST that works
without JavaScript, answered with every problem (sheet, row, column, value) or the import summary.
"""

from __future__ import annotations

import tempfile
from typing import Any

from django import forms
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from kaohe.accounts.access import CYCLE_EDITORS, role_required
from kaohe.plans import transfer
from kaohe.plans.selectors import get_cycle, visible_cycles
from kaohe.rules.errors import InputError
from kaohe.workbook.sheets import Problem, WorkbookError, text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class CycleBookForm(forms.Form):
    file = forms.FileField(label=_("考核数据工作簿（.xlsx）"))


def _problem(p: Problem) -> dict[str, Any]:
    return {
        "sheet": p.sheet,
        "row": p.row,
        "column": p.column,
        "value": "" if p.value is None else text(p.value),
        "message": p.message,
    }


def _page(request: HttpRequest, status: int = 200, **context: Any) -> HttpResponse:
    context.setdefault("form", CycleBookForm())
    context["cycles"] = visible_cycles(request.user).order_by("-year")
    return render(request, "plans/transfer.html", context, status=status)


@role_required(*CYCLE_EDITORS)
@require_http_methods(["GET", "POST"])
def workbook_import(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request)
    form = CycleBookForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, status=400, form=form)
    upload = form.cleaned_data["file"]
    try:
        summary = transfer.cycle_import_file(source=upload, actor=request.user, file_name=upload.name)
    except WorkbookError as error:
        problems = [_problem(p) for p in error.problems]
        return _page(request, status=400, problems=problems, file_name=upload.name)
    except InputError as error:
        problems = [
            {"sheet": "", "row": None, "column": None, "value": "", "message": m} for m in error.messages
        ]
        return _page(request, status=400, problems=problems, file_name=upload.name)
    return _page(request, summary=summary, file_name=upload.name)


@role_required(*CYCLE_EDITORS)
@require_GET
def workbook_export(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    spool = tempfile.TemporaryFile()  # FileResponse closes it; a province's workbook is tens of megabytes
    try:
        transfer.cycle_export_to(cycle, spool)
    except transfer.ExportRefused as error:
        spool.close()
        return _page(request, status=409, export_problems=error.messages, export_cycle=cycle)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=f"{year}年度考核数据.xlsx", content_type=XLSX)

"""The per-unit 审定表: a printable page and a .docx, for organisers and the committee.

The cycle through ``plans.selectors.get_cycle`` and the unit through ``org.selectors.get_unit`` (both read
everything for these roles); a unit without results in the cycle gets a page saying so.
"""

from __future__ import annotations

import io

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kaohe.accounts.access import role_required
from kaohe.accounts.models import Role
from kaohe.audit.reads import audit_read
from kaohe.org.selectors import get_unit
from kaohe.plans.selectors import assessed_units, get_cycle
from kaohe.results.approval_sheet import DOCX, SIGNATURES, approval_sheet, approval_sheet_docx

APPROVAL_ROLES = (Role.ORGANISER, Role.COMMITTEE)


@require_GET
@role_required(*APPROVAL_ROLES)
def approval_sheet_index(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    units = assessed_units(cycle)
    return render(request, "results/approval_sheet_index.html", {"cycle": cycle, "assessed_units": units})


@require_GET
@role_required(*APPROVAL_ROLES)
def approval_sheet_page(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    unit = get_unit(request.user, pk)
    sheet = approval_sheet(cycle, unit)
    audit_read(request.user, "approval_sheet.view", unit, year=cycle.year)
    return render(
        request, "results/approval_sheet.html", {"cycle": cycle, "sheet": sheet, "signatures": SIGNATURES}
    )


@require_GET
@role_required(*APPROVAL_ROLES)
def approval_sheet_download(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    unit = get_unit(request.user, pk)
    content = approval_sheet_docx(approval_sheet(cycle, unit))
    audit_read(request.user, "approval_sheet.download", unit, year=cycle.year)
    filename = f"{cycle.year}年度考核结果审定表-{unit.code}-{unit.name}.docx"
    return FileResponse(io.BytesIO(content), as_attachment=True, filename=filename, content_type=DOCX)

"""Profile (画像), timeline (全程纪实) and comparison pages: get through the selectors, gather, render."""

from __future__ import annotations

import io

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from kaohe.accounts.access import role_required
from kaohe.anonymity import min_group
from kaohe.org.models import UnitCategory
from kaohe.plans.models import AssessmentCycle
from kaohe.profiles import gather, selectors
from kaohe.profiles.timeline import Subject, kinds_for, timeline
from kaohe.results.models import Kind

COMPARISON_PAGE = 100  # rows a page: a province's category has thousands of units


@require_GET
@role_required(*selectors.CADRE_PROFILE_READERS)
def cadre_profile_page(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = selectors.profile_cadre(request.user, pk)
    profile = gather.cadre_profile(cadre, k=min_group(), today=timezone.localdate(), reader=request.user)
    context = {"profile": profile, "charts": profile.charts(), "subject_kind": "cadre", "subject": cadre}
    return render(request, "profiles/cadre.html", context)


@require_GET
@role_required(*selectors.TEAM_PROFILE_READERS)
def team_profile_page(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.profile_unit(request.user, pk)
    profile = gather.team_profile(unit, k=min_group(), today=timezone.localdate(), reader=request.user)
    context = {"profile": profile, "charts": profile.charts(), "subject_kind": "team", "subject": unit}
    return render(request, "profiles/team.html", context)


def _filters(request: HttpRequest, notes: bool) -> tuple[set[str], int | None]:
    allowed = {kind for kind, _ in kinds_for(notes)}
    kinds = {k for k in request.GET.getlist("kind") if k in allowed}
    year_text = request.GET.get("year", "").strip()
    year = int(year_text) if year_text.isdigit() else None
    return kinds, year


def _timeline_response(request: HttpRequest, subject: Subject, title: str) -> HttpResponse:
    notes = selectors.reads_notes(request.user)
    kinds, year = _filters(request, notes)
    everything = timeline(subject, notes=notes)
    entries = [e for e in everything if (not kinds or e.kind in kinds) and (year is None or e.year == year)]
    if request.GET.get("format") == "docx":
        return _docx(title, entries)
    years = sorted({e.year for e in everything}, reverse=True)
    context = {
        "title": title,
        "entries": entries,
        "kinds": kinds_for(notes),
        "chosen": kinds,
        "year": year,
        "years": years,
        "subject": subject,
        "query": request.GET.urlencode(),
    }
    return render(request, "profiles/timeline.html", context)


def _docx(title: str, entries) -> HttpResponse:  # noqa: ANN001
    from docx import Document

    doc = Document()
    doc.add_heading(f"{title} 全程纪实", level=1)
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("年度", "日期", "类别", "内容"), strict=True):
        cell.text = text
    for e in entries:
        cells = table.add_row().cells
        cells[0].text = str(e.year)
        cells[1].text = e.day.isoformat() if e.day else ""
        cells[2].text = e.label
        cells[3].text = e.title + (f"\n{e.detail}" if e.detail else "")
    out = io.BytesIO()
    doc.save(out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = "attachment; filename=timeline.docx"
    return response


@require_GET
@role_required(*selectors.CADRE_PROFILE_READERS)
def cadre_timeline_page(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = selectors.profile_cadre(request.user, pk)
    subject = Subject(Kind.CADRE, cadre, None, min_group())
    return _timeline_response(request, subject, cadre.name)


@require_GET
@role_required(*selectors.TEAM_PROFILE_READERS)
def team_timeline_page(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.profile_unit(request.user, pk)
    subject = Subject(Kind.TEAM, None, unit, min_group())
    return _timeline_response(request, subject, f"{unit.name}领导班子")


@require_GET
@role_required(*selectors.COMPARISON_READERS)
def comparison_page(request: HttpRequest) -> HttpResponse:
    category_text, year_text = request.GET.get("category", ""), request.GET.get("year", "")
    if category_text.isdigit() and year_text.isdigit():
        return redirect("profiles:category_comparison", pk=int(category_text), year=int(year_text))
    context = {
        "categories": UnitCategory.objects.all(),
        "years": list(AssessmentCycle.objects.order_by("-year").values_list("year", flat=True)),
    }
    return render(request, "profiles/compare_choose.html", context)


@require_GET
@role_required(*selectors.COMPARISON_READERS)
def category_comparison_page(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    category = selectors.comparison_category(request.user, pk)
    comparison = gather.category_comparison(category, year, k=min_group())
    page = Paginator(comparison.rows, COMPARISON_PAGE).get_page(request.GET.get("page"))
    chart = {
        "names": [r.unit.name for r in page],
        "now": [r.now.composite if r.now else None for r in page],
        "before": [r.before.composite if r.before else None for r in page],
        "year": year,
    }
    context = {
        "comparison": comparison,
        "page": page,
        "chart": chart,
        "categories": UnitCategory.objects.all(),
        "years": list(AssessmentCycle.objects.order_by("-year").values_list("year", flat=True)),
    }
    return render(request, "profiles/compare.html", context)

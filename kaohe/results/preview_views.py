"""The live preview of unit performance and rankings, for organisers only.

A normal page without JavaScript (category tabs and pages are links, 「刷新」 reloads it); with htmx the
results part refreshes itself every 30 seconds and on demand, swapping in the same partial the page uses.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from kaohe.accounts.access import CYCLE_EDITORS, role_required
from kaohe.performance.views import cycle_context
from kaohe.plans.selectors import get_cycle
from kaohe.results.preview import cycle_preview
from kaohe.rules.errors import InputError

PAGE_SIZE = 100
REFRESH_SECONDS = 30


@role_required(*CYCLE_EDITORS)
@require_GET
def preview(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    context = {**cycle_context(cycle), "refresh_seconds": REFRESH_SECONDS}
    try:
        result = cycle_preview(cycle)
    except InputError as error:
        result, context["errors"] = None, error.messages
    if result is not None and result.categories:
        wanted = request.GET.get("category", "")
        chosen = result.category(wanted) or result.categories[0]
        page = Paginator(chosen.rows, PAGE_SIZE).get_page(request.GET.get("page"))
        context.update(
            preview=result,
            chosen=chosen,
            page_obj=page,
            query=urlencode({"category": chosen.name}),
            chart={
                "category": chosen.name,
                "labels": [row.name for row in page if row.value is not None],
                "values": [float(row.value) for row in page if row.value is not None],
            },
        )
    template = "results/preview_results.html" if request.htmx else "results/preview.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response

"""The integrity page of a cycle (organisers and the committee): the latest analysis's findings with what
to do, charts against the cycle's baseline, and the 已核查 notes. Each view: check the role, get the cycle,
call the write function, redirect or render."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kaohe.accounts.access import role_required
from kaohe.analytics.model import CHECK_LABELS, Check
from kaohe.anonymity import min_group
from kaohe.integrity import actions, selectors
from kaohe.plans.selectors import get_cycle
from kaohe.results import selectors as results

ROWS_PER_CHECK = 200
CHART_ROWS = 30


@role_required(*selectors.INTEGRITY_READERS)
@require_GET
def cycle_page(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    analysis = selectors.latest_analysis(cycle)
    run = results.current_run(cycle)
    check = request.GET.get("check", "")
    context: dict[str, Any] = {
        "cycle": cycle,
        "state": results.results_state(cycle),
        "analysis": analysis,
        "run": run,
        "stale": analysis is not None and (analysis.run_id != (run.pk if run else None)),
        "check": check,
        "k": min_group(),
    }
    if analysis is not None:
        report = analysis.report
        done = selectors.reviews(cycle)
        counts = Counter(f["check"] for f in report["findings"])
        found = [f for f in report["findings"] if not check or f["check"] == check]
        shown = []
        per_check: Counter[str] = Counter()
        for f in found:
            per_check[f["check"]] += 1
            if per_check[f["check"]] <= ROWS_PER_CHECK:
                review = done.get(f["key"])
                shown.append({**f, "review": review, "figure_items": list(f["figures"].items())})
        context.update(
            report=report,
            rows=shown,
            hidden=len(found) - len(shown),
            checks=[(c.value, CHECK_LABELS[c], counts.get(c.value, 0)) for c in Check if counts.get(c.value)],
            reviewed=sum(1 for f in report["findings"] if f["key"] in done),
            charts=_charts(report),
            here=request.get_full_path(),
        )
    return render(request, "integrity/cycle.html", context)


def _charts(report: dict[str, Any]) -> dict[str, Any]:
    """What the page's charts draw: only figures the report already shows (none from fewer than k)."""
    flagged = {f["subject"] for f in report["findings"] if f["scope"] == "session"}
    profiles = [p for p in report["profiles"] if p["key"] in flagged][:CHART_ROWS]
    intervals = [i for i in report["intervals"] if i["line"] is not None and i["low"] < i["line"] < i["high"]]
    members = [
        {**m, "label": f"{b['pool_label']} · {m['name']}", "cut": b["cut"]}
        for b in report["bands"]
        for m in b["members"]
    ][:CHART_ROWS]
    return {
        "baseline": report["baseline"],
        "profiles": [{"name": p["name"], "shares": p["shares"]} for p in profiles],
        "bands": members,
        "intervals": intervals[:CHART_ROWS],
    }


@role_required(*selectors.INTEGRITY_READERS)
@require_POST
def analyse(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    analysis = actions.analysis_run(actor=request.user, cycle=cycle)
    messages.success(request, _("分析完成，共 %(n)d 项发现。") % {"n": analysis.findings})
    return redirect("integrity:cycle", year=cycle.year)


@role_required(*selectors.INTEGRITY_READERS)
@require_POST
def review(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    try:
        actions.finding_review(
            actor=request.user,
            cycle=cycle,
            key=request.POST.get("key", ""),
            note=request.POST.get("note", ""),
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已标记为已核查。"))
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        return redirect(back)
    return redirect(reverse("integrity:cycle", args=[cycle.year]))

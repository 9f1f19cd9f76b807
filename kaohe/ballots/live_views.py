"""Live turnout (参评情况) of a session for organisers and its assessment group's members: counts only.

Ballots received against raters expected, per rater group; never a ballot's time or content. With htmx the
table replaces itself every 5 seconds while the session is open (the same partial the page includes);
without JavaScript it is a normal page with a 刷新 link.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from kaohe.accounts.access import role_required
from kaohe.accounts.models import Role
from kaohe.ballots import selectors
from kaohe.ballots.models import EvaluationSession, SessionStatus
from kaohe.plans.selectors import get_cycle

REFRESH_SECONDS = 5
LIVE_ROLES = (Role.ORGANISER, Role.ASSESSOR)


def live_sessions(user, cycle) -> QuerySet[EvaluationSession]:
    """Organisers follow every session of the cycle; an assessor those run by their assessment groups."""
    sessions = selectors.cycle_sessions(cycle)
    if user.has_role(Role.ORGANISER):
        return sessions
    if user.has_role(Role.ASSESSOR):
        return sessions.filter(assessment_group__members=user)
    raise PermissionDenied


def get_live_session(user, cycle, pk: int) -> EvaluationSession:
    session = live_sessions(user, cycle).filter(pk=pk).first()
    if session is None:
        raise Http404("no such session in the user's scope")
    return session


@role_required(*LIVE_ROLES)
@require_GET
def live_list(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    context = {"cycle": cycle, "sessions": live_sessions(request.user, cycle)}
    return render(request, "ballots/live_list.html", context)


@role_required(*LIVE_ROLES)
@never_cache
@require_GET
def live_turnout(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    session = get_live_session(request.user, cycle, pk)
    rows = selectors.turnout(session)
    expected = sum(r.expected for r in rows)
    received = sum(r.ballots for r in rows)
    context = {
        "cycle": cycle,
        "session": session,
        "rows": [
            {"row": r, "percent": round(100 * r.ballots / r.expected) if r.expected else None} for r in rows
        ],
        "expected": expected,
        "received": received,
        "percent": round(100 * received / expected) if expected else None,
        "polling": session.status == SessionStatus.OPEN,
        "refresh_seconds": REFRESH_SECONDS,
        "as_of": timezone.localtime(),
    }
    template = "ballots/live_table.html" if request.htmx else "ballots/live_turnout.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response

"""A session's 述职 summaries on the ballot, over JSON (the page's write function; organisers only).

A module of its own, mounted at /api/ballots/, so that the sessions' fuller API can grow beside it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema

from kaohe.accounts.access import CYCLE_EDITORS
from kaohe.api_errors import ApiError, Input, refused
from kaohe.ballots import actions, selectors
from kaohe.plans.gate import PhaseClosed
from kaohe.plans.selectors import get_cycle

router = Router(tags=["ballots"])


class SessionSummariesIn(Input):
    show: bool


class SessionSummaryTargetOut(Schema):
    code: str
    name: str
    template: str
    summary: str


class SessionSummariesOut(Schema):
    session: int
    show_summaries: bool
    targets: list[SessionSummaryTargetOut]


@router.put("/{year}/sessions/{pk}/summaries", response={200: SessionSummariesOut, 409: ApiError})
def session_summaries_api(request: HttpRequest, year: int, pk: int, payload: SessionSummariesIn):
    """Show (or stop showing) each target's 述职 summary, folded, on the ballot page; a draft session only."""
    session = selectors.get_session(get_cycle(request.user, year, CYCLE_EDITORS), pk)
    try:
        actions.session_summaries_set(actor=request.user, session=session, show=payload.show)
    except PhaseClosed:
        raise  # the phase gate: 409 with its sentence (kaohe/api.py)
    except ValidationError as error:
        raise refused(error, "show") from None
    return {
        "session": session.pk,
        "show_summaries": session.show_summaries,
        "targets": [
            {
                "code": (t.unit or t.cadre).code,
                "name": (t.unit or t.cadre).name,
                "template": t.template.name,
                "summary": t.summary,
            }
            for t in selectors.session_targets(session)
        ],
    }

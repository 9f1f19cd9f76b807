"""The integrity analysis over JSON, for organisers and the committee (as the page).

``GET /api/integrity/{year}`` gives the cycle's latest analysis (the report ``kaohe analyse YEAR --json``
prints, with who ran it and when, and the 已核查 notes); ``POST /api/integrity/{year}/analyse`` runs a new
one, as the page's button does; ``POST /api/integrity/{year}/reviews`` marks a finding 已核查.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from kaohe.api_errors import Input, refused
from kaohe.integrity import actions, selectors
from kaohe.plans.models import AssessmentCycle
from kaohe.plans.selectors import get_cycle

router = Router(tags=["integrity"])


class ReviewOut(Schema):
    key: str
    note: str
    reviewed_by: str
    reviewed_at: datetime.datetime


class AnalysisOut(Schema):
    year: int
    created_at: datetime.datetime
    created_by: str
    run: int | None
    report: dict[str, Any]
    reviews: list[ReviewOut]


class ReviewIn(Input):
    key: str
    note: str


def _out(cycle: AssessmentCycle) -> AnalysisOut:
    analysis = selectors.latest_analysis(cycle)
    if analysis is None:
        raise HttpError(404, f"{cycle.year} 年度尚未做数据质量分析")
    return AnalysisOut(
        year=cycle.year,
        created_at=analysis.created_at,
        created_by=str(analysis.created_by or analysis.created_by_name),
        run=analysis.run.version if analysis.run else None,
        report=analysis.report,
        reviews=[
            ReviewOut(key=r.key, note=r.note, reviewed_by=str(r.reviewed_by), reviewed_at=r.reviewed_at)
            for r in selectors.reviews(cycle).values()
        ],
    )


@router.get("/{year}", response=AnalysisOut)
def latest(request: HttpRequest, year: int) -> AnalysisOut:
    return _out(get_cycle(request.user, year, selectors.INTEGRITY_READERS))


@router.post("/{year}/analyse", response=AnalysisOut)
def analyse(request: HttpRequest, year: int) -> AnalysisOut:
    cycle = get_cycle(request.user, year, selectors.INTEGRITY_READERS)
    actions.analysis_run(actor=request.user, cycle=cycle)
    return _out(cycle)


@router.post("/{year}/reviews", response=ReviewOut)
def review(request: HttpRequest, year: int, payload: ReviewIn) -> ReviewOut:
    cycle = get_cycle(request.user, year, selectors.INTEGRITY_READERS)
    try:
        r = actions.finding_review(actor=request.user, cycle=cycle, key=payload.key, note=payload.note)
    except ValidationError as error:
        raise refused(error, names={"note": "note", "key": "key"}) from error
    return ReviewOut(key=r.key, note=r.note, reviewed_by=str(r.reviewed_by), reviewed_at=r.reviewed_at)

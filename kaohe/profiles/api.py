"""Profiles, timelines and comparisons over JSON: the same selectors and gatherers as the pages.

``/api/profiles/cadres/{pk}`` and ``/teams/{pk}`` the profiles; ``…/timeline`` the 全程纪实 (``kind`` and
``year`` filter); ``/compare/{category}/{year}`` a category's units against each other and last year, in
the page's order, ``limit`` rows from ``offset`` (a province's category has thousands: 1.7 MB at once).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router
from ninja.errors import HttpError

from kaohe.anonymity import min_group
from kaohe.api_errors import Input, Refused
from kaohe.api_paging import MAX_OFFSET
from kaohe.profiles import gather, selectors, serialize
from kaohe.profiles.timeline import Subject, kinds_for, timeline
from kaohe.results.models import Kind

router = Router(tags=["profiles"])


class ComparisonPage(Input):
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class TimelineFilter(Input):
    kind: list[str] = []
    year: int | None = None


def _checked(fetch, request: HttpRequest, *args):  # noqa: ANN001, ANN202
    try:
        return fetch(request.user, *args)
    except PermissionDenied:
        raise HttpError(403, "当前账号无权执行此操作") from None
    except Http404:
        raise HttpError(404, "未找到") from None


@router.get("/cadres/{pk}", response=dict[str, Any])
def cadre_profile(request: HttpRequest, pk: int):
    cadre = _checked(selectors.profile_cadre, request, pk)
    return serialize.cadre_profile(
        gather.cadre_profile(cadre, k=min_group(), today=timezone.localdate(), reader=request.user)
    )


@router.get("/teams/{pk}", response=dict[str, Any])
def team_profile(request: HttpRequest, pk: int):
    unit = _checked(selectors.profile_unit, request, pk)
    return serialize.team_profile(
        gather.team_profile(unit, k=min_group(), today=timezone.localdate(), reader=request.user)
    )


def _timeline(request: HttpRequest, subject: Subject, filters: TimelineFilter) -> list[dict[str, Any]]:
    notes = selectors.reads_notes(request.user)
    allowed = {kind for kind, _ in kinds_for(notes)}
    refused = [k for k in filters.kind if k not in allowed]
    if refused:
        raise Refused({"kind": [f"类别「{refused[0]}」不存在或当前账号无权查看"]})
    entries = timeline(subject, notes=notes, kinds=set(filters.kind) or None, year=filters.year)
    return [e.as_dict() for e in entries]


@router.get("/cadres/{pk}/timeline", response=list[dict[str, Any]])
def cadre_timeline(request: HttpRequest, pk: int, filters: Query[TimelineFilter]):
    cadre = _checked(selectors.profile_cadre, request, pk)
    return _timeline(request, Subject(Kind.CADRE, cadre, None, min_group()), filters)


@router.get("/teams/{pk}/timeline", response=list[dict[str, Any]])
def team_timeline(request: HttpRequest, pk: int, filters: Query[TimelineFilter]):
    unit = _checked(selectors.profile_unit, request, pk)
    return _timeline(request, Subject(Kind.TEAM, None, unit, min_group()), filters)


@router.get("/compare/{category}/{year}", response=dict[str, Any])
def category_comparison(request: HttpRequest, category: int, year: int, page: Query[ComparisonPage]):
    found = _checked(selectors.comparison_category, request, category)
    comparison = gather.category_comparison(found, year, k=min_group())
    return serialize.comparison(comparison, page.offset, page.limit)

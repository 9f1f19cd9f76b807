"""Feedback's open 整改 items as what a later cycle carries over (``kaohe.plans.carryover``, registered in
``apps.py``): asked about in next year's interview outlines, listed in profiles, counted on the plan's units.

A unit's items are its team letters' (a cadre's letter is the cadre's: their items go with them, to their own
profile and their own interview, never to the unit's other interviewees). Items are read here without a
permission check, since the page asking has checked who may read the unit or cadre; an item's link is given
only to a reader who may open it (``selectors.visible_rectifications``).
"""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from kaohe.feedback.models import LetterKind, Rectification, RectificationStatus
from kaohe.feedback.selectors import UNCLOSED, unclosed_rectifications, visible_rectifications
from kaohe.plans.carryover import CarriedItem, CarrySource

KEY = "rectification"


def _readable(reader: Any, ids: list[int]) -> set[int]:
    if reader is None or not getattr(reader, "is_authenticated", False) or not ids:
        return set()
    return set(visible_rectifications(reader).filter(pk__in=ids).values_list("pk", flat=True))


def items(
    *, unit: Any, cadre: Any, before: int | None, reader: Any, today: datetime.date
) -> list[CarriedItem]:
    found = unclosed_rectifications(before)
    if unit is not None:
        found = found.filter(unit=unit, letter__kind=LetterKind.TEAM)
    else:
        found = found.filter(letter__kind=LetterKind.CADRE, letter__cadre=cadre)
    rows = list(found)
    readable = _readable(reader, [r.pk for r in rows])
    return [
        CarriedItem(
            source=KEY,
            id=r.pk,
            year=r.cycle.year,
            text=r.problem,
            status=r.get_status_display(),
            deadline=r.deadline,
            overdue=r.deadline is not None and r.deadline < today,
            owner=r.owner,
            subject=r.letter.subject,
            url=reverse("feedback:rectification_detail", args=[r.pk]) if r.pk in readable else "",
        )
        for r in rows
    ]


def count(outer: str, before: int) -> Any:
    counted = (
        Rectification.objects.filter(unit_id=OuterRef(outer), cycle__year__lt=before)
        .exclude(status=RectificationStatus.CLOSED)
        .order_by()
        .values("unit_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def list_urls(reader: Any, unit_ids: list[int], before: int) -> dict[int, str]:
    """The rectification list narrowed to each unit's items carried into ``before``, where the reader sees
    some of them."""
    seen = set(
        visible_rectifications(reader)
        .filter(unit_id__in=unit_ids, cycle__year__lt=before)
        .exclude(status=RectificationStatus.CLOSED)
        .values_list("unit_id", flat=True)
        .distinct()
    )
    base = reverse("feedback:rectification_list")
    return {
        unit_id: f"{base}?{urlencode({'unit': unit_id, 'status': UNCLOSED, 'before': before})}"
        for unit_id in unit_ids
        if unit_id in seen
    }


SOURCE = CarrySource(items=items, count=count, list_urls=list_urls)

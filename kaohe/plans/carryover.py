"""What earlier years leave open, carried into a later cycle: gathered from the apps above this floor.

Feedback's 整改 items not yet closed (销号) belong in next year's interview outlines, in the profiles and on
the plan's list of units, and those apps sit below feedback (kaohe/tests/test_layers.py). So, as with the
to-do registry (``kaohe.accounts.todo``), an app registers a ``CarrySource`` in its ``AppConfig.ready`` and
the lower pages ask here. Access stays the caller's: it has already checked who may read the unit or the
cadre. A source decides only whether the reader may open an item's own page (``url`` empty when not).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Expression, IntegerField, Value
from django.utils import timezone


@dataclass(frozen=True)
class CarriedItem:
    source: str  # the registry's key: "rectification"
    id: int  # the source's own record
    year: int  # the cycle it came from
    text: str  # what is to be done: the problem a letter named
    status: str  # "整改中", "待销号"
    deadline: datetime.date | None
    overdue: bool
    owner: str
    subject: str  # whose it is: "某单位领导班子", "某某同志"
    url: str = ""  # its page, when the reader may open it

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "id": self.id,
            "year": self.year,
            "text": self.text,
            "status": self.status,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "overdue": self.overdue,
            "owner": self.owner,
            "subject": self.subject,
        }


@dataclass(frozen=True)
class CarrySource:
    # (unit or cadre, before, reader, today) → the open items: a unit's are its team's, a cadre's their own;
    # ``before`` a year (only items of earlier cycles) or None (every year).
    items: Callable[..., Iterable[CarriedItem]]
    # (outer field naming a unit id, before) → a subquery expression counting every open item of the unit
    # from cycles before ``before``, to annotate a queryset of rows with that field.
    count: Callable[[str, int], Any]
    # (reader, unit ids, before) → {unit id: the page listing what ``count`` counted} for the units whose
    # items the reader may see there.
    list_urls: Callable[[Any, list[int], int], dict[int, str]]


SOURCES: dict[str, CarrySource] = {}


def carried_items(
    *,
    unit: Any = None,
    cadre: Any = None,
    before: int | None = None,
    reader: Any = None,
    today: datetime.date | None = None,
) -> list[CarriedItem]:
    """The open items of a unit's team (``unit``) or of one cadre (``cadre``), oldest first."""
    if (unit is None) == (cadre is None):
        raise ValueError("carried_items: a unit or a cadre")
    today = today or timezone.localdate()
    found = [
        item
        for source in SOURCES.values()
        for item in source.items(unit=unit, cadre=cadre, before=before, reader=reader, today=today)
    ]
    return sorted(found, key=lambda item: (item.year, item.source, item.id))


def carried_count(outer: str, before: int) -> Expression:
    """An annotation: how many open items the row's unit (field ``outer``) carries from before ``before``."""
    counts = [source.count(outer, before) for source in SOURCES.values()]
    total: Any = Value(0, output_field=IntegerField())
    for count in counts:
        total = total + count
    return total


def carried_links(reader: Any, unit_ids: Iterable[int], before: int) -> dict[int, str]:
    """{unit id: the page listing its carried items, for the units whose list the reader may open}."""
    ids = list(unit_ids)
    links: dict[int, str] = {}
    for source in SOURCES.values():
        for unit_id, url in (source.list_urls(reader, ids, before) if ids else {}).items():
            links.setdefault(unit_id, url)
    return links

"""Which fields an audit entry changed: pure Python over the JSON `before` and `after`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MISSING: Any = object()


@dataclass(frozen=True)
class Change:
    field: str
    before: Any  # MISSING when the field was absent (a creation), else the stored JSON value
    after: Any  # MISSING when the field is absent afterwards (a deletion)


def changed_fields(before: Any, after: Any) -> list[Change]:
    """Fields whose value differs, in the order the write function recorded them.

    A creation (no `before`) lists every field of `after`; a deletion lists every field of `before`.
    Values that are not objects compare as a whole, under the field name "".
    """
    if before is None and after is None:
        return []
    if not isinstance(before or {}, dict) or not isinstance(after or {}, dict):
        return [] if before == after else [Change("", _or_missing(before), _or_missing(after))]
    old, new = before or {}, after or {}
    names = list(new) + [name for name in old if name not in new]
    changes = []
    for name in names:
        was, now = old.get(name, MISSING), new.get(name, MISSING)
        if was != now:
            changes.append(Change(name, was, now))
    return changes


def _or_missing(value: Any) -> Any:
    return MISSING if value is None else value

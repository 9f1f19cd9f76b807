"""Who is still to be heard in a unit, and whether its interviews are complete. Imports no Django.

Every member of the leadership team and every middle-level head on the list must be heard or excused
(出差、病假, with the reason recorded); a unit with no middle-level head listed yet is missing one. Staff
representatives, service users and 两代表一委员 are needed in the numbers the cycle's settings give.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

LEADER, MIDDLE, STAFF, SERVICE, DEPUTY = "leader", "middle", "staff", "service", "deputy"
EVERYONE_KINDS = (LEADER, MIDDLE)  # all on the list must be heard
COUNTED_KINDS = (STAFF, SERVICE, DEPUTY)  # a set number must be heard


@dataclass(frozen=True)
class Person:
    kind: str
    heard: bool
    excused: bool


@dataclass(frozen=True)
class KindCoverage:
    kind: str
    required: int
    heard: int
    excused: int

    @property
    def missing(self) -> int:
        return max(0, self.required - self.heard - self.excused)


@dataclass(frozen=True)
class Coverage:
    kinds: tuple[KindCoverage, ...]

    @property
    def missing(self) -> int:
        return sum(k.missing for k in self.kinds)

    @property
    def heard(self) -> int:
        return sum(k.heard for k in self.kinds)

    @property
    def excused(self) -> int:
        return sum(k.excused for k in self.kinds)

    @property
    def complete(self) -> bool:
        return self.missing == 0

    def of(self, kind: str) -> KindCoverage:
        return next(k for k in self.kinds if k.kind == kind)


def coverage(people: Sequence[Person], counts: Mapping[str, int]) -> Coverage:
    """`people`: everyone listed for the unit (leaders from the roster included, heard or not);
    `counts`: how many of each counted kind the cycle requires."""
    kinds = []
    for kind in (*EVERYONE_KINDS, *COUNTED_KINDS):
        listed = [p for p in people if p.kind == kind]
        heard = sum(1 for p in listed if p.heard)
        excused = sum(1 for p in listed if p.excused and not p.heard)
        if kind == LEADER:
            required = len(listed)
        elif kind == MIDDLE:
            required = max(1, len(listed))
        else:
            required = max(0, counts.get(kind, 0))
            heard, excused = min(heard, required), min(excused, max(0, required - heard))
        kinds.append(KindCoverage(kind, required, heard, excused))
    return Coverage(tuple(kinds))

"""What a unit's interview records add up to, under the k rule. Imports no Django.

Counts only: how many were heard, the recommended grades of each cadre, the problem headings ticked
most, the recommendations for promotion. Nothing is shown for a target evaluated in fewer than k
interviews (k is the same smallest group as for ballots), and no typed word of any record appears.
Nothing but the count is shown either before the unit's interviews are complete: figures growing one
record at a time would give away each new record's grades by difference, as an open ballot session's
tally would.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from kaohe.interviews.record import GRADES, PROBLEM_TAGS, InterviewRecord


@dataclass(frozen=True)
class CadreSummary:
    cadre_id: int
    name: str
    evaluated: int | None  # interviews that gave this cadre a recommended grade; None unless shown
    grades: tuple[tuple[str, int], ...] | None  # None below k
    recommended: int | None  # None below k, or when the plan asks no recommendation


@dataclass(frozen=True)
class UnitSummary:
    interviews: int
    k: int
    complete: bool  # the unit's interviews are complete
    shown: bool  # complete and at least k interviews: the team's figures may be shown
    problem_tags: tuple[tuple[str, int], ...]  # most ticked first; empty below k
    cadres: tuple[CadreSummary, ...]


def summarise(
    records: Sequence[InterviewRecord],
    cadres: Sequence[tuple[int, str]],
    *,
    k: int,
    recommend: bool,
    complete: bool,
) -> UnitSummary:
    n = len(records)
    shown = complete and n >= k
    tags: Counter[str] = Counter()
    for record in records:
        tags.update(set(record.problem_tags) & set(PROBLEM_TAGS))
    order = {tag: i for i, tag in enumerate(PROBLEM_TAGS)}
    problem_tags = tuple(sorted(tags.items(), key=lambda item: (-item[1], order[item[0]]))) if shown else ()
    rows = []
    for cadre_id, name in cadres:
        given = [g for g in (r.grade_of(cadre_id) for r in records) if g]
        counts = Counter(given)
        grades = tuple((g, counts.get(g, 0)) for g in GRADES) if shown and len(given) >= k else None
        recommended = sum(1 for r in records if cadre_id in r.recommended) if recommend and shown else None
        rows.append(CadreSummary(cadre_id, name, len(given) if shown else None, grades, recommended))
    return UnitSummary(n, k, complete, shown, problem_tags, tuple(rows))

"""The k rule: results by rater group only for groups of at least k ballots.

Smaller groups are merged into 「其他」; if 「其他」 would itself hold fewer than k ballots, the smallest
shown group joins it, and so on. So every group shown (其他 included) holds at least k ballots or none,
and no difference of shown counts (total − shown groups) isolates fewer than k. With fewer than k ballots
in all, nothing is shown by group or by choice. Plain Python, no Django.
"""

from __future__ import annotations

from collections.abc import Mapping

OTHER = "其他"


def group_labels(ballots: Mapping[str, int], k: int) -> dict[str, str] | None:
    """Each rater group's label in the results (its own name or 其他); None when all is suppressed."""
    present = {group: n for group, n in ballots.items() if n > 0}
    total = sum(present.values())
    if total == 0 or total < k:
        return None
    shown = {group for group, n in present.items() if n >= k and group != OTHER}
    while True:
        other = sum(n for group, n in present.items() if group not in shown)
        if other == 0 or other >= k or not shown:
            break
        # The smallest shown group (by count, then name for a stable answer) joins 其他.
        shown.remove(min(shown, key=lambda group: (present[group], group)))
    return {group: group if group in shown else OTHER for group in present}

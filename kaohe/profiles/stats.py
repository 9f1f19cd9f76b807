"""Statistics for profiles and comparisons, in plain Python (no Django): intervals for figures from ballots
with the finite-population correction, whether a year-on-year change is beyond noise, and the predecessor
team matched on position histories.

A share from ballots (the 优秀 share of a cadre, say) is a sample of the raters expected (应到, N) by those
who came and voted validly (n). Its standard error is sqrt(p(1−p)/n · (N−n)/(N−1)): when every expected
rater voted (n = N) the share *is* the population's and has no sampling error, and the interval is the
point. Without a known N the correction is left out (an infinite population), which is the wider interval.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

Z95 = 1.959963984540054  # the two-sided 95% normal quantile


@dataclass(frozen=True)
class Interval:
    estimate: float
    se: float  # standard error; 0 when the whole population voted
    z: float = Z95

    @property
    def half_width(self) -> float:
        return self.z * self.se

    @property
    def low(self) -> float:
        return self.estimate - self.half_width

    @property
    def high(self) -> float:
        return self.estimate + self.half_width

    @property
    def exact(self) -> bool:
        return self.se == 0.0


def fpc(n: int, population: int | None) -> float:
    """The finite-population correction (N−n)/(N−1) applied to a variance; 1 when N is unknown."""
    if population is None:
        return 1.0
    if n > population:
        raise ValueError(f"有效票 {n} 多于应到人数 {population}")
    if population <= 1:
        return 0.0
    return (population - n) / (population - 1)


def share_interval(p: float, n: int, population: int | None = None, *, z: float = Z95) -> Interval:
    """The interval for a share ``p`` from ``n`` valid ballots of ``population`` expected raters."""
    if n <= 0:
        raise ValueError("有效票数必须大于 0")
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"比例 {p} 不在 0 与 1 之间")
    variance = p * (1.0 - p) / n * fpc(n, population)
    return Interval(p, math.sqrt(max(variance, 0.0)), z)


def mean_interval(
    mean: float, sd: float, n: int, population: int | None = None, *, z: float = Z95
) -> Interval:
    """The interval for a mean of ``n`` values with sample standard deviation ``sd``."""
    if n <= 0:
        raise ValueError("有效票数必须大于 0")
    variance = sd * sd / n * fpc(n, population)
    return Interval(mean, math.sqrt(max(variance, 0.0)), z)


@dataclass(frozen=True)
class Change:
    before: Interval
    after: Interval

    @property
    def difference(self) -> float:
        return self.after.estimate - self.before.estimate

    @property
    def se(self) -> float:
        # Two years' ballots are independent samples: their variances add.
        return math.sqrt(self.before.se**2 + self.after.se**2)

    @property
    def half_width(self) -> float:
        return max(self.before.z, self.after.z) * self.se

    @property
    def beyond_noise(self) -> bool:
        """The change's interval excludes 0 (a change of exactly 0 is never beyond noise)."""
        return abs(self.difference) > self.half_width and not math.isclose(
            self.difference, 0.0, abs_tol=1e-12
        )

    @property
    def word(self) -> str:
        if not self.beyond_noise:
            return "变化在误差范围内"
        return "上升" if self.difference > 0 else "下降"


def change(before: Interval, after: Interval) -> Change:
    return Change(before, after)


def spread(values: Iterable[float]) -> dict[str, float] | None:
    """min, quartiles and max (linear interpolation between order statistics) of a pool's figures."""
    ordered = sorted(values)
    if not ordered:
        return None

    def at(q: float) -> float:
        pos = q * (len(ordered) - 1)
        lo = math.floor(pos)
        hi = min(lo + 1, len(ordered) - 1)
        return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)

    return {"min": ordered[0], "q1": at(0.25), "median": at(0.5), "q3": at(0.75), "max": ordered[-1]}


# --- terms and the predecessor team -----------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """One post held in a unit: ``start`` None = held since before the records; ``end`` None = still held."""

    holder: str  # the cadre's code
    title: str
    principal: bool
    start: date | None
    end: date | None

    def covers(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    def overlaps(self, first: date | None, last: date) -> bool:
        starts_before_last = self.start is None or self.start <= last
        ends_after_first = first is None or self.end is None or self.end >= first
        return starts_before_last and ends_after_first


@dataclass(frozen=True)
class Term:
    """A principal's term (任期) and the members who served in it."""

    principal: Span
    first: date | None  # the principal's start (None: before the records)
    last: date | None  # the day before the successor took office, or the principal's end; None: still on
    members: tuple[Span, ...]  # every post of the unit held at some time in the term, the principal's first

    def years(self, through: int) -> list[int]:
        """The assessment years that belong to the term: those whose 31 December falls in it (to ``through``)."""
        first_year = self.first.year if self.first else through - 50
        end = self.last or date(through, 12, 31)
        return [y for y in range(first_year, through + 1) if _within(date(y, 12, 31), self.first, end)]


def _within(day: date, first: date | None, last: date) -> bool:
    return (first is None or first <= day) and day <= last


def _sort_key(span: Span) -> tuple[date, date]:
    return (span.start or date.min, span.end or date.max)


def principal_on(spans: Sequence[Span], day: date) -> Span | None:
    """The principal post held on ``day``; during a handover overlap, the newer holder."""
    holding = [s for s in spans if s.principal and s.covers(day)]
    return max(holding, key=_sort_key) if holding else None


def _members(spans: Sequence[Span], principal: Span, first: date | None, last: date) -> tuple[Span, ...]:
    others = sorted(
        (s for s in spans if s is not principal and s.overlaps(first, last)),
        key=lambda s: (not s.principal, s.start or date.min, s.holder),
    )
    return (principal, *others)


def current_term(spans: Sequence[Span], day: date) -> Term | None:
    principal = principal_on(spans, day)
    if principal is None:
        return None
    return Term(principal, principal.start, None, _members(spans, principal, principal.start, day))


def predecessor_term(spans: Sequence[Span], day: date) -> Term | None:
    """The term before the current principal's: the latest principal post of another holder that began
    before the current one took office (a holder moving from one principal title to another is one term).

    Its end is the day before the current principal took office, or the predecessor's own end if that came
    earlier (a gap with no principal); an overlap at the handover is cut at the successor's start. Members
    are those holding any post of the unit at some time in that term. None when there is no current
    principal, when the current one's start is not recorded (before the records), or no earlier principal."""
    current = principal_on(spans, day)
    if current is None or current.start is None:
        return None
    took_office = current.start
    earlier = [
        s
        for s in spans
        if s.principal and s.holder != current.holder and (s.start is None or s.start < took_office)
    ]
    if not earlier:
        return None
    previous = max(earlier, key=_sort_key)
    cut = took_office - timedelta(days=1)
    last = cut if previous.end is None or previous.end > cut else previous.end
    return Term(previous, previous.start, last, _members(spans, previous, previous.start, last))

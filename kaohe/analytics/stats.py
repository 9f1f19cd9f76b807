"""Small statistics: tail probabilities, Wilson intervals with the finite-population correction,
Benjamini–Hochberg."""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import NormalDist

_NORMAL = NormalDist()
Z95 = _NORMAL.inv_cdf(0.975)


def normal_upper(z: float) -> float:
    """P(Z ≥ z)."""
    return 0.5 * math.erfc(z / math.sqrt(2))


def student_upper(t: float, df: float) -> float:
    """P(T ≥ t) for Student's t with ``df`` degrees of freedom: heavier tails than the normal's, for a
    z-score whose scale was itself estimated from the data."""
    x = df / (df + t * t)
    tail = 0.5 * _incomplete_beta(df / 2, 0.5, x)
    return tail if t >= 0 else 1 - tail


def _incomplete_beta(a: float, b: float, x: float) -> float:
    """The regularised incomplete beta function I_x(a, b) (continued fraction, Numerical Recipes §6.4)."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    front = math.exp(
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x < (a + 1) / (a + b + 2):
        return front * _beta_fraction(a, b, x) / a
    return 1 - front * _beta_fraction(b, a, 1 - x) / b


def _beta_fraction(a: float, b: float, x: float) -> float:
    tiny = 1e-300
    c, d = 1.0, 1 - (a + b) * x / (a + 1)
    d = 1 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1 + numerator * d
            d = 1 / (d if abs(d) > tiny else tiny)
            c = 1 + numerator / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1) < 1e-15:
            break
    return h


def poisson_upper(count: int, mean: float) -> float:
    """P(X ≥ count) for X ~ Poisson(mean)."""
    if count <= 0:
        return 1.0
    if mean <= 0:
        return 0.0
    if count <= mean:
        # Near the middle: 1 − P(X ≤ count − 1), the short sum.
        below = sum(math.exp(k * math.log(mean) - mean - math.lgamma(k + 1)) for k in range(count))
        return max(0.0, min(1.0, 1 - below))
    # In the tail: Σ from count up, relative to the first term, until the terms vanish.
    first = count * math.log(mean) - mean - math.lgamma(count + 1)
    total, term, k = 1.0, 1.0, count
    while term > 1e-16 * total:
        k += 1
        term *= mean / k
        total += term
    return min(1.0, math.exp(first) * total)


def overdispersed_upper(count: int, mean: float, variance: float) -> float:
    """P(X ≥ count) for a count with this mean and variance: Poisson when the variance is no larger,
    else the negative binomial with the same two moments."""
    if variance <= mean * (1 + 1e-9) or mean <= 0:
        return poisson_upper(count, mean)
    if count <= 0:
        return 1.0
    r = mean * mean / (variance - mean)
    q = mean / variance  # success probability of the negative binomial NB(r, q): mean r(1−q)/q
    log_q, log_1q = math.log(q), math.log1p(-q)

    def log_pmf(k: int) -> float:
        return math.lgamma(k + r) - math.lgamma(r) - math.lgamma(k + 1) + r * log_q + k * log_1q

    first = log_pmf(count)
    total, k = 1.0, count + 1
    while k < count + 100_000:  # the terms fall geometrically once past the mode
        term = math.exp(log_pmf(k) - first)
        total += term
        if term < 1e-12 * total and k > mean:
            break
        k += 1
    return min(1.0, math.exp(first) * total)


def binomial_upper(count: int, n: int, p: float) -> float:
    """P(X ≥ count) for X ~ Binomial(n, p)."""
    if count <= 0:
        return 1.0
    if count > n:
        return 0.0
    if p <= 0:
        return 0.0
    if p >= 1:
        return 1.0
    logs = [
        math.lgamma(n + 1)
        - math.lgamma(k + 1)
        - math.lgamma(n - k + 1)
        + k * math.log(p)
        + (n - k) * math.log1p(-p)
        for k in range(count, n + 1)
    ]
    top = max(logs)
    return min(1.0, math.exp(top) * sum(math.exp(t - top) for t in logs))


def wilson(successes: int, n: int, population: int | None) -> tuple[float, float]:
    """A 95% Wilson interval for a share of n marks drawn from ``population`` raters (without
    replacement: the finite-population correction shrinks the variance by (N − n)/(N − 1))."""
    if n <= 0:
        return 0.0, 1.0
    p = successes / n
    if population is not None and population > 1 and n >= population:
        return p, p  # everyone voted: the share is the population's
    effective = float(n)
    if population is not None and population > n:
        effective = n * (population - 1) / (population - n)
    z2 = Z95 * Z95
    centre = (p + z2 / (2 * effective)) / (1 + z2 / effective)
    half = Z95 * math.sqrt(p * (1 - p) / effective + z2 / (4 * effective * effective)) / (1 + z2 / effective)
    return max(0.0, centre - half), min(1.0, centre + half)


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """q-values: each test's smallest false-discovery rate at which it is rejected (BH step-up)."""
    m = len(p_values)
    if not m:
        return []
    order = sorted(range(m), key=p_values.__getitem__)
    q = [1.0] * m
    smallest = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        smallest = min(smallest, p_values[i] * m / rank)
        q[i] = smallest
    return q


def robust_centre(values: Sequence[float]) -> tuple[float, float]:
    """Median and 1.4826·MAD (the sd of a normal sample, unmoved by a few outliers)."""
    ordered = sorted(values)
    n = len(ordered)
    median = (ordered[(n - 1) // 2] + ordered[n // 2]) / 2
    deviations = sorted(abs(v - median) for v in ordered)
    mad = (deviations[(n - 1) // 2] + deviations[n // 2]) / 2
    return median, 1.4826 * mad


TRIM = 3.0  # robust sds from the median beyond which a value is left out of the baseline's mean and sd
TRIMMED_SD = 0.98658  # the sd of a standard normal cut at ±3: the kept values' sd is divided by it


def trimmed_baseline(values: Sequence[float]) -> tuple[float, float, int]:
    """A baseline's centre and scale, and the degrees of freedom of that scale: the mean and sd of the values
    within three robust sds (1.4826·MAD) of the median, the sd corrected for the cut.

    On a clean sample it is nearly as precise as the sample's own sd (the MAD alone wastes almost two
    thirds of the sample: its z-scores need Student's t with about 0.37·n degrees of freedom), and the few
    far values it is meant to find do not move it."""
    median, mad = robust_centre(values)
    kept = [v for v in values if abs(v - median) <= TRIM * mad] if mad > 0 else list(values)
    n = len(kept)
    if n < 3:
        return median, mad, max(1, n - 1)
    mean = sum(kept) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in kept) / (n - 1)) / TRIMMED_SD
    return mean, sd, n - 1

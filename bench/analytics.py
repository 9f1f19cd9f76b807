"""Benchmark the integrity analytics (kaohe/analytics) on the generator's cycles.

    .venv/bin/python bench/analytics.py [--cycles 20] [--sessions 200] [--province] [--seed 1]

Detection: ``--cycles`` cycles of ``--sessions`` sessions each (kaohe/analytics/simulate.py: the clean
model and the anomalies at their stated strengths). In every cycle, 2.5% of the sessions carry each
anomaly (lenient, bloc, straight-lined, thin), each session at most one; the rest are clean. Per check:
the detection rate (planted sessions flagged by the check meant for them) and the false alarms after
Benjamini–Hochberg (clean sessions flagged, as a share of clean sessions; and the share of the check's
findings that are false: the realised false-discovery rate). A second set of all-clean cycles gives the
share of cycles with any false alarm.

--province: one cycle the size of a province (5,000 sessions, about 1.5 million marks; 50,000 cadres
and the rules engine's results for the weight check), timed: building the standings from the run's
inputs and results, and ``analyse``. Target ≤ 30 s.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kaohe.analytics import ballots  # noqa: E402
from kaohe.analytics.model import Check, Scope  # noqa: E402
from kaohe.analytics.report import analyse  # noqa: E402
from kaohe.analytics.simulate import (
    _CUTS,
    LENIENCY_SD,
    LENIENT_SHIFT,
    NOISE_SD,
    Plant,
    SimSession,
    make_cycle,
)  # noqa: E402
from kaohe.analytics.stats import benjamini_hochberg, normal_upper, overdispersed_upper  # noqa: E402

CHECKS = {
    Plant.LENIENT: Check.LENIENCY,
    Plant.BLOC: Check.BLOC,
    Plant.STRAIGHT: Check.STRAIGHT_LINING,
    Plant.THIN: Check.TURNOUT,
}
K = 3
FDR = 0.05


def oracle_leniency(made: list[SimSession]) -> set[str]:
    """What a test that knew each session's true mean quality could find: a session's mean latent location
    is its targets' mean quality (sd 1/√targets on a clean session) plus the shift; the oracle reads the
    exact normal tail of √targets · (mean quality + shift), with Benjamini–Hochberg at 5% as the checks. No
    test on the ballots can do better: they cannot tell good targets from lenient raters."""
    p_values = []
    for s in made:
        q = list(s.quality.values())
        shift = LENIENT_SHIFT if Plant.LENIENT in s.plants else 0.0
        p_values.append(normal_upper((sum(q) / len(q) + shift) * math.sqrt(len(q))))
    q_values = benjamini_hochberg(p_values)
    return {s.session.key for s, q in zip(made, q_values, strict=True) if q <= FDR}


def _true_shares(quality: float) -> list[float]:
    """A target's true chance of each choice (优秀 first) over raters of every leniency."""
    from statistics import NormalDist

    sd = math.sqrt(LENIENCY_SD**2 + NOISE_SD**2)
    below = [NormalDist(quality, sd).cdf(float(c)) for c in _CUTS]  # P(y < cut), cuts ascending
    return [1 - below[2], below[2] - below[1], below[1] - below[0], below[0]]


def known_shares_bloc(made: list[SimSession]) -> set[str]:
    """The bloc test as the analysis runs it (identical pairs, each ballot keeping its own choices, the
    negative-binomial tail), but with each target's true shares of each choice instead of the shares its
    marks give: what the test could find if estimating the shares cost nothing."""
    import numpy as np

    p_values = []
    for s in made:
        stats = ballots.session_stats(s.session)
        if s.session.ballots and stats.copied >= K:
            shares = {t: _true_shares(q) for t, q in s.quality.items()}
            expected = variance = 0.0
            counted = 0
            shapes: dict[tuple[tuple[str, ...], tuple[int, ...]], int] = Counter()
            members: dict[tuple[tuple[str, ...], tuple[int, ...]], list[int]] = {}
            for row, cast in stats.rows.items():
                seen = [0, 0, 0, 0]
                for _, c in row:
                    seen[c] += 1
                key = (tuple(t for t, _ in row), tuple(seen))
                shapes[key] += cast
                members.setdefault(key, []).append(cast)
            for (names, shape), cast in shapes.items():
                if cast < 2:
                    continue
                rows = np.array([shares[t] for t in names])
                z = ballots._arrangements(rows, shape)
                chance = ballots._arrangements(rows * rows, shape) / (z * z)
                triple = ballots._arrangements(rows**3, shape) / z**3
                expected += cast * (cast - 1) / 2 * chance
                variance += cast * (cast - 1) / 2 * chance * (1 - chance)
                variance += cast * (cast - 1) * (cast - 2) * max(0.0, triple - chance * chance)
                counted += sum(c * (c - 1) // 2 for c in members[(names, shape)])
            p_values.append(overdispersed_upper(counted, expected, variance))
        else:
            p_values.append(1.0)
    q_values = benjamini_hochberg(p_values)
    return {s.session.key for s, q in zip(made, q_values, strict=True) if q <= FDR}


def detection(cycles: int, sessions: int, seed: int) -> None:
    hits: Counter[Plant] = Counter()
    planted: Counter[Plant] = Counter()
    by_size: Counter[tuple[Plant, str, bool]] = Counter()  # (anomaly, targets band, detected)
    false: Counter[Check] = Counter()
    flagged: Counter[Check] = Counter()
    clean_total = 0
    references: Counter[tuple[str, str]] = Counter()  # (reference, "hit" | "false")
    started = time.perf_counter()
    every = max(1, round(sessions / (0.025 * sessions * len(CHECKS))))  # 2.5% of sessions per anomaly
    for c in range(cycles):
        kinds = list(CHECKS)
        plants = {i: frozenset({kinds[(i // every) % len(kinds)]}) for i in range(0, sessions, every)}
        data, made = make_cycle(seed + c, sessions, plants=plants)
        report = analyse(data, k=K)
        truth = {s.session.key: s.plants for s in made}
        clean = {key for key, p in truth.items() if not p}
        clean_total += len(clean)
        for plant, check in CHECKS.items():
            found = {f.subject for f in report.findings if f.check is check and f.scope is Scope.SESSION}
            mine = {key for key, p in truth.items() if plant in p}
            planted[plant] += len(mine)
            hits[plant] += len(found & mine)
            for s in made:
                if plant in s.plants:
                    band = "6–9" if len(s.quality) <= 9 else "10–14"
                    by_size[(plant, band, s.session.key in found)] += 1
            false[check] += len(found & clean)
            flagged[check] += len(found)
        for name, plant, reference in (
            ("leniency, oracle (true mean quality)", Plant.LENIENT, oracle_leniency(made)),
            ("bloc, the same test with the true shares", Plant.BLOC, known_shares_bloc(made)),
        ):
            references[(name, "hit")] += len(reference & {k for k, p in truth.items() if plant in p})
            references[(name, "false")] += len(reference & clean)
        for check in (Check.NO_SPREAD,):
            found = {f.subject for f in report.findings if f.check is check and f.scope is Scope.SESSION}
            false[check] += len(found & clean)
            flagged[check] += len(found)
    elapsed = time.perf_counter() - started
    print(f"{cycles} cycles × {sessions} sessions ({elapsed:.1f} s), k = {K}, FDR 5%")
    print("| check | planted | detected | rate | clean sessions flagged | share of clean | realised FDR |")
    print("|---|---|---|---|---|---|---|")
    for plant, check in CHECKS.items():
        rate = hits[plant] / planted[plant]
        fdr = false[check] / flagged[check] if flagged[check] else 0.0
        print(
            f"| {check.value} ({plant.value}) | {planted[plant]} | {hits[plant]} | {100 * rate:.1f}% "
            f"| {false[check]} | {100 * false[check] / clean_total:.2f}% | {100 * fdr:.1f}% |"
        )
    check = Check.NO_SPREAD
    print(
        f"| {check.value} (none planted) | — | — | — | {false[check]} | {100 * false[check] / clean_total:.2f}% | — |"
    )

    print("references no analysis of the ballots can reach (they know the generator's truth):")
    for name, plant in (
        ("leniency, oracle (true mean quality)", Plant.LENIENT),
        ("bloc, the same test with the true shares", Plant.BLOC),
    ):
        hit, false_ = references[(name, "hit")], references[(name, "false")]
        print(
            f"  {name}: {hit}/{planted[plant]} ({100 * hit / planted[plant]:.1f}%), "
            f"clean sessions flagged {false_} ({100 * false_ / clean_total:.2f}%)"
        )
    print("detection by the session's number of targets:")
    for plant in (Plant.LENIENT, Plant.BLOC):
        parts = []
        for band in ("6–9", "10–14"):
            caught, missed = by_size[(plant, band, True)], by_size[(plant, band, False)]
            if caught + missed:
                parts.append(
                    f"{band} targets {caught}/{caught + missed} ({100 * caught / (caught + missed):.0f}%)"
                )
        print(f"  {plant.value}: " + ", ".join(parts))


def all_clean(cycles: int, sessions: int, seed: int) -> None:
    any_false: Counter[Check] = Counter()
    for c in range(cycles):
        data, _ = make_cycle(seed + 1000 + c, sessions)
        report = analyse(data, k=K)
        for check in {f.check for f in report.findings if f.scope is Scope.SESSION}:
            any_false[check] += 1
    print(f"all-clean cycles: {cycles} × {sessions} sessions; cycles with any session finding, by check:")
    for check in (Check.LENIENCY, Check.NO_SPREAD, Check.STRAIGHT_LINING, Check.BLOC, Check.TURNOUT):
        print(f"  {check.value}: {any_false[check]} of {cycles} ({100 * any_false[check] / cycles:.0f}%)")


def province(seed: int) -> None:
    from dataclasses import replace

    from kaohe.analytics.simulate import rules_input
    from kaohe.analytics.weights import RunResult, standings
    from kaohe.rules.engine import assess

    t0 = time.perf_counter()
    data, _ = make_cycle(seed, 5000, targets_per_session=(8, 12))
    inputs = rules_input(data, seed=seed)
    t1 = time.perf_counter()
    assessment = assess(inputs)
    results = [
        RunResult(
            r.code,
            r.name,
            str(r.kind),
            r.pool,
            r.pool,
            r.composite,
            r.grade,
        )
        for r in assessment.results
    ]
    t2 = time.perf_counter()
    marks = sum(len(b.marks) for s in data.sessions for b in s.ballots)
    print(f"province: {len(data.sessions)} sessions, {marks:,} marks, {len(results):,} results")
    print(f"  generate {t1 - t0:.1f} s, rules engine {t2 - t1:.1f} s (not part of the analysis)")
    t3, c3 = time.perf_counter(), time.process_time()
    made = standings(inputs, results)  # counts the run's marks again with the rules' tally
    t4, c4 = time.perf_counter(), time.process_time()
    report = analyse(replace(data, inputs=inputs, standings=made), k=K)
    t5, c5 = time.perf_counter(), time.process_time()
    print(
        f"  wall: standings {t4 - t3:.1f} s, analyse {t5 - t4:.1f} s, total {t5 - t3:.1f} s (target ≤ 30 s); "
        f"CPU: {c4 - c3:.1f} + {c5 - c4:.1f} = {c5 - c3:.1f} s"
    )
    print(f"  findings: {dict(Counter(f.check.value for f in report.findings))}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cycles", type=int, default=20)
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--province", action="store_true")
    args = parser.parse_args()
    if args.province:
        province(args.seed)
        return
    detection(args.cycles, args.sessions, args.seed)
    all_clean(args.cycles, args.sessions, args.seed)


if __name__ == "__main__":
    main()

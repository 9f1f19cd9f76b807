"""``analyse``: every check on a cycle's data, one report."""

from __future__ import annotations

from decimal import Decimal

from kaohe.rules.arithmetic import integer_weights, to_decimal, weighted_mean
from kaohe.rules.model import RuleSettings

from . import ballots, samples, units, weights
from .model import Band, Check, CycleData, Finding, Report, Scope

ORDER = {check: i for i, check in enumerate(Check)}
SCOPES = {scope: i for i, scope in enumerate(Scope)}


def analyse(data: CycleData, *, k: int, fdr: float = ballots.FDR) -> Report:
    """Run every check; no figure computed from fewer than ``k`` ballots of one group is shown."""
    if k < 1:
        raise ValueError("k must be at least 1")
    settings = data.inputs.settings if data.inputs is not None else RuleSettings(year=data.year)
    stats = [ballots.session_stats(s) for s in data.sessions]
    stats = [s for s in stats if s.marks]
    findings: list[Finding] = []
    notes: list[str] = []
    for check in (ballots.leniency, ballots.straight_lining, ballots.blocs):
        found, note = check(stats, k, fdr)
        findings += found
        notes.append(note)
    found, note = ballots.turnout(stats, k)
    findings += found
    notes.append(note)

    tallies = samples.target_tallies(data.sessions)
    found, intervals, note = samples.intervals(
        tallies, data.targets, k, settings.admonish_line, settings.adjust_line
    )
    findings += found
    notes.append(note)
    found, note = samples.disagreement(tallies, data.targets, k, fdr)
    findings += found
    notes.append(note)

    bands: list[Band] = []
    if data.standings:
        found, bands, note = weights.weight_sensitivity(data.standings, settings, data.weight_range)
        findings += found
        notes.append(note)
        if data.previous:
            group_weights = integer_weights(settings.rater_group_weights)
            current: dict[str, tuple[Decimal, int]] = {}
            for s in data.standings:
                mean = weighted_mean(group_weights, s.groups).value if s.groups else None
                tally = tallies.get(s.code)
                if mean is not None and tally is not None:
                    current[s.code] = (to_decimal(mean), tally.n)
            found, note = samples.jumps(current, data.previous, data.targets, k, _mark_sd(stats), fdr)
            findings += found
            notes.append(note)

    found, note = units.departments(data.departments)
    findings += found
    if data.departments:
        notes.append(note)
    found, note = units.self_evaluations(data.self_evaluations)
    findings += found
    if data.self_evaluations:
        notes.append(note)

    findings.sort(key=lambda f: (ORDER[f.check], SCOPES[f.scope], -f.strength, f.subject))
    usable = [s for s in stats if s.ballots >= k]
    total = [sum(s.counts[i] for s in usable) for i in range(4)]
    marks = sum(total)
    baseline = tuple(c / marks for c in total) if marks else (0.0, 0.0, 0.0, 0.0)
    return Report(
        year=data.year,
        k=k,
        findings=findings,
        notes=notes,
        sessions=len(stats),
        ballots=sum(s.ballots for s in stats),
        marks=sum(s.marks for s in stats),
        baseline=baseline,  # type: ignore[arg-type]
        profiles=[ballots.profile(s) for s in usable],
        bands=bands,
        intervals=intervals,
    )


def _mark_sd(stats: list[ballots.SessionStats]) -> float:
    marks = sum(s.marks for s in stats)
    if not marks:
        return 0.0
    mean = sum(s.total for s in stats) / marks
    return float(max(0.0, sum(s.squares for s in stats) / marks - mean * mean) ** 0.5)

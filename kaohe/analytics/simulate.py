"""The generator the checks are measured on: a fixed clean model and planted anomalies of stated strength.

Clean model (bench/README.md describes it too). Each session assesses its own targets (one unit's team and
cadres). A target has a true quality q ~ N(0, 1); a rater has a leniency l ~ N(0, 0.3²); each mark is
y = q + l + e with noise e ~ N(0, 1) — the *noise unit* — and the choice is the band y falls in. The cut
points are the quantiles of y's distribution (sd √(1 + 1 + 0.09)) that give 30% 优秀, 55% 称职,
12% 基本称职 and 3% 不称职 over the cycle. Raters come in three groups (上级 3–6, 同级 6–12, 下级 10–24) and
85–100% of those expected turn up.

Anomalies, each planted in chosen sessions:
- ``lenient``: every rater's leniency shifted by +1.5 noise units;
- ``bloc``: 20% of the ballots (at least 3) replaced by copies of one ballot;
- ``straight``: 30% of the ballots (at least 3) give every target one choice, the rater's overall view;
- ``thin``: 40–59% of the raters expected turn up.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from statistics import NormalDist

import numpy as np

from kaohe.rules.model import CADRE_GRADES, Cadre, Mark, RuleSettings, Unit
from kaohe.rules.model import AssessmentInput as RulesInput

from .model import Ballot, CycleData, Session, Target

QUALITY_SD = 1.0
LENIENCY_SD = 0.3
NOISE_SD = 1.0  # the noise unit
SHARES = (0.30, 0.55, 0.12, 0.03)
GROUP_SIZES = {"上级": (3, 6), "同级": (6, 12), "下级": (10, 24)}
LENIENT_SHIFT = 1.5
BLOC_SHARE = 0.20
STRAIGHT_SHARE = 0.30
THIN_TURNOUT = (0.40, 0.59)
CLEAN_TURNOUT = (0.85, 1.0)


class Plant(enum.StrEnum):
    LENIENT = "lenient"
    BLOC = "bloc"
    STRAIGHT = "straight"
    THIN = "thin"


def cut_points() -> tuple[float, float, float]:
    """Thresholds on y, highest first: above the first is 优秀, …, below the last 不称职."""
    sd = math.sqrt(QUALITY_SD**2 + LENIENCY_SD**2 + NOISE_SD**2)
    normal = NormalDist(0, sd)
    top = normal.inv_cdf(1 - SHARES[0])
    middle = normal.inv_cdf(SHARES[2] + SHARES[3])
    bottom = normal.inv_cdf(SHARES[3])
    return top, middle, bottom


_CUTS = np.array(sorted(cut_points()))  # ascending, for searchsorted


def _choices(y: np.ndarray) -> np.ndarray:
    """Choice positions (0 = 优秀 … 3 = 不称职) of latent values."""
    return (3 - np.searchsorted(_CUTS, y)).astype(np.int8)


@dataclass(frozen=True)
class SimSession:
    session: Session
    quality: dict[str, float]
    plants: frozenset[Plant]


def make_session(
    rng: np.random.Generator,
    key: str,
    targets: Sequence[str],
    plants: frozenset[Plant] = frozenset(),
) -> SimSession:
    quality = rng.normal(0, QUALITY_SD, len(targets))
    expected = {group: int(rng.integers(low, high + 1)) for group, (low, high) in GROUP_SIZES.items()}
    turnout = THIN_TURNOUT if Plant.THIN in plants else CLEAN_TURNOUT
    groups: list[str] = []
    for group, n in expected.items():
        came = max(1, round(n * rng.uniform(*turnout)))
        groups += [group] * came
    n = len(groups)
    leniency = rng.normal(0, LENIENCY_SD, n)
    if Plant.LENIENT in plants:
        leniency += LENIENT_SHIFT
    y = quality[None, :] + leniency[:, None] + rng.normal(0, NOISE_SD, (n, len(targets)))
    marks = _choices(y)
    if Plant.STRAIGHT in plants:
        chosen = rng.choice(n, max(3, round(STRAIGHT_SHARE * n)), replace=False)
        overall = _choices(leniency[chosen] + rng.normal(0, NOISE_SD, len(chosen)))
        marks[chosen, :] = overall[:, None]
    if Plant.BLOC in plants:
        chosen = rng.choice(n, max(3, round(BLOC_SHARE * n)) + 1, replace=False)
        marks[chosen[1:], :] = marks[chosen[0], :]
    ballots = [
        Ballot(groups[i], tuple(zip(targets, (CADRE_GRADES[c] for c in marks[i]), strict=True)))
        for i in rng.permutation(n)
    ]
    session = Session(key, f"测评会{key}", ballots, expected)
    return SimSession(session, dict(zip(targets, quality.tolist(), strict=True)), plants)


def make_cycle(
    seed: int,
    sessions: int,
    targets_per_session: tuple[int, int] = (6, 14),
    plants: Mapping[int, frozenset[Plant]] | None = None,
) -> tuple[CycleData, list[SimSession]]:
    """``sessions`` sessions, session i with the anomalies ``plants[i]``; targets T{i}-{j} are cadres."""
    rng = np.random.default_rng(seed)
    plants = plants or {}
    made: list[SimSession] = []
    found: dict[str, Target] = {}
    for i in range(sessions):
        count = int(rng.integers(targets_per_session[0], targets_per_session[1] + 1))
        codes = [f"T{i:05d}{j:02d}" for j in range(count)]
        for j, code in enumerate(codes):
            found[code] = Target(code, f"干部{i}-{j}", "cadre")
        made.append(make_session(rng, f"S{i:05d}", codes, plants.get(i, frozenset())))
    data = CycleData(year=2025, sessions=[s.session for s in made], targets=found)
    return data, made


def rules_input(data: CycleData, seed: int = 0, settings: RuleSettings | None = None) -> RulesInput:
    """The same cycle for the rules engine: a unit per session, its targets cadres of it, with 平时考核
    and 领导评价 drawn around their quality, so that weights matter."""
    rng = np.random.default_rng(seed)
    units = [Unit(code=f"U{s.key}", name=f"单位{s.key}", category="乡镇") for s in data.sessions]
    cadres: list[Cadre] = []
    marks: list[Mark] = []
    for session in data.sessions:
        codes = sorted({target for ballot in session.ballots for target, _ in ballot.marks})
        for code in codes:
            regular, rating = (Decimal(str(round(float(v), 1))) for v in rng.uniform(70, 98, 2))
            cadres.append(
                Cadre(
                    code=code,
                    name=data.targets[code].name,
                    unit=f"U{session.key}",
                    regular=regular,
                    leader_rating=rating,
                )
            )
        for number, ballot in enumerate(session.ballots):
            ballot_id = f"{session.key}-{number:03d}"
            marks += [Mark(ballot_id, ballot.rater_group, target, choice) for target, choice in ballot.marks]
    return RulesInput(
        settings=settings or RuleSettings(year=data.year),
        units=units,
        cadres=cadres,
        marks=marks,
    )

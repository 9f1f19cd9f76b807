"""Checks on closed sessions' ballots: leniency and spread against the cycle's baseline, straight-lining,
bloc voting and turnout.

Each ballot is only its rater group and its marks. Choices are read by their place on the target's scale
(0 = 优秀 … 3 = 不称职 / 较差), worth 100, 80, 60 and 40 points, whatever the plan's values.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import NormalDist

import numpy as np

from kaohe.rules.model import CADRE_GRADES, TEAM_GRADES

from .model import Action, Check, Finding, Scope, Session, SessionProfile
from .stats import (
    benjamini_hochberg,
    binomial_upper,
    overdispersed_upper,
    robust_centre,
    student_upper,
    trimmed_baseline,
)

POSITION = {**{c: i for i, c in enumerate(CADRE_GRADES)}, **{c: i for i, c in enumerate(TEAM_GRADES)}}
POINTS = (100.0, 80.0, 60.0, 40.0)
MIN_MARKS_FOR_PATTERN = 3  # straight-lining and copies mean nothing on a ballot of one or two marks
MIN_SESSIONS_FOR_BASELINE = 8
# Baselines are a median and a MAD of the sessions: their z-scores are read on Student's t with this many
# degrees of freedom, whose tails allow for the outliers a few hundred sessions have.
TAIL_DF = 30
BASELINE_BALLOTS = 1000  # ballots a straight-lining rate is taken over
QUORUM = 2 / 3  # 实到 below two thirds of 应到: the sample is thin
FDR = 0.05


@dataclass(slots=True)
class SessionStats:
    key: str
    name: str
    ballots: int
    marks: int
    counts: list[int]  # marks per choice position
    total: float  # Σ points
    squares: float  # Σ points²
    groups: dict[str, list[int]]  # rater group → [ballots, marks, Σ points]
    patterned: Counter[int] = field(default_factory=Counter)  # ballots of m ≥ 3 marks, by m
    straight: Counter[int] = field(default_factory=Counter)  # of which straight-lined, by m
    identical_pairs: int = 0
    expected_pairs: float = 0.0
    pairs_variance: float = 0.0
    largest_expected: float = 0.0  # how many ballots chance gives the largest set's pattern
    counted_pairs: int = 0  # identical pairs among ballots of three marks or more
    copied: int = 0  # ballots that have an identical twin
    rows: Counter[tuple[tuple[str, int], ...]] = field(default_factory=Counter)  # distinct ballots, cast
    largest: int = 0  # the largest set of identical ballots
    expected: int = 0  # 应到, 0 when not set
    targets: int = 0  # distinct targets marked
    straight_chance: float = 0.0  # straight-lined ballots the session's own targets' shares give
    per_target: dict[str, list[int]] = field(default_factory=dict)  # target → marks per choice position

    @property
    def mean(self) -> float:
        return self.total / self.marks

    @property
    def sd(self) -> float:
        mean = self.mean
        return math.sqrt(max(0.0, self.squares / self.marks - mean * mean))


def session_stats(session: Session) -> SessionStats:
    counts = [0, 0, 0, 0]
    groups: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    patterned: Counter[int] = Counter()
    straight: Counter[int] = Counter()
    rows: Counter[tuple[tuple[str, int], ...]] = Counter()
    position = POSITION
    marks = 0
    per_target: dict[str, list[int]] = {}
    for ballot in session.ballots:
        places = [(target, position[choice]) for target, choice in ballot.marks if choice in position]
        m = len(places)
        if not m:
            continue
        for t, p in places:
            row = per_target.get(t)
            if row is None:
                row = per_target[t] = [0, 0, 0, 0]
            row[p] += 1
        group = groups[ballot.rater_group]
        group[0] += 1
        group[1] += m
        seen = [0, 0, 0, 0]
        for _, p in places:
            seen[p] += 1
        for p in range(4):
            counts[p] += seen[p]
        group[2] += 100 * seen[0] + 80 * seen[1] + 60 * seen[2] + 40 * seen[3]
        marks += m
        if m >= MIN_MARKS_FOR_PATTERN:
            patterned[m] += 1
            if max(seen) == m:
                straight[m] += 1
            places.sort()
            rows[tuple(places)] += 1
    total = float(100 * counts[0] + 80 * counts[1] + 60 * counts[2] + 40 * counts[3])
    squares = float(10000 * counts[0] + 6400 * counts[1] + 3600 * counts[2] + 1600 * counts[3])
    stats = SessionStats(
        session.key,
        session.name,
        sum(g[0] for g in groups.values()),
        marks,
        counts,
        total,
        squares,
        dict(groups),
        patterned,
        straight,
        expected=sum(session.expected.values()),
        targets=len(per_target),
        per_target=per_target,
    )
    stats.identical_pairs = sum(c * (c - 1) // 2 for c in rows.values())
    stats.copied = sum(c for c in rows.values() if c > 1)
    stats.largest = max(rows.values(), default=0)
    stats.straight_chance = _straight_chance(rows)
    if stats.copied:
        stats.rows = rows  # kept for the bloc test, which needs them only when there are copies
    return stats


def _straight_chance(rows: Counter[tuple[tuple[str, int], ...]]) -> float:
    """How many of the session's ballots would give every target one choice if each mark were drawn from
    its target's shares in this session: targets of much the same standing make it likely."""
    if not rows:
        return 0.0
    counts: dict[str, list[float]] = defaultdict(lambda: [0.25, 0.25, 0.25, 0.25])
    for ballot, cast in rows.items():
        for t, c in ballot:
            counts[t][c] += cast
    shares = {t: [v / sum(row) for v in row] for t, row in counts.items()}
    expected = 0.0
    for ballot, cast in rows.items():
        chance = 0.0
        for c in range(4):
            product = 1.0
            for t, _ in ballot:
                product *= shares[t][c]
            chance += product
        expected += cast * chance
    return expected


def identical_null(
    ballots: Sequence[tuple[tuple[str, int], ...]], copies: Sequence[int]
) -> tuple[int, float, float, float]:
    """How many identical ballots chance gives, when each ballot keeps its own choices (how many 优秀,
    称职 … it gives: its leniency) and each target draws the choices it deserves.

    The null: given a ballot's targets and its count of each choice, each arrangement x of those choices
    over its targets has probability ∏ₜ bₜ,ₓₜ / Z, where bₜ꜀ is the share of choice c among the target's
    marks and Z the sum over every arrangement. (Counting each distinct ballot once instead would hide
    how much honest raters agree on who is weak, and make their agreement look like copying.) An honest
    all-称职 ballot has one arrangement, so several are no evidence of a bloc; and raters agreeing that
    a clearly weak target is 基本称职 are not either.

    ``ballots`` are the distinct ballots, ``copies`` how many times each was cast. Returns the identical
    pairs counted, how many chance gives and the variance of that count, and how many ballots chance
    gives the pattern of the largest set of identical ones.
    """
    targets = sorted({t for ballot in ballots for t, _ in ballot})
    index = {t: i for i, t in enumerate(targets)}
    shares = np.full((len(targets), 4), 0.25)  # a quarter of a mark of each choice: no share is ever 0
    shapes: dict[tuple[tuple[str, ...], tuple[int, ...]], list[int]] = defaultdict(list)
    for j, ballot in enumerate(ballots):
        seen = [0, 0, 0, 0]
        for t, c in ballot:
            shares[index[t], c] += copies[j]
            seen[c] += 1
        shapes[(tuple(t for t, _ in ballot), tuple(seen))].append(j)
    shares /= shares.sum(axis=1, keepdims=True)
    expected_pairs = variance = 0.0
    counted: set[int] = set()
    likely: list[tuple[int, float]] = []  # (copies, how many chance gives) of each repeated pattern
    for (names, shape), members in shapes.items():
        cast = sum(copies[j] for j in members)
        if cast < 2:
            continue
        rows = shares[[index[t] for t in names]]
        z = _arrangements(rows, shape)
        chance = _arrangements(rows * rows, shape) / (z * z)  # that two such ballots are identical
        triple = _arrangements(rows * rows * rows, shape) / (z * z * z)  # that three are
        expected_pairs += cast * (cast - 1) / 2 * chance
        # Pairs that share a ballot are not independent (a = b and b = c make a = c): their covariance
        # widens the count's spread beyond a Poisson's.
        variance += cast * (cast - 1) / 2 * chance * (1 - chance)
        variance += cast * (cast - 1) * (cast - 2) * max(0.0, triple - chance * chance)
        counted.update(members)
        for j in members:
            if copies[j] > 1:
                share = float(np.prod([shares[index[t], c] for t, c in ballots[j]])) / z
                likely.append((copies[j], cast * share))
    observed = sum(copies[j] * (copies[j] - 1) // 2 for j in counted)
    largest = max(likely, key=lambda item: item[0], default=(0, 0.0))
    return observed, expected_pairs, variance, largest[1]


def _arrangements(rows: np.ndarray, counts: Sequence[int]) -> float:
    """Σ over the arrangements of ``counts`` choices over the rows' targets of ∏ rowₜ[choice]: the
    coefficient of z₀^c₀ z₁^c₁ z₂^c₂ z₃^c₃ in ∏ₜ Σ꜀ rowₜ꜀·z꜀. The last choice's count follows from the
    others' (the targets are all marked), so the state keeps three."""
    c0, c1, c2, _ = counts
    state = np.zeros((c0 + 1, c1 + 1, c2 + 1))
    state[0, 0, 0] = 1.0
    for row in rows:
        moved = state * row[3]
        moved[1:] += row[0] * state[:-1]
        moved[:, 1:] += row[1] * state[:, :-1]
        moved[:, :, 1:] += row[2] * state[:, :, :-1]
        state = moved
    return float(state[c0, c1, c2])


def profile(stats: SessionStats) -> SessionProfile:
    n = stats.marks
    shares = (stats.counts[0] / n, stats.counts[1] / n, stats.counts[2] / n, stats.counts[3] / n)
    return SessionProfile(stats.key, stats.name, stats.ballots, shares, stats.mean)


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def _tested(
    check: Check, tests: list[tuple[SessionStats, float, float, dict[str, str], str, Action]], fdr: float
) -> list[Finding]:
    """Findings of the tests rejected by Benjamini–Hochberg at ``fdr``; strength = −log10 q."""
    q_values = benjamini_hochberg([p for _, p, _, _, _, _ in tests])
    found = []
    for (stats, p, _, figures, sentence, action), q in zip(tests, q_values, strict=True):
        if q <= fdr:
            strength = -math.log10(max(q, 1e-300))
            found.append(
                Finding(
                    check, Scope.SESSION, stats.key, stats.name, strength, figures, sentence, action, p, q
                )
            )
    return found


def student_upper_z(z: float) -> float:
    return student_upper(z, TAIL_DF)


LOCATION_GRID = np.linspace(-4, 4, 321)
LOCATION_CHUNK = 20_000  # targets a pass: keeps the grid's matrix small (20,000 × 321 floats)


def target_locations(all_stats: Sequence[SessionStats]) -> list[float]:
    """Each session's mean of its targets' locations on the latent scale of an ordered-probit model whose
    cut points give the cycle's own shares of each choice.

    A target's location is its posterior mean on a grid: its marks read through the cut points with the
    cycle's within-target spread (the share of the marks' variance that is not between targets), and the
    targets' spread as the prior. The mean over a session's targets moves with a shift of all of them as
    their mean quality does: its spread over clean sessions is normal (tested on 20,000 generated
    sessions). A location fitted to the session's pooled marks is not: a session of good targets has a
    heavier upper tail, and it raised false alarms at the false-discovery bar.
    """
    rows = [(i, row) for i, s in enumerate(all_stats) for row in s.per_target.values()]
    counts = np.array([row for _, row in rows], dtype=float).reshape(-1, 4)  # targets × 4, 优秀 first
    owner = np.array([i for i, _ in rows], dtype=np.int64)
    if not len(counts):
        return [0.0] * len(all_stats)
    points = np.array(POINTS)
    n = counts.sum(axis=1)
    mean = counts @ points / n
    within = float(((counts @ (points**2) / n - mean * mean) * n).sum() / max(1.0, float((n - 1).sum())))
    grand = float((counts @ points).sum() / n.sum())
    total = float((counts @ (points**2)).sum() / n.sum() - grand * grand)
    share = within / total if total > 0 else 1.0
    w = math.sqrt(min(0.95, max(0.2, share)))  # the within-target sd, the marks' latent sd being 1
    pooled = counts.sum(axis=0) / counts.sum()
    below = np.cumsum(pooled[::-1])[:3]  # 不称职, … up: the cut points from the bottom
    normal = NormalDist()
    cuts = np.array([normal.inv_cdf(min(max(float(b), 1e-9), 1 - 1e-9)) for b in below])
    grid = LOCATION_GRID
    cdf = np.vectorize(normal.cdf)((cuts[None, :] - grid[:, None]) / w)  # grid × 3
    bands = np.diff(np.hstack([np.zeros((len(grid), 1)), cdf, np.ones((len(grid), 1))]), axis=1)
    log_bands = np.log(np.maximum(bands, 1e-300))[:, ::-1]  # grid × 4, 优秀 first as the counts
    prior = -0.5 * grid**2 / max(1e-6, 1 - w * w)
    located = np.empty(len(counts))
    for start in range(0, len(counts), LOCATION_CHUNK):
        part = counts[start : start + LOCATION_CHUNK] @ log_bands.T + prior[None, :]
        part -= part.max(axis=1, keepdims=True)
        weight = np.exp(part)
        located[start : start + LOCATION_CHUNK] = (weight @ grid) / weight.sum(axis=1)
    sums = np.bincount(owner, weights=located, minlength=len(all_stats))
    sizes = np.bincount(owner, minlength=len(all_stats))
    return [float(t / c) if c else 0.0 for t, c in zip(sums, sizes, strict=True)]


def leniency(all_stats: Sequence[SessionStats], k: int, fdr: float = FDR) -> tuple[list[Finding], str]:
    """Sessions whose targets' mean location sits far above the cycle's (one-sided; against the trimmed
    mean and sd of the sessions of at least k ballots, on Student's t), or whose marks have almost no
    spread (against the median and MAD of the sessions' sds); rater groups' mean marks against their own
    group's median and MAD."""
    usable = [s for s in all_stats if s.ballots >= k]
    if len(usable) < MIN_SESSIONS_FOR_BASELINE:
        return [], f"测评会少于 {MIN_SESSIONS_FOR_BASELINE} 个，未做评分偏宽和区分度检查（没有可比的基线）。"
    # A session's location varies with how good its few targets happen to be: as 1/√(targets). Each is
    # scaled by it before the sessions are compared, so a session of six targets is not flagged for the
    # spread that six targets have.
    locations = target_locations(usable)
    middle = robust_centre(locations)[0]
    scaled = [(loc - middle) * math.sqrt(max(1, s.targets)) for loc, s in zip(locations, usable, strict=True)]
    # The baseline's scale from the sessions within three robust sds of the median: a shifted session is
    # then measured against what clean sessions spread, with Student's t for the scale's own uncertainty
    # (the MAD's z-scores on t₃₀, as before, found 79% of the generator's lenient sessions; this 87.5%).
    centre_z, scale_z, df = trimmed_baseline(scaled)
    centre = robust_centre([s.mean for s in usable])[0]
    spread_centre, spread_scale = robust_centre([s.sd for s in usable])
    lenient: list[tuple[SessionStats, float, float, dict[str, str], str, Action]] = []
    flat: list[tuple[SessionStats, float, float, dict[str, str], str, Action]] = []
    for s, location in zip(usable, scaled, strict=True):
        z = (location - centre_z) / scale_z if scale_z > 0 else 0.0
        top = s.counts[0] / s.marks
        figures = {
            "有效票": str(s.ballots),
            "平均分": f"{s.mean:.1f}",
            "全年度基线": f"{centre:.1f}",
            "优秀占比": _pct(top),
        }
        sentence = (
            f"{s.name}的平均分 {s.mean:.1f}，全年度各测评会的中位数 {centre:.1f}；按各对象所得评价折算（计及对象人数），"
            f"评分比全年度基线高出 {z:.1f} 个标准差，优秀占比 {_pct(top)}，明显偏宽，可能存在“你好我好大家好”。"
        )
        lenient.append((s, student_upper(z, df), z, figures, sentence, Action.INTERVIEW))
        zs = (spread_centre - s.sd) / spread_scale if spread_scale > 0 else 0.0
        figures = {"有效票": str(s.ballots), "标准差": f"{s.sd:.1f}", "全年度基线": f"{spread_centre:.1f}"}
        sentence = (
            f"{s.name}的评分几乎没有区分度：标准差 {s.sd:.1f}，全年度中位数 {spread_centre:.1f}"
            f"（低 {zs:.1f} 个标准差），对不同对象给出的评价几乎相同。"
        )
        flat.append((s, student_upper_z(zs), zs, figures, sentence, Action.INTERVIEW))
    found = _tested(Check.LENIENCY, lenient, fdr) + _tested(Check.NO_SPREAD, flat, fdr)

    # Rater groups: each group's mean in a session against that group's own baseline. Only in sessions
    # whose every group has k ballots: with the session's own figures beside a group's, a smaller group's
    # would follow by difference.
    by_group: dict[str, list[tuple[SessionStats, float]]] = defaultdict(list)
    for s in usable:
        if any(ballots < k for ballots, _, _ in s.groups.values()):
            continue
        for group, (_, marks, points) in s.groups.items():
            by_group[group].append((s, points / marks))
    tests: list[tuple[SessionStats, float, float, dict[str, str], str, Action]] = []
    subjects: list[str] = []
    for group, rows in by_group.items():
        if len(rows) < MIN_SESSIONS_FOR_BASELINE:
            continue
        g_centre, g_scale = robust_centre([m for _, m in rows])
        for s, mean in rows:
            z = (mean - g_centre) / g_scale if g_scale > 0 else 0.0
            figures = {
                "评价人类别": group,
                "有效票": str(s.groups[group][0]),
                "平均分": f"{mean:.1f}",
                "全年度基线": f"{g_centre:.1f}",
            }
            sentence = f"{s.name}的{group}评价平均分 {mean:.1f}，比全年度{group}的中位数 {g_centre:.1f} 高出 {z:.1f} 个标准差。"
            tests.append((s, student_upper_z(z), z, figures, sentence, Action.INTERVIEW))
            subjects.append(group)
    q_values = benjamini_hochberg([t[1] for t in tests])
    for (s, p, _, figures, sentence, action), q, group in zip(tests, q_values, subjects, strict=True):
        if q <= fdr and not any(f.check is Check.LENIENCY and f.subject == s.key for f in found):
            found.append(
                Finding(
                    Check.LENIENCY,
                    Scope.SESSION,
                    f"{s.key}/{group}",
                    f"{s.name}·{group}",
                    -math.log10(max(q, 1e-300)),
                    figures,
                    sentence,
                    action,
                    p,
                    q,
                )
            )
    note = (
        f"评分偏宽、区分度：{len(usable)} 个测评会（有效票不少于 {k} 张）与全年度基线比较：评分位置按对象人数折算，"
        f"基线取剔除离群测评会后的均值和标准差（t 分布），区分度与各测评会标准差的中位数比较；"
        f"按 Benjamini–Hochberg 方法控制错误发现率在 {_pct(fdr)} 以内。"
    )
    return found, note


def straight_lining(all_stats: Sequence[SessionStats], k: int, fdr: float = FDR) -> tuple[list[Finding], str]:
    """Sessions with more ballots giving every target one choice than chance explains (binomial tail):
    chance being the larger of the cycle's rate for ballots of that length and what the session's own
    targets' shares give (a session of much alike targets straight-lines more often, honestly)."""
    patterned: Counter[int] = Counter()
    straight: Counter[int] = Counter()
    for s in all_stats:
        patterned.update(s.patterned)
        straight.update(s.straight)

    def base(m: int, s: SessionStats) -> float:
        # The rate among the other sessions' ballots of the same length, widened to m ± 1, ± 2 … only
        # until there are enough of them: the rate falls steeply with the length. A session's own
        # straight-lined ballots must not raise the bar it is measured against.
        lined = cast = 0
        for width in range(0, 20):
            near = {m - width, m + width}
            lined += sum(straight[j] - s.straight[j] for j in near)
            cast += sum(patterned[j] - s.patterned[j] for j in near)
            if cast >= BASELINE_BALLOTS:
                break
        return (lined + 0.5) / (cast + 1)

    tests = []
    for s in all_stats:
        n = sum(s.patterned.values())
        if s.ballots < k or not n:
            continue
        count = sum(s.straight.values())
        # The larger of what the cycle's rate and what the session's own targets make likely.
        expected = max(sum(base(m, s) * c for m, c in s.patterned.items()), s.straight_chance)
        p = binomial_upper(count, n, expected / n) if count >= k else 1.0
        figures = {"有效票": str(n), "整票同一选项": str(count), "随机应有": f"{expected:.1f}"}
        sentence = (
            f"{s.name}有 {count} 张票（占 {_pct(count / n)}）对所有对象给出同一选项，"
            f"按全年度的比例和各对象所得评价只应有约 {expected:.1f} 张，可能未逐一评价。"
        )
        tests.append((s, p, 0.0, figures, sentence, Action.VERIFY))
    note = (
        f"整票同一选项：{len(tests)} 个测评会，按其他测评会长度相近的票的比例与本测评会各对象所得评价中较高者计算二项分布尾概率，"
        f"Benjamini–Hochberg 控制错误发现率 {_pct(fdr)}。"
    )
    return _tested(Check.STRAIGHT_LINING, tests, fdr), note


def blocs(all_stats: Sequence[SessionStats], k: int, fdr: float = FDR) -> tuple[list[Finding], str]:
    """Sessions with more pairs of identical ballots than chance explains when each ballot keeps its own
    choices (its leniency) and only their places are random."""
    tests = []
    for s in all_stats:
        if s.ballots < k or not s.patterned:
            continue
        if s.copied >= k:
            null = identical_null(list(s.rows), list(s.rows.values()))  # every patterned ballot, once
            s.counted_pairs, s.expected_pairs, s.pairs_variance, s.largest_expected = null
        p = overdispersed_upper(s.counted_pairs, s.expected_pairs, s.pairs_variance) if s.copied >= k else 1.0
        figures = {
            "有效票": str(s.ballots),
            "完全相同的票": str(s.copied),
            "最大一组相同票": str(s.largest) if s.largest >= k else f"少于{k}",
            "相同票对数": str(s.counted_pairs),
            "随机应有对数": f"{s.expected_pairs:.2f}",
            "最大一组随机应有": f"{s.largest_expected:.2f}",
        }
        sentence = (
            f"{s.name}有 {s.copied} 张票与另一张完全相同（{s.counted_pairs} 对），"
            f"而各票保持各自宽严、各对象保持各自评价时，随机只应有约 {s.expected_pairs:.2f} 对；最大一组 {s.largest} 张相同，"
            f"随机只应有约 {s.largest_expected:.2f} 张；出现这种情况的概率约为 {p:.1e}。"
        )
        tests.append((s, p, 0.0, figures, sentence, Action.VERIFY))
    note = (
        f"雷同票：{len(tests)} 个测评会，零假设为每张票保留自己的选项构成（宽严不变）、每个对象保留自己所得的评价"
        f"（拟准独立模型），相同票对数按均值和方差相同的负二项分布计算概率，Benjamini–Hochberg 控制错误发现率 {_pct(fdr)}；只报告张数和概率。"
    )
    return _tested(Check.BLOC, tests, fdr), note


def turnout(all_stats: Sequence[SessionStats], k: int) -> tuple[list[Finding], str]:
    found = []
    for s in all_stats:
        if not s.expected:
            continue
        rate = s.ballots / s.expected
        if rate < QUORUM:
            came = str(s.ballots) if s.ballots >= k else f"少于{k}"
            figures = {
                "实到": came,
                "应到": str(s.expected),
                "实到率": _pct(rate) if s.ballots >= k else f"低于{_pct(QUORUM)}",
            }
            sentence = (
                f"{s.name}实到 {came} 人，应到 {s.expected} 人，实到率低于三分之二，测评结果代表性不足。"
            )
            found.append(
                Finding(
                    Check.TURNOUT,
                    Scope.SESSION,
                    s.key,
                    s.name,
                    1 - rate / QUORUM,
                    figures,
                    sentence,
                    Action.VERIFY,
                )
            )
    note = "实到率：实到人数低于应到人数三分之二的测评会列出（不是统计检验，不计入错误发现率）。"
    return found, note

"""Checks on each target's marks: intervals around its shares (thin samples), 上级 against 下级, and the
change from last year."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from .ballots import FDR, POSITION
from .model import Action, Check, Finding, Interval, Scope, Session, Target
from .stats import benjamini_hochberg, normal_upper, wilson

UPPER, LOWER = "上级", "下级"
MIN_GAP = 10.0  # points between 上级 and 下级 worth a word, whatever the test says
JUMP_Z = 3.0


@dataclass(slots=True)
class TargetTally:
    counts: list[int] = field(default_factory=lambda: [0, 0, 0, 0])
    groups: dict[str, list[float]] = field(default_factory=dict)  # group → [n, Σ points, Σ points²]
    population: int = 0  # Σ 应到 of its sessions (0 when a session has none set)
    sessions: int = 0

    @property
    def n(self) -> int:
        return sum(self.counts)


def target_tallies(sessions: Sequence[Session]) -> dict[str, TargetTally]:
    tallies: dict[str, TargetTally] = defaultdict(TargetTally)
    position = POSITION
    points = (100.0, 80.0, 60.0, 40.0)
    for session in sessions:
        population = sum(session.expected.values())
        seen: set[str] = set()
        for ballot in session.ballots:
            for target, choice in ballot.marks:
                p = position.get(choice)
                if p is None:
                    continue
                tally = tallies[target]
                tally.counts[p] += 1
                row = tally.groups.get(ballot.rater_group)
                if row is None:
                    row = tally.groups[ballot.rater_group] = [0.0, 0.0, 0.0]
                v = points[p]
                row[0] += 1
                row[1] += v
                row[2] += v * v
                seen.add(target)
        for target in seen:
            tally = tallies[target]
            tally.sessions += 1
            # A population is known only if every session of the target says how many were expected.
            tally.population = tally.population + population if population and tally.population >= 0 else -1
    for tally in tallies.values():
        if tally.population < 0:
            tally.population = 0
    return dict(tallies)


def intervals(
    tallies: Mapping[str, TargetTally],
    targets: Mapping[str, Target],
    k: int,
    admonish_line: Fraction,
    adjust_line: Fraction,
) -> tuple[list[Finding], list[Interval], str]:
    """A 95% interval (Wilson, finite-population corrected) around each target's 优秀率, 称职及以上率 and
    不称职率; flagged when the 称职及以上率's straddles 诫勉线 or the 不称职率's straddles 不称职线."""
    found: list[Finding] = []
    shown: list[Interval] = []
    admonish, adjust = float(admonish_line), float(adjust_line)
    for code, tally in sorted(tallies.items()):
        n = tally.n
        if n < k:
            continue
        target = targets.get(code)
        name = target.name if target else code
        team = target is not None and target.kind == "team"
        c = tally.counts
        good = c[0] + c[1] + (c[2] if team else 0)  # what 诫勉线 counts (rules.democratic.satisfactory)
        good_name = "一般及以上率" if team else "称职及以上率"
        bad_name = "较差率" if team else "不称职率"
        population = tally.population or None
        rows = [
            ("优秀率", c[0], None, ""),
            (good_name, good, admonish, "诫勉线"),
            (bad_name, c[3], adjust, "不称职线"),
        ]
        for share, count, line, line_name in rows:
            low, high = wilson(count, n, population)
            value = count / n
            straddles = line is not None and low < line < high
            if straddles or line is not None and abs(value - line) < 0.15:
                shown.append(Interval(code, name, share, value, low, high, line))
            if straddles and line is not None:
                side = (
                    "低于"
                    if value < line
                    else "不低于"
                    if share == good_name
                    else "高于"
                    if value > line
                    else "不高于"
                )
                figures = {
                    "有效票": str(n),
                    "应到": str(tally.population) if tally.population else "未设置",
                    share: f"{100 * value:.1f}%",
                    "95%区间": f"{100 * low:.1f}%–{100 * high:.1f}%",
                    line_name: f"{100 * line:.1f}%",
                }
                sentence = (
                    f"{name}的{share} {100 * value:.1f}%（{n} 张有效票）{side}{line_name}，但 95% 区间 "
                    f"{100 * low:.1f}%–{100 * high:.1f}% 跨过了{line_name}：样本不足以确定是否触及该线。"
                )
                strength = min(line - low, high - line) / max(high - low, 1e-9)
                found.append(
                    Finding(
                        Check.INTERVAL, Scope.TARGET, code, name, strength, figures, sentence, Action.VERIFY
                    )
                )
    note = (
        "样本偏少：每个对象的优秀率、称职及以上率、不称职率按 Wilson 方法给出 95% 区间，"
        "以应到人数作有限总体校正（应到人数未设置时不校正）；区间跨过诫勉线或不称职线时列出。"
    )
    return found, shown, note


def disagreement(
    tallies: Mapping[str, TargetTally], targets: Mapping[str, Target], k: int, fdr: float = FDR
) -> tuple[list[Finding], str]:
    """Targets whose 上级 and 下级 mean marks differ by more than noise (Welch z, two-sided, BH) and by at
    least ``MIN_GAP`` points. Only targets whose every rater group has at least k marks are compared."""
    tests: list[tuple[str, float, float, float, int, int]] = []
    for code, tally in tallies.items():
        up, down = tally.groups.get(UPPER), tally.groups.get(LOWER)
        # Every group that marked the target needs k marks, not just these two: the target's shares are
        # shown too, and a small third group's marks would follow from them by difference.
        if not up or not down or any(row[0] < k for row in tally.groups.values()):
            continue
        (n1, s1, q1), (n2, s2, q2) = up, down
        m1, m2 = s1 / n1, s2 / n2
        v1 = max(q1 / n1 - m1 * m1, 25.0) / n1  # a floor: a group of identical marks still has noise
        v2 = max(q2 / n2 - m2 * m2, 25.0) / n2
        z = (m1 - m2) / math.sqrt(v1 + v2)
        tests.append((code, 2 * normal_upper(abs(z)), m1, m2, int(n1), int(n2)))
    q_values = benjamini_hochberg([t[1] for t in tests])
    found = []
    for (code, p, m1, m2, n1, n2), q in zip(tests, q_values, strict=True):
        if q <= fdr and abs(m1 - m2) >= MIN_GAP:
            target = targets.get(code)
            name = target.name if target else code
            higher = "上级评价明显高于下级" if m1 > m2 else "下级评价明显高于上级"
            figures = {
                "上级平均分": f"{m1:.1f}",
                "上级票数": str(n1),
                "下级平均分": f"{m2:.1f}",
                "下级票数": str(n2),
            }
            sentence = f"{name}：{higher}（上级 {m1:.1f}，下级 {m2:.1f}），差距超出随机波动。"
            found.append(
                Finding(
                    Check.DISAGREEMENT,
                    Scope.TARGET,
                    code,
                    name,
                    -math.log10(max(q, 1e-300)),
                    figures,
                    sentence,
                    Action.INTERVIEW,
                    p,
                    q,
                )
            )
    note = f"上下级分歧：{len(tests)} 个对象（每类评价人各不少于 {k} 票），Welch 检验，Benjamini–Hochberg 控制错误发现率 {100 * fdr:.0f}%，且相差不少于 {MIN_GAP:.0f} 分。"
    return found, note


def jumps(
    current: Mapping[str, tuple[Decimal, int]],
    previous: Mapping[str, tuple[Decimal, int]],
    targets: Mapping[str, Target],
    k: int,
    sd: float,
    fdr: float = FDR,
) -> tuple[list[Finding], str]:
    """Democratic scores that moved from last year by more than the marks' noise explains."""
    tests = []
    for code, (score, n) in current.items():
        before = previous.get(code)
        if before is None or n < k or before[1] < k:
            continue
        se = sd * math.sqrt(1 / n + 1 / before[1])
        z = (float(score) - float(before[0])) / se if se > 0 else 0.0
        tests.append((code, 2 * normal_upper(abs(z)), z, score, before[0]))
    q_values = benjamini_hochberg([t[1] for t in tests])
    found = []
    for (code, p, z, now, then), q in zip(tests, q_values, strict=True):
        if q <= fdr and abs(z) >= JUMP_Z:
            target = targets.get(code)
            name = target.name if target else code
            way = "上升" if now > then else "下降"
            figures = {"上年": f"{then:.2f}", "本年": f"{now:.2f}", "变化": f"{now - then:+.2f}"}
            sentence = f"{name}的民主测评得分由上年 {then:.2f} {way}到 {now:.2f}，变化超出随机波动（{abs(z):.1f} 个标准误）。"
            found.append(
                Finding(
                    Check.JUMP, Scope.TARGET, code, name, abs(z), figures, sentence, Action.INTERVIEW, p, q
                )
            )
    note = f"与上年相比：{len(tests)} 个对象，按两年有效票数估计标准误，Benjamini–Hochberg 控制错误发现率。"
    return found, note

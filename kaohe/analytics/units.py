"""Checks on unit performance inputs: departments that score every unit alike or near full marks, and
self-evaluations far above the verified scores."""

from __future__ import annotations

import statistics
from collections.abc import Sequence

from .model import Action, Check, DepartmentScores, Finding, Scope, SelfEvaluation

MIN_UNITS = 5  # fewer units than this say nothing about a department's habits
ALIKE_SD = 1.0  # points: the units' mean scores hardly differ
FULL_MEAN = 98.0  # points
SELF_GAP = 10.0  # points above the verified score, on average over the unit's indicators
MIN_INDICATORS = 3


def departments(rows: Sequence[DepartmentScores]) -> tuple[list[Finding], str]:
    found = []
    for d in rows:
        means = [float(sum(s)) / len(s) for s in d.scores.values() if s]
        if len(means) < MIN_UNITS:
            continue
        mean, sd = statistics.fmean(means), statistics.pstdev(means)
        figures = {"评分单位数": str(len(means)), "平均分": f"{mean:.1f}", "标准差": f"{sd:.2f}"}
        if mean >= FULL_MEAN:
            sentence = f"{d.name}给 {len(means)} 个单位的评分平均 {mean:.1f} 分，接近满分，评分可能没有依据完成情况。"
            found.append(
                Finding(
                    Check.DEPARTMENT_FULL,
                    Scope.DEPARTMENT,
                    d.code,
                    d.name,
                    mean - FULL_MEAN,
                    figures,
                    sentence,
                    Action.VERIFY,
                )
            )
        elif sd < ALIKE_SD:
            sentence = f"{d.name}给 {len(means)} 个单位的评分几乎相同（标准差 {sd:.2f} 分），评分可能没有区分各单位的实绩。"
            found.append(
                Finding(
                    Check.DEPARTMENT_ALIKE,
                    Scope.DEPARTMENT,
                    d.code,
                    d.name,
                    ALIKE_SD - sd,
                    figures,
                    sentence,
                    Action.VERIFY,
                )
            )
    note = (
        f"职能部门评分：评分单位不少于 {MIN_UNITS} 个的部门，平均分不低于 {FULL_MEAN:.0f} 分或各单位平均分的标准差"
        f"小于 {ALIKE_SD:.0f} 分时列出。"
    )
    return found, note


def self_evaluations(rows: Sequence[SelfEvaluation]) -> tuple[list[Finding], str]:
    found = []
    for r in rows:
        pairs = list(zip(r.claimed, r.verified, strict=True))
        if len(pairs) < MIN_INDICATORS:
            continue
        gap = statistics.fmean(float(c - v) for c, v in pairs)
        if gap >= SELF_GAP:
            figures = {
                "指标数": str(len(pairs)),
                "自评平均": f"{statistics.fmean(float(c) for c, _ in pairs):.1f}",
                "核验平均": f"{statistics.fmean(float(v) for _, v in pairs):.1f}",
                "平均高出": f"{gap:.1f}",
            }
            sentence = f"{r.name}的自评平均比核验得分高 {gap:.1f} 分（{len(pairs)} 项指标），自评明显偏高。"
            found.append(
                Finding(
                    Check.SELF_EVALUATION,
                    Scope.TARGET,
                    r.unit,
                    r.name,
                    gap / SELF_GAP,
                    figures,
                    sentence,
                    Action.INTERVIEW,
                )
            )
    note = f"自评与核验：有不少于 {MIN_INDICATORS} 项指标既有自评又有核验的单位，自评平均高出 {SELF_GAP:.0f} 分以上时列出。"
    return found, note

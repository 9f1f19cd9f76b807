"""Flags from earlier years' grades, 往年等次 (rules §8)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .model import Kind


def history_flags(
    kind: Kind, grade: str, earlier: Mapping[int, str], year: int, principals: Sequence[str] = ()
) -> list[tuple[str, str]]:
    """(flag, Chinese reason) pairs, given this year's grade, the earlier grades by year and, for a team,
    the names of its unit's principal cadres."""
    who = f"主要负责人（{'、'.join(principals)}）" if principals else "主要负责人"
    found = []
    last, before = earlier.get(year - 1), earlier.get(year - 2)
    if kind is Kind.CADRE:
        if grade == "优秀" and last == "优秀" and before == "优秀":
            found.append(("third_class_merit", f"{year - 2}—{year}年连续三年优秀，具备记三等功资格"))
        if grade == "不称职" and last == "不称职":
            found.append(("dismissal", f"{year - 1}、{year}年连续两年不称职，按规定应予辞退"))
    elif grade == "较差":
        found.append(("leader_review", f"班子本年度为较差，其{who}及分管领导应予调整审查"))
    elif grade == "一般" and last == "一般":
        found.append(
            ("leader_review", f"班子{year - 1}、{year}年连续两年为一般，其{who}及分管领导应予调整审查")
        )
    return found

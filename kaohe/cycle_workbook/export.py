"""A cycle out as an assessment workbook (format v1): what ``cycle_assessment_input`` gives, written by
``kaohe.workbook.book_writer``, or refused with every unit and indicator still missing a score."""

from __future__ import annotations

import io
import os
from collections import defaultdict
from typing import IO

from kaohe.plans.models import AssessmentCycle
from kaohe.results.inputs import cycle_assessment_input, missing_indicator_scores
from kaohe.rules.model import AssessmentInput
from kaohe.workbook.book_writer import NotWritable, writable_problems, write_assessment_workbook


class ExportRefused(ValueError):
    """A cycle that cannot be written as a workbook yet; ``messages`` names each unit and indicator."""

    def __init__(self, messages: list[str]) -> None:
        self.messages = messages
        super().__init__("\n".join(messages))


def export_problems(data: AssessmentInput) -> list[str]:
    """Why ``data`` cannot be exported yet, naming units and indicators; empty when it can."""
    missing = missing_indicator_scores(data)
    if not missing:
        return writable_problems(data)
    units = {u.code: u.name for u in data.units}
    names = {(i.category, i.code): i.name for i in data.indicators}
    category = {u.code: u.category for u in data.units}
    by_unit: dict[str, list[str]] = defaultdict(list)
    for item in missing:
        name = names[(category[item.unit], item.indicator)]
        by_unit[item.unit].append(f"{item.indicator} {name}")
    return [
        f"单位「{code} {units[code]}」缺少指标得分：{'、'.join(found)}；请先补齐评分再导出"
        for code, found in by_unit.items()
    ]


def cycle_export_to(cycle: AssessmentCycle, target: str | os.PathLike[str] | IO[bytes]) -> AssessmentInput:
    """Write ``cycle`` as an assessment workbook to ``target``; raises ``ExportRefused`` first if it cannot."""
    data = cycle_assessment_input(cycle)
    problems = export_problems(data)
    if problems:
        raise ExportRefused(problems)
    try:
        write_assessment_workbook(data, target, check=False)
    except NotWritable as error:  # pragma: no cover — checked above
        raise ExportRefused(error.messages) from None
    return data


def cycle_export(cycle: AssessmentCycle) -> bytes:
    file = io.BytesIO()
    cycle_export_to(cycle, file)
    return file.getvalue()

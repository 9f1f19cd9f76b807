"""What is checked before anything of a book is written: what the engine would refuse, what the
database cannot hold, a cycle whose plan is frozen."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kaohe.ballots.models import Ballot
from kaohe.org.codes import code_clashes
from kaohe.org.models import Cadre, Unit, UnitCategory
from kaohe.performance.models import Veto
from kaohe.plans.models import AssessedCadre, AssessmentCycle, Indicator
from kaohe.rules import validation
from kaohe.rules.errors import InputError
from kaohe.rules.model import AssessmentInput
from kaohe.workbook.sheets import Problem, WorkbookError

# Column lengths of the models the book's text goes into.
_LENGTHS = (
    ("单位", "单位编码", lambda d: ((u.code, u.code) for u in d.units), Unit, "code"),
    ("单位", "单位名称", lambda d: ((u.code, u.name) for u in d.units), Unit, "name"),
    ("单位", "单位类别", lambda d: ((u.code, u.category) for u in d.units), UnitCategory, "name"),
    ("单位", "一票否决", lambda d: ((u.code, u.veto) for u in d.units), Veto, "item"),
    ("指标", "指标编码", lambda d: ((i.code, i.code) for i in d.indicators), Indicator, "code"),
    ("指标", "指标名称", lambda d: ((i.code, i.name) for i in d.indicators), Indicator, "name"),
    ("干部", "干部编码", lambda d: ((c.code, c.code) for c in d.cadres), Cadre, "code"),
    ("干部", "姓名", lambda d: ((c.code, c.name) for c in d.cadres), Cadre, "name"),
    ("干部", "职务", lambda d: ((c.code, c.post) for c in d.cadres), AssessedCadre, "post"),
    ("干部", "一票否决", lambda d: ((c.code, c.veto) for c in d.cadres), Veto, "item"),
    ("干部", "表现突出", lambda d: ((c.code, c.priority) for c in d.cadres), AssessedCadre, "priority"),
    ("测评票", "票号", lambda d: ((m.ballot, m.ballot) for m in _ballots(d)), Ballot, "number"),
    (
        "测评票",
        "评价人类别",
        lambda d: ((m.ballot, m.rater_group) for m in _ballots(d)),
        Ballot,
        "rater_group",
    ),
)


def _ballots(data: AssessmentInput) -> Iterator[Any]:
    seen: set[str] = set()
    for mark in data.marks:
        if mark.ballot not in seen:
            seen.add(mark.ballot)
            yield mark


def _length_problems(data: AssessmentInput) -> list[Problem]:
    problems = []
    for sheet, column, values, model, name in _LENGTHS:
        limit = model._meta.get_field(name).max_length
        for code, value in values(data):
            if value and len(value) > limit:
                problems.append(Problem(sheet, None, column, value, f"「{code}」的{column}超过{limit}个字"))
    return problems


def check_import(data: AssessmentInput) -> None:
    """What the engine would refuse, and what the database cannot hold; raises with every problem."""
    problems = _length_problems(data)
    clashes = code_clashes(unit_codes=(u.code for u in data.units), cadre_codes=(c.code for c in data.cadres))
    problems += [Problem("", None, None, None, message) for message in clashes]
    if problems:
        raise WorkbookError(problems)
    errors = validation.check(data)
    if errors:
        raise InputError(errors)


def frozen_problem(cycle: AssessmentCycle) -> Problem:
    return Problem(
        "参数",
        None,
        "年度",
        cycle.year,
        f"{cycle.year}年度考核已进入{cycle.get_phase_display()}阶段，考核方案已锁定，不能导入工作簿",
    )

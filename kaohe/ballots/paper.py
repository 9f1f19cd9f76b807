"""Paper ballots: typed twice and compared (双人录入), or imported from a workbook's 测评票 sheet.

This module holds what a paper ballot is (its fields, a reading cleaned, two readings compared) and reads
the 测评票 sheet; it touches no table. The writes are ``ballots.actions.paper``, the overview of a session's
entries is ``ballots.selectors.paper_overview``.

Who types: an organiser, or any account given the permission ``ballots.type_paper_ballots`` (a clerk of
the 考核办 lent for the day, an assessor). The first entry in slot 甲 or 乙 makes its author that slot's
typist for the session; the other slot must be someone else. Typists see only their own entries; the
organiser sees where the two differ (票号, target, 甲's reading, 乙's reading) and decides each difference
by taking 甲's or 乙's reading (if both misread, a typist corrects an entry, which drops the decision).

Committing turns every ballot whose two entries agree, or whose differences are all decided, into a Ballot
with its marks and answers, in one transaction that also deletes those entries and decisions; the audit
log keeps counts, never contents. What the paper says is stored as it is: a ballot with too many 优秀 or a
target ticked twice is the rules' to declare invalid when results are computed, not the typists'.

Paper sessions take entries, commits and imports while they are open (开始测评 … 结束测评); the session's
opening and closing times govern the hall, not the typing afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError

from kaohe.accounts import access
from kaohe.accounts.models import Role
from kaohe.ballots import filling
from kaohe.ballots.models import TemplateKind
from kaohe.workbook import layout as workbook_layout
from kaohe.workbook.sheets import Problems, WorkbookError, open_workbook, show

GROUP = "group"
NUMBER_MAX = 64
PERMISSION = access.PAPER_TYPIST_PERMISSION
NOTHING = "（未填）"
UNDECIDED = object()


def can_type(user: Any) -> bool:
    """Organisers, and accounts with the permission to type paper ballots."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.has_role(Role.ORGANISER) or user.has_perm(PERMISSION)


def _fail(message: str, code: str = "invalid") -> ValidationError:
    return ValidationError(message, code=code)


# --- what a paper ballot holds --------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One thing a typist reads off the paper; ``choices`` empty for a written reason."""

    key: str
    target: str  # the target's label; "" for the rater group
    question: str
    choices: tuple[str, ...] = ()

    @property
    def is_text(self) -> bool:
        return not self.choices


def paper_fields(layout: filling.Layout, groups: Sequence[str]) -> list[Field]:
    """The fields of a paper ballot in the order of the paper: rater group, then each target's questions."""
    found = [Field(GROUP, "", "评价人类别", tuple(groups))]
    for target in layout.targets:
        for index, item in enumerate(target.items):
            key = target.item_field(index)
            found.append(Field(key, target.label, item.name, item.choices))
            if item.reason_for:
                found.append(Field(f"{key}_r", target.label, f"{item.name}（理由）"))
        if target.overall:
            found.append(Field(target.field, target.label, "总体评价", target.overall))
    return found


def _as_list(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]  # type: ignore[attr-defined]


def clean_values(fields: Sequence[Field], data: Mapping[str, object]) -> dict[str, Any]:
    """A typist's reading in its stored form, or ValidationError naming every problem.

    ``data[key]`` is a list of the ticked choices (or one string); a reason is a string. Choices are kept
    in the order of the paper; the rater group is one value; empty fields are left out."""
    values: dict[str, Any] = {}
    errors: list[str] = []
    for f in fields:
        raw = data.get(f.key)
        if f.is_text:
            reason = " ".join(_as_list(raw)).strip()
            if len(reason) > filling.REASON_MAX:
                errors.append(
                    f"「{f.target}」的{f.question}最多 {filling.REASON_MAX} 字（现有 {len(reason)} 字）"
                )
            elif reason:
                values[f.key] = reason
            continue
        picked = {v.strip() for v in _as_list(raw) if v and v.strip()}
        unknown = sorted(picked - set(f.choices))
        where = f"「{f.target}」的「{f.question}」" if f.target else f"「{f.question}」"
        if unknown:
            errors.append(f"{where}：「{'、'.join(unknown)}」不是有效的选项（{'、'.join(f.choices)}）")
            continue
        if f.key == GROUP:
            if len(picked) != 1:
                errors.append("请选择评价人类别（一张票只有一个评价人类别）")
            else:
                values[GROUP] = picked.pop()
            continue
        if picked:
            values[f.key] = [c for c in f.choices if c in picked]
    for f in fields:
        # A reason belongs to its item's answer: without a choice there is nothing to attach it to.
        if f.is_text and f.key in values and f.key[: -len("_r")] not in values:
            errors.append(f"「{f.target}」的{f.question}已填写，但没有选择评价；请选择评价或清空理由")
    if errors:
        raise ValidationError(errors)
    return values


def show_value(value: object) -> str:
    if value is None or value == [] or value == "":
        return NOTHING
    return "、".join(_as_list(value))


@dataclass(frozen=True)
class Difference:
    field: Field
    a: object
    b: object
    decided: object = UNDECIDED  # the organiser's decision (None: nothing ticked)

    @property
    def a_text(self) -> str:
        return show_value(self.a)

    @property
    def b_text(self) -> str:
        return show_value(self.b)


@dataclass
class Comparison:
    """The state of one 票号: entries of 甲 and 乙, their differences, and the ballot once it is settled."""

    number: str
    a: dict[str, Any] | None
    b: dict[str, Any] | None
    differences: list[Difference] = field(default_factory=list)
    merged: dict[str, Any] | None = None

    @property
    def state(self) -> str:
        if self.a is None:
            return "only_b"
        if self.b is None:
            return "only_a"
        if self.merged is None:
            return "conflict"
        return "resolved" if self.differences else "agree"

    @property
    def single_slot(self) -> str:
        """The one slot that typed this 票号 so far ("" when both did)."""
        return "b" if self.a is None else "a" if self.b is None else ""

    @property
    def open_differences(self) -> list[Difference]:
        return [d for d in self.differences if d.decided is UNDECIDED]


def compare(
    fields: Sequence[Field], number: str, a: dict | None, b: dict | None, decided: Mapping[str, Any]
) -> Comparison:
    result = Comparison(number, a, b)
    if a is None or b is None:
        return result
    merged: dict[str, Any] = {}
    settled = True
    for f in fields:
        va, vb = a.get(f.key), b.get(f.key)
        if va == vb:
            if va is not None:
                merged[f.key] = va
            continue
        if f.key in decided and decided[f.key] in (va, vb):
            result.differences.append(Difference(f, va, vb, decided[f.key]))
            if decided[f.key] is not None:
                merged[f.key] = decided[f.key]
        else:
            result.differences.append(Difference(f, va, vb))
            settled = False
    result.merged = merged if settled else None
    return result


STATES = {
    "agree": "一致",
    "resolved": "已裁定",
    "conflict": "不一致",
    "only_a": "仅录入员甲录入",
    "only_b": "仅录入员乙录入",
}


@dataclass
class Overview:
    fields: list[Field]
    comparisons: list[Comparison]
    typists: dict[str, Any]  # slot → user
    entries: dict[str, int]  # slot → count

    def count(self, state: str) -> int:
        return sum(1 for c in self.comparisons if c.state == state)

    @property
    def counts(self) -> dict[str, int]:
        return {state: self.count(state) for state in STATES}

    @property
    def ready(self) -> list[Comparison]:
        return [c for c in self.comparisons if c.merged is not None]

    @property
    def conflicts(self) -> list[Comparison]:
        return [c for c in self.comparisons if c.state == "conflict"]

    @property
    def unpaired(self) -> list[Comparison]:
        return [c for c in self.comparisons if c.state in ("only_a", "only_b")]


def number_key(number: str) -> tuple:
    """票号 in their natural order: P2 before P10."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", number))


def clean_number(number: str) -> str:
    number = (number or "").strip()
    if not number:
        raise _fail("请填写票号", "number")
    if len(number) > NUMBER_MAX:
        raise _fail(f"票号「{number[:20]}…」超过 {NUMBER_MAX} 个字符", "number")
    return number


def ballot_rows(layout: filling.Layout, values: Mapping[str, Any]) -> tuple[list[tuple], list[tuple]]:
    """The marks and answers of one settled reading: (unit, cadre, choice), (unit, cadre, template, item,
    choice, reason). Every ticked choice is kept, so a target ticked twice gives two marks."""
    marks, answers = [], []
    for target in layout.targets:
        for choice in values.get(target.field, []):
            marks.append((target.unit_id, target.cadre_id, choice))
        for index, item in enumerate(target.items):
            key = target.item_field(index)
            reason = values.get(f"{key}_r", "")
            for choice in values.get(key, []):
                answers.append(
                    (target.unit_id, target.cadre_id, target.template_id, item.name, choice, reason)
                )
    return marks, answers


# --- the workbook's 测评票 sheet ------------------------------------------------------------------------------


def read_ballot_sheet(
    source: IO[bytes] | str,
    *,
    layout: filling.Layout,
    groups: Sequence[str],
    codes: Mapping[int, str],
    taken: set[str],
) -> list[tuple[str, str, list[tuple]]]:
    """The ballots of the file's 测评票 sheets, checked against the session (its ``layout``, rater ``groups``,
    its targets' ``codes`` by SessionTarget id, the 票号 already ``taken``); raises WorkbookError listing
    every problem (sheet, row, column, value)."""
    # A code is a target of the session with 总体评价: a unit's team ballot, or a cadre's ballot.
    targets: dict[str, filling.Target] = {}
    for target in layout.targets:
        if target.kind in (TemplateKind.TEAM, TemplateKind.CADRE):
            targets[codes[target.id]] = target
    problems = Problems()
    columns = workbook_layout.BALLOTS_SHEET.required_columns
    ballots: dict[str, tuple[str, str, int, list[tuple]]] = {}
    with open_workbook(source) as book:
        names = workbook_layout.ballot_sheet_names(book.sheet_names)
        if not names:
            problems.add("", None, None, "测评票", "缺少工作表「测评票」")
        for name in names:
            sheet = book.sheet(name, problems, required=columns, must_exist=True)
            if sheet is None:
                continue
            for row in sheet:
                number = row.get("票号", required=True)
                group = row.get("评价人类别", required=True)
                code = row.get("对象编码", required=True)
                choice = row.get("评价", required=True)
                if None in (number, group, code, choice):
                    continue
                ok = True
                if len(number) > NUMBER_MAX:
                    row.problem("票号", f"{show(number)}超过 {NUMBER_MAX} 个字符", number)
                    ok = False
                elif number in taken:
                    row.problem("票号", f"{show(number)}已计入本测评会的测评票", number)
                    ok = False
                if group not in groups:
                    row.problem(
                        "评价人类别",
                        f"{show(group)}不是本测评会的评价人类别（{'、'.join(groups)}）",
                        group,
                    )
                    ok = False
                target = targets.get(code)
                if target is None:
                    row.problem("对象编码", f"{show(code)}不是本测评会有总体评价的测评对象", code)
                    ok = False
                elif choice not in target.overall:
                    row.problem(
                        "评价", f"{show(choice)}不是有效的选项（{'、'.join(target.overall)}）", choice
                    )
                    ok = False
                first = ballots.get(number)
                if first is not None and first[1] != group and ok:
                    where = f"第{first[2]}行" if first[0] == sheet.name else f"{first[0]} 第{first[2]}行"
                    row.problem(
                        "评价人类别",
                        f"票号{show(number)}在{where}为{show(first[1])}，一张票只能有一个评价人类别",
                        group,
                    )
                    ok = False
                if not ok or target is None:
                    continue
                if first is None:
                    first = ballots[number] = (sheet.name, group, row.number, [])
                first[3].append((target.unit_id, target.cadre_id, choice))
    if not ballots and not problems:
        problems.add("测评票", None, None, None, "工作表「测评票」没有测评票")
    problems.check()
    return [(number, group, marks) for number, (_, group, _, marks) in ballots.items()]


__all__ = [
    "GROUP",
    "NUMBER_MAX",
    "STATES",
    "Comparison",
    "Difference",
    "Field",
    "Overview",
    "WorkbookError",
    "ballot_rows",
    "can_type",
    "clean_number",
    "clean_values",
    "compare",
    "number_key",
    "paper_fields",
    "read_ballot_sheet",
    "show_value",
]

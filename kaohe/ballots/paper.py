"""Paper ballots: typed twice and compared (双人录入), or imported from a workbook's 测评票 sheet.

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

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from kaohe.accounts import access
from kaohe.accounts.actors import Actor
from kaohe.accounts.models import Role
from kaohe.audit.actions import audit_record
from kaohe.ballots import filling, selectors
from kaohe.ballots.models import (
    Ballot,
    BallotItemAnswer,
    EvaluationSession,
    Mark,
    SessionKind,
    SessionStatus,
    TemplateKind,
)
from kaohe.ballots.paper_models import PaperEntry, PaperResolution, PaperTypist, TypistSlot
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


def session_fields(session: EvaluationSession) -> list[Field]:
    return paper_fields(
        selectors.session_layout(session), [g.name for g in selectors.session_groups(session)]
    )


def _number_key(number: str) -> tuple:
    # 票号 in their natural order: P2 before P10.
    import re

    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", number))


def paper_overview(session: EvaluationSession, fields: list[Field] | None = None) -> Overview:
    """Every 票号 typed in the session, compared (three queries and the layout's)."""
    fields = fields if fields is not None else session_fields(session)
    entries: dict[str, dict[str, dict]] = {TypistSlot.A: {}, TypistSlot.B: {}}
    for slot, number, values in PaperEntry.objects.filter(session=session).values_list(
        "slot", "number", "values"
    ):
        entries[slot][number] = values
    decisions = dict(PaperResolution.objects.filter(session=session).values_list("number", "values"))
    numbers = sorted(set(entries[TypistSlot.A]) | set(entries[TypistSlot.B]), key=_number_key)
    comparisons = [
        compare(
            fields,
            number,
            entries[TypistSlot.A].get(number),
            entries[TypistSlot.B].get(number),
            decisions.get(number, {}),
        )
        for number in numbers
    ]
    typists = {t.slot: t.user for t in PaperTypist.objects.filter(session=session).select_related("user")}
    return Overview(fields, comparisons, typists, {slot: len(found) for slot, found in entries.items()})


# --- writes ---------------------------------------------------------------------------------------------


def _lock_paper_session(session: EvaluationSession, *, open_only: bool = True) -> EvaluationSession:
    locked = EvaluationSession.objects.select_for_update().select_related("cycle").get(pk=session.pk)
    if locked.kind != SessionKind.PAPER:
        raise _fail(f"测评会「{locked.name}」不是纸质测评", "kind")
    if open_only and locked.status != SessionStatus.OPEN:
        raise _fail(
            f"测评会「{locked.name}」{locked.get_status_display()}，进行中的纸质测评会才能录入、裁定、计入或导入",
            "status",
        )
    return locked


def _claim(session: EvaluationSession, slot: str, actor: Actor) -> None:
    holders = {t.slot: t for t in PaperTypist.objects.filter(session=session).select_related("user")}
    mine = holders.get(slot)
    if mine is not None:
        if mine.user_id != actor.pk:
            raise _fail(f"{TypistSlot(slot).label}已由「{mine.user}」担任", "slot_taken")
        return
    other = holders.get(TypistSlot.B if slot == TypistSlot.A else TypistSlot.A)
    if other is not None and other.user_id == actor.pk:
        raise _fail(
            f"你已是本测评会的{TypistSlot(other.slot).label}；同一张票须由两个人分别录入", "same_typist"
        )
    PaperTypist.objects.create(session=session, slot=slot, user=actor)


def clean_number(number: str) -> str:
    number = (number or "").strip()
    if not number:
        raise _fail("请填写票号", "number")
    if len(number) > NUMBER_MAX:
        raise _fail(f"票号「{number[:20]}…」超过 {NUMBER_MAX} 个字符", "number")
    return number


def paper_entry_save(
    *,
    actor: Actor,
    session: EvaluationSession,
    slot: str,
    number: str,
    data: Mapping[str, object],
    replace: bool = False,
) -> PaperEntry:
    """Store one typist's reading of one paper ballot (``replace``: correct their own earlier entry).

    Correcting an entry drops the organiser's decision on that 票号, which is then compared afresh."""
    if slot not in TypistSlot.values:
        raise _fail(f"录入员「{slot}」无效", "slot")
    if not can_type(actor):
        raise _fail("你没有录入纸质测评票的权限", "permission")
    number = clean_number(number)
    with transaction.atomic():
        locked = _lock_paper_session(session)
        _claim(locked, slot, actor)
        values = clean_values(session_fields(locked), data)
        if Ballot.objects.filter(session=locked, number=number).exists():
            raise _fail(f"票号「{number}」已计入测评票，不能再录入", "committed")
        entry = PaperEntry.objects.filter(session=locked, slot=slot, number=number).first()
        if entry is not None and not replace:
            raise _fail(f"你已录入过票号「{number}」；如需修改，请在已录入列表中打开该票", "duplicate")
        if entry is None and replace:
            raise _fail(f"没有你录入的票号「{number}」", "missing")
        if entry is None:
            entry = PaperEntry.objects.create(session=locked, slot=slot, number=number, values=values)
        else:
            entry.values = values
            entry.save(update_fields=["values"])
            PaperResolution.objects.filter(session=locked, number=number).delete()
        # Counts and 票号 only: what a ballot says never enters the audit log.
        audit_record(
            actor=actor,
            action="paper_entry.correct" if replace else "paper_entry.create",
            obj=locked,
            after={"slot": slot, "number": number},
        )
        return entry


def paper_entry_delete(*, actor: Actor, session: EvaluationSession, slot: str, number: str) -> None:
    """Withdraw an entry (a 票号 mistyped): its typist, or an organiser."""
    with transaction.atomic():
        locked = _lock_paper_session(session)
        entry = PaperEntry.objects.filter(session=locked, slot=slot, number=number).first()
        if entry is None:
            raise _fail(f"没有{TypistSlot(slot).label}录入的票号「{number}」", "missing")
        typist = PaperTypist.objects.filter(session=locked, slot=slot).first()
        is_typist = typist is not None and typist.user_id == getattr(actor, "pk", None)
        if not is_typist and not actor.has_role(Role.ORGANISER):
            raise _fail("只有该录入员本人或考核办可以删除这条录入", "permission")
        entry.delete()
        PaperResolution.objects.filter(session=locked, number=number).delete()
        audit_record(
            actor=actor, action="paper_entry.delete", obj=locked, before={"slot": slot, "number": number}
        )


def paper_resolve(
    *, actor: Actor, session: EvaluationSession, number: str, picks: Mapping[str, str]
) -> PaperResolution:
    """Decide every difference of one 票号: ``picks[field] = "a" or "b"`` (whose reading is right)."""
    with transaction.atomic():
        locked = _lock_paper_session(session)
        fields = session_fields(locked)
        a = PaperEntry.objects.filter(session=locked, slot=TypistSlot.A, number=number).first()
        b = PaperEntry.objects.filter(session=locked, slot=TypistSlot.B, number=number).first()
        if a is None or b is None:
            raise _fail(f"票号「{number}」还没有两份录入，不能裁定", "unpaired")
        found = compare(fields, number, a.values, b.values, {})
        if not found.differences:
            raise _fail(f"票号「{number}」的两份录入一致，无需裁定", "agree")
        decided: dict[str, Any] = {}
        errors = []
        for difference in found.differences:
            pick = picks.get(difference.field.key, "")
            label = (
                f"「{difference.field.target}」的「{difference.field.question}」"
                if difference.field.target
                else f"「{difference.field.question}」"
            )
            if pick not in ("a", "b"):
                errors.append(f"请为{label}选择以录入员甲或录入员乙的录入为准")
                continue
            decided[difference.field.key] = difference.a if pick == "a" else difference.b
        if errors:
            raise ValidationError(errors)
        resolution, _ = PaperResolution.objects.update_or_create(
            session=locked, number=number, defaults={"values": decided}
        )
        audit_record(
            actor=actor,
            action="paper_entry.resolve",
            obj=locked,
            after={"number": number, "fields": len(decided)},
        )
        return resolution


@dataclass(frozen=True)
class Committed:
    ballots: int
    marks: int
    answers: int
    entries: int
    resolutions: int
    pending: int


def _rows(layout: filling.Layout, values: Mapping[str, Any]) -> tuple[list[tuple], list[tuple]]:
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


def _store(session: EvaluationSession, ballots: Iterable[tuple[str, str, list[tuple], list[tuple]]]) -> tuple:
    made_ballots, made_marks, made_answers = [], [], []
    for number, group, marks, answers in ballots:
        ballot = Ballot(session_id=session.pk, number=number, rater_group=group)
        made_ballots.append(ballot)
        made_marks += [Mark(ballot=ballot, unit_id=u, cadre_id=c, choice=ch) for u, c, ch in marks]
        made_answers += [
            BallotItemAnswer(
                ballot=ballot, unit_id=u, cadre_id=c, template_id=t, item=it, choice=ch, reason=r
            )
            for u, c, t, it, ch, r in answers
        ]
    Ballot.objects.bulk_create(made_ballots, batch_size=2000)
    Mark.objects.bulk_create(made_marks, batch_size=5000)
    BallotItemAnswer.objects.bulk_create(made_answers, batch_size=5000)
    return len(made_ballots), len(made_marks), len(made_answers)


def paper_ballots_commit(*, actor: Actor, session: EvaluationSession) -> Committed:
    """Every settled 票号 becomes a Ballot (with its marks and answers); its entries and decision are
    deleted. One transaction; the rest stay for typing or deciding."""
    with transaction.atomic():
        locked = _lock_paper_session(session)
        layout = selectors.session_layout(locked)
        fields = paper_fields(layout, [g.name for g in selectors.session_groups(locked)])
        overview = paper_overview(locked, fields)
        ready = overview.ready
        if not ready:
            raise _fail("没有可计入的测评票：两份录入一致或差异已全部裁定的票才能计入", "nothing")
        numbers = [c.number for c in ready]
        taken = sorted(
            Ballot.objects.filter(session=locked, number__in=numbers).values_list("number", flat=True)
        )
        if taken:
            raise _fail(f"票号「{'、'.join(taken[:10])}」已计入测评票", "committed")
        rows = []
        for comparison in ready:
            merged = comparison.merged or {}
            marks, answers = _rows(layout, merged)
            rows.append((comparison.number, merged[GROUP], marks, answers))
        ballots, marks, answers = _store(locked, rows)
        entries, _ = PaperEntry.objects.filter(session=locked, number__in=numbers).delete()
        resolutions, _ = PaperResolution.objects.filter(session=locked, number__in=numbers).delete()
        result = Committed(
            ballots, marks, answers, entries, resolutions, len(overview.comparisons) - len(ready)
        )
        audit_record(
            actor=actor,
            action="paper_ballots.commit",
            obj=locked,
            after={
                "ballots": ballots,
                "marks": marks,
                "answers": answers,
                "entries_purged": entries,
                "resolutions_purged": resolutions,
                "pending": result.pending,
            },
        )
        return result


def paper_entries_discard(*, actor: Actor, session: EvaluationSession) -> dict[str, int]:
    """Delete every entry, decision and typist of a paper session that are still there (after it closed,
    or to start the typing over). Counts go to the audit log."""
    with transaction.atomic():
        locked = _lock_paper_session(session, open_only=False)
        counts = {
            "entries": PaperEntry.objects.filter(session=locked).delete()[0],
            "resolutions": PaperResolution.objects.filter(session=locked).delete()[0],
            "typists": PaperTypist.objects.filter(session=locked).delete()[0],
        }
        if not any(counts.values()):
            raise _fail("没有待清除的录入数据", "nothing")
        audit_record(actor=actor, action="paper_entries.discard", obj=locked, before=counts)
        return counts


# --- the workbook's 测评票 sheet ------------------------------------------------------------------------------


def _read_sheet(session: EvaluationSession, source: IO[bytes] | str) -> list[tuple[str, str, list[tuple]]]:
    """The ballots of the file's 测评票 sheets, checked against the session; raises WorkbookError listing
    every problem (sheet, row, column, value)."""
    layout = selectors.session_layout(session)
    groups = [g.name for g in selectors.session_groups(session)]
    # A code is a target of the session with 总体评价: a unit's team ballot, or a cadre's ballot.
    targets: dict[str, filling.Target] = {}
    codes = {t.pk: (t.unit or t.cadre).code for t in selectors.session_targets(session)}
    for target in layout.targets:
        if target.kind in (TemplateKind.TEAM, TemplateKind.CADRE):
            targets[codes[target.id]] = target
    taken = set(Ballot.objects.filter(session=session).values_list("number", flat=True))
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


def paper_ballots_import(
    *, actor: Actor, session: EvaluationSession, source: IO[bytes] | str
) -> dict[str, int]:
    """Import the workbook's 测评票 sheet (票号, 评价人类别, 对象编码, 评价) into an open paper session:
    all or nothing, every problem named by sheet, row, column and value (``WorkbookError``). A target
    marked twice on one ballot is stored as the sheet says; the rules make that ballot invalid."""
    with transaction.atomic():
        locked = _lock_paper_session(session)
        found = _read_sheet(locked, source)
        ballots, marks, _ = _store(locked, ((n, g, m, []) for n, g, m in found))
        counts = {"ballots": ballots, "marks": marks}
        audit_record(actor=actor, action="paper_ballots.import", obj=locked, after=counts)
        return counts


__all__ = [
    "STATES",
    "Committed",
    "Comparison",
    "Difference",
    "Field",
    "Overview",
    "WorkbookError",
    "can_type",
    "clean_values",
    "compare",
    "paper_ballots_commit",
    "paper_ballots_import",
    "paper_entries_discard",
    "paper_entry_delete",
    "paper_entry_save",
    "paper_fields",
    "paper_overview",
    "paper_resolve",
    "session_fields",
    "show_value",
]

"""Paper ballots typed twice (双人录入), decided, committed, discarded, or imported from a 测评票 sheet.

Who types: an organiser, or any account given the permission ``ballots.type_paper_ballots``; the first
entry in slot 甲 or 乙 makes its author that slot's typist for the session, and the other slot must be
someone else (``ballots.paper`` has the rules of a reading; ``selectors.paper_overview`` compares them).
Committing turns every settled 票号 into a Ballot through ``storage.ballots_store``, in one transaction that
also deletes its entries and decision; the audit log keeps counts and 票号, never contents. Paper sessions
take entries, commits and imports while they are open.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from kaohe.accounts.actors import Actor
from kaohe.accounts.models import Role
from kaohe.audit.actions import audit_record
from kaohe.ballots import selectors, storage
from kaohe.ballots.actions.guards import fail
from kaohe.ballots.models import Ballot, EvaluationSession, SessionKind, SessionStatus
from kaohe.ballots.paper import (
    GROUP,
    ballot_rows,
    can_type,
    clean_number,
    clean_values,
    compare,
    paper_fields,
    read_ballot_sheet,
)
from kaohe.ballots.paper_models import PaperEntry, PaperResolution, PaperTypist, TypistSlot


def _lock_paper_session(session: EvaluationSession, *, open_only: bool = True) -> EvaluationSession:
    locked = EvaluationSession.objects.select_for_update().select_related("cycle").get(pk=session.pk)
    if locked.kind != SessionKind.PAPER:
        raise fail(f"测评会「{locked.name}」不是纸质测评", "kind")
    if open_only and locked.status != SessionStatus.OPEN:
        raise fail(
            f"测评会「{locked.name}」{locked.get_status_display()}，进行中的纸质测评会才能录入、裁定、计入或导入",
            "status",
        )
    return locked


def _claim(session: EvaluationSession, slot: str, actor: Actor) -> None:
    holders = {t.slot: t for t in PaperTypist.objects.filter(session=session).select_related("user")}
    mine = holders.get(slot)
    if mine is not None:
        if mine.user_id != actor.pk:
            raise fail(f"{TypistSlot(slot).label}已由「{mine.user}」担任", "slot_taken")
        return
    other = holders.get(TypistSlot.B if slot == TypistSlot.A else TypistSlot.A)
    if other is not None and other.user_id == actor.pk:
        raise fail(
            f"你已是本测评会的{TypistSlot(other.slot).label}；同一张票须由两个人分别录入", "same_typist"
        )
    PaperTypist.objects.create(session=session, slot=slot, user=actor)


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
        raise fail(f"录入员「{slot}」无效", "slot")
    if not can_type(actor):
        raise fail("你没有录入纸质测评票的权限", "permission")
    number = clean_number(number)
    with transaction.atomic():
        locked = _lock_paper_session(session)
        _claim(locked, slot, actor)
        values = clean_values(selectors.session_fields(locked), data)
        if Ballot.objects.filter(session=locked, number=number).exists():
            raise fail(f"票号「{number}」已计入测评票，不能再录入", "committed")
        entry = PaperEntry.objects.filter(session=locked, slot=slot, number=number).first()
        if entry is not None and not replace:
            raise fail(f"你已录入过票号「{number}」；如需修改，请在已录入列表中打开该票", "duplicate")
        if entry is None and replace:
            raise fail(f"没有你录入的票号「{number}」", "missing")
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
            after={"slot": slot},  # never the 票号: nothing in the log points at one paper ballot
        )
        return entry


def paper_entry_delete(*, actor: Actor, session: EvaluationSession, slot: str, number: str) -> None:
    """Withdraw an entry (a 票号 mistyped): its typist, or an organiser."""
    with transaction.atomic():
        locked = _lock_paper_session(session)
        entry = PaperEntry.objects.filter(session=locked, slot=slot, number=number).first()
        if entry is None:
            raise fail(f"没有{TypistSlot(slot).label}录入的票号「{number}」", "missing")
        typist = PaperTypist.objects.filter(session=locked, slot=slot).first()
        is_typist = typist is not None and typist.user_id == getattr(actor, "pk", None)
        if not is_typist and not actor.has_role(Role.ORGANISER):
            raise fail("只有该录入员本人或考核办可以删除这条录入", "permission")
        entry.delete()
        PaperResolution.objects.filter(session=locked, number=number).delete()
        audit_record(actor=actor, action="paper_entry.delete", obj=locked, before={"slot": slot})


def paper_resolve(
    *, actor: Actor, session: EvaluationSession, number: str, picks: Mapping[str, str]
) -> PaperResolution:
    """Decide every difference of one 票号: ``picks[field] = "a" or "b"`` (whose reading is right)."""
    with transaction.atomic():
        locked = _lock_paper_session(session)
        fields = selectors.session_fields(locked)
        a = PaperEntry.objects.filter(session=locked, slot=TypistSlot.A, number=number).first()
        b = PaperEntry.objects.filter(session=locked, slot=TypistSlot.B, number=number).first()
        if a is None or b is None:
            raise fail(f"票号「{number}」还没有两份录入，不能裁定", "unpaired")
        found = compare(fields, number, a.values, b.values, {})
        if not found.differences:
            raise fail(f"票号「{number}」的两份录入一致，无需裁定", "agree")
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
            after={"fields": len(decided)},
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


def _store(session: EvaluationSession, ballots: Iterable[tuple[str, str, list[tuple], list[tuple]]]) -> tuple:
    stored = storage.ballots_store(
        session.pk,
        (storage.OpenBallot(number, group, marks, answers) for number, group, marks, answers in ballots),
    )
    return stored.ballots, stored.marks, stored.answers


def paper_ballots_commit(*, actor: Actor, session: EvaluationSession) -> Committed:
    """Every settled 票号 becomes a Ballot (with its marks and answers); its entries and decision are
    deleted. One transaction; the rest stay for typing or deciding."""
    with transaction.atomic():
        locked = _lock_paper_session(session)
        layout = selectors.session_layout(locked)
        fields = paper_fields(layout, [g.name for g in selectors.session_groups(locked)])
        overview = selectors.paper_overview(locked, fields)
        ready = overview.ready
        if not ready:
            raise fail("没有可计入的测评票：两份录入一致或差异已全部裁定的票才能计入", "nothing")
        numbers = [c.number for c in ready]
        taken = sorted(
            Ballot.objects.filter(session=locked, number__in=numbers).values_list("number", flat=True)
        )
        if taken:
            raise fail(f"票号「{'、'.join(taken[:10])}」已计入测评票", "committed")
        rows = []
        for comparison in ready:
            merged = comparison.merged or {}
            marks, answers = ballot_rows(layout, merged)
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
            raise fail("没有待清除的录入数据", "nothing")
        audit_record(actor=actor, action="paper_entries.discard", obj=locked, before=counts)
        return counts


def paper_ballots_import(
    *, actor: Actor, session: EvaluationSession, source: IO[bytes] | str
) -> dict[str, int]:
    """Import the workbook's 测评票 sheet (票号, 评价人类别, 对象编码, 评价) into an open paper session:
    all or nothing, every problem named by sheet, row, column and value (``WorkbookError``). A target
    marked twice on one ballot is stored as the sheet says; the rules make that ballot invalid."""
    with transaction.atomic():
        locked = _lock_paper_session(session)
        found = read_ballot_sheet(
            source,
            layout=selectors.session_layout(locked),
            groups=[g.name for g in selectors.session_groups(locked)],
            codes={t.pk: (t.unit or t.cadre).code for t in selectors.session_targets(locked)},
            taken=set(Ballot.objects.filter(session=locked).values_list("number", flat=True)),
        )
        ballots, marks, _ = _store(locked, ((n, g, m, []) for n, g, m in found))
        counts = {"ballots": ballots, "marks": marks}
        audit_record(actor=actor, action="paper_ballots.import", obj=locked, after=counts)
        return counts

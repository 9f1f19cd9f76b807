"""Demo feedback: 2024's letters sent and talked over, rectification items closed and open (some overdue),
actions recorded for most results that call for one. Called from the demo loader after the reports, in its
transaction. Bulk writes and no document rendered: letters are rendered when someone downloads one."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from kaohe.accounts.models import Role, User
from kaohe.audit.actions import audit_record
from kaohe.feedback import actions, points
from kaohe.feedback.models import (
    ActionKind,
    Letter,
    LetterStatus,
    Rectification,
    RectificationStatus,
    RectificationUpdate,
    ResultAction,
)
from kaohe.plans.models import AssessmentCycle
from kaohe.results.feedback import flag_labels, latest_seal
from kaohe.results.models import FinalResult

YEAR = 2024
PROGRESS = {
    "closed": "整改措施已落实，考核组核验后销号。",
    "submitted": "整改已完成，申请销号。",
    "open": "已制定整改方案，正在落实。",
}


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def demo_feedback_load(year: int = YEAR) -> None:
    organiser = User.objects.filter(role=Role.ORGANISER).order_by("pk").first()
    cycle = AssessmentCycle.objects.filter(year=year).first()
    if organiser is None or cycle is None or latest_seal(cycle) is None:
        return
    if Letter.objects.filter(cycle=cycle).exists():  # loaded already
        return
    with transaction.atomic():
        actions.letters_prepare(actor=organiser, cycle=cycle, kind="team")
        actions.letters_prepare(actor=organiser, cycle=cycle, kind="cadre")
        sent, talked = datetime.date(2025, 2, 20), datetime.date(2025, 2, 26)
        letters = Letter.objects.filter(cycle=cycle, status=LetterStatus.DRAFT).exclude(recipient_name="")
        sent_count = letters.update(status=LetterStatus.SENT, sent_at=_at(sent), sent_by=organiser)
        Letter.objects.filter(cycle=cycle, status=LetterStatus.SENT).exclude(recipient=None).update(
            read_at=_at(sent + datetime.timedelta(days=1))
        )
        Letter.objects.filter(cycle=cycle, status=LetterStatus.SENT).update(
            talk_on=talked, talk_by="考核组组长"
        )
        items = []
        liaison_units = set(User.objects.filter(role=Role.LIAISON).values_list("unit_id", flat=True))
        for n, letter in enumerate(
            Letter.objects.filter(cycle=cycle, status=LetterStatus.SENT).order_by("pk")
        ):
            # Three letters in four fully closed, the fourth's items still open, past their deadline; a
            # liaison's unit has its first item open and the rest handed in for 销号.
            liaisons = letter.kind == "team" and letter.unit_id in liaison_units
            closed = n % 4 != 3 and not liaisons
            for number, problem in enumerate(letter.problems, start=1):
                status = RectificationStatus.CLOSED if closed else RectificationStatus.OPEN
                if liaisons and number > 1:
                    status = RectificationStatus.SUBMITTED
                items.append(
                    Rectification(
                        letter=letter,
                        cycle=cycle,
                        unit_id=letter.unit_id,
                        number=number,
                        problem=problem,
                        owner=letter.recipient_name,
                        measures="制定整改方案，明确责任分工，建立长效机制。",
                        deadline=datetime.date(2025, 6, 30),
                        status=status,
                        closed_by=organiser if closed else None,
                        closed_at=_at(datetime.date(2025, 7, 10)) if closed else None,
                        updated_at=_at(datetime.date(2025, 7, 10) if closed else datetime.date(2025, 4, 1)),
                    )
                )
        Rectification.objects.bulk_create(items)
        RectificationUpdate.objects.bulk_create(
            RectificationUpdate(
                item=item,
                text=PROGRESS[item.status],
                by=organiser,
                at=item.updated_at,
            )
            for item in Rectification.objects.filter(cycle=cycle)
        )
        ledger = []
        finals = FinalResult.objects.filter(seal=latest_seal(cycle)).order_by("kind", "code")
        for n, final in enumerate(finals):
            calls = points.due(final.grade, final.flags)
            if not calls or n % 3 == 2:  # a third left without a recorded action: the unhandled list
                continue
            action, extra = _action(final.grade, final.flags, n)
            ledger.append(
                ResultAction(
                    cycle=cycle,
                    kind=final.kind,
                    unit_id=final.unit_id,
                    cadre_id=final.cadre_id,
                    basis="、".join([final.grade, *flag_labels(final.flags)])[:50],
                    action=action,
                    decided_by="市委组织部",
                    decided_on=datetime.date(2025, 3, 15),
                    recorded_by=organiser,
                    recorded_at=_at(datetime.date(2025, 3, 16)),
                    **extra,
                )
            )
        ResultAction.objects.bulk_create(ledger)
        audit_record(
            actor=organiser,
            action="feedback.demo",
            object_type="feedback.letter",
            object_repr=f"{year}年度反馈、整改与结果运用（演示数据）",
            after={"sent": sent_count, "items": len(items), "actions": len(ledger)},
        )


def _action(grade: str, flags: list[str], n: int) -> tuple[str, dict]:
    if grade == "优秀":
        if "third_class_merit" in flags:
            return ActionKind.MERIT, {"document_no": f"示组考〔2025〕{n + 1}号"}
        return ActionKind.COMMENDATION, {"document_no": f"示组考〔2025〕{n + 1}号"}
    if grade in ("基本称职", "一般") or "admonish" in flags:
        return ActionKind.ADMONITION, {"held_on": datetime.date(2025, 3, 20), "held_by": "组织部副部长"}
    if grade in ("不称职", "较差") or "adjust" in flags:
        return ActionKind.ADJUSTMENT, {"note": "调整工作岗位"}
    return ActionKind.TRAINING, {"note": "参加年度专题培训"}

"""考核结果反馈意见书: prepared from the accepted reports, sent (its problems become 整改 items), read,
talked over."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kaohe.audit.actions import audit_record
from kaohe.feedback import points, selectors
from kaohe.feedback.models import Letter, LetterKind, LetterStatus, Rectification
from kaohe.plans.models import AssessmentCycle
from kaohe.reports.models import AnalysisReport, ReportStatus
from kaohe.results.feedback import latest_seal
from kaohe.results.models import FinalResult


def letters_prepare(*, actor: Any, cycle: AssessmentCycle, kind: str) -> int:
    """A letter for every accepted report of ``kind`` that has none yet; the points stripped of their sources.

    Only once the results are sealed: a letter states the final grade."""
    if kind not in LetterKind.values:
        raise ValidationError(f"没有「{kind}」这种反馈意见书")
    seal = latest_seal(cycle)
    if seal is None:
        raise ValidationError(f"{cycle.year}年度考核结果尚未审定，不能生成反馈意见书。")
    field = "unit_id" if kind == LetterKind.TEAM else "cadre_id"
    with transaction.atomic():
        done = set(Letter.objects.filter(cycle=cycle, kind=kind).values_list(field, flat=True))
        reports = [
            r
            for r in AnalysisReport.objects.filter(
                cycle=cycle, kind=kind, status=ReportStatus.ACCEPTED
            ).select_related("cadre")
            if getattr(r, field) not in done
        ]
        if not reports:
            return 0
        grades = {
            (f.kind, f.unit_id if f.kind == LetterKind.TEAM else f.cadre_id): f.grade
            for f in FinalResult.objects.filter(seal=seal, kind=kind)
        }
        names = selectors.rater_group_names(cycle)
        principals = selectors.unit_principals(cycle) if kind == LetterKind.TEAM else {}
        people = [
            principals.get(r.unit_id) if kind == LetterKind.TEAM else (r.cadre_id, r.cadre.name)
            for r in reports
        ]
        accounts = selectors.cadre_accounts({person[0] for person in people if person})
        now = timezone.now()
        letters = []
        for r, person in zip(reports, people, strict=True):
            key = r.unit_id if kind == LetterKind.TEAM else r.cadre_id
            recipient = accounts.get(person[0]) if person else None
            recipient_name = person[1] if person else ""
            sections = r.sections or {}
            letters.append(
                Letter(
                    cycle=cycle,
                    kind=kind,
                    unit_id=r.unit_id,
                    cadre_id=r.cadre_id,
                    grade=grades.get((kind, key), ""),
                    achievements=points.letter_points(sections.get("主要成绩", ""), names),
                    problems=points.problems(sections.get("存在不足", ""), names),
                    suggestions=points.letter_points(sections.get("意见建议", ""), names),
                    recipient=recipient,
                    recipient_name=recipient_name,
                    created_at=now,
                )
            )
        Letter.objects.bulk_create(letters)
        audit_record(
            actor=actor,
            action="letters.prepare",
            object_type="feedback.letter",
            object_repr=f"{cycle.year}年度{LetterKind(kind).label}考核结果反馈意见书",
            after={"kind": kind, "count": len(letters)},
        )
    return len(letters)


def _locked(letter: Letter) -> Letter:
    return (
        Letter.objects.select_for_update(of=("self",))
        .select_related("cycle", "unit", "cadre")
        .get(pk=letter.pk)
    )


def letter_send(*, actor: Any, letter: Letter) -> Letter:
    """Send the letter to its recipient; each problem becomes a rectification item of the unit."""
    with transaction.atomic():
        letter = _locked(letter)
        if letter.status == LetterStatus.SENT:
            raise ValidationError(
                f"「{letter}」已于 {timezone.localtime(letter.sent_at):%Y-%m-%d} 发送，不能重复发送。"
            )
        if not letter.recipient_name:
            raise ValidationError(f"「{letter}」没有接收人：请先在名册中标明{letter.unit.name}的主要负责人。")
        now = timezone.now()
        letter.status, letter.sent_at, letter.sent_by = LetterStatus.SENT, now, actor
        letter.save(update_fields=["status", "sent_at", "sent_by"])
        Rectification.objects.bulk_create(
            Rectification(
                letter=letter, cycle=letter.cycle, unit=letter.unit, number=n, problem=text, updated_at=now
            )
            for n, text in enumerate(letter.problems, start=1)
        )
        audit_record(
            actor=actor,
            action="letter.send",
            obj=letter,
            before={"status": LetterStatus.DRAFT},
            after={
                "status": letter.status,
                "recipient": letter.recipient_name,
                "items": len(letter.problems),
            },
        )
    return letter


def letter_read(*, actor: Any, letter: Letter) -> Letter:
    """The recipient opened the letter: every read audited, the first one remembered."""
    with transaction.atomic():
        letter = _locked(letter)
        first = letter.read_at is None and letter.recipient_id == getattr(actor, "pk", None)
        if first:
            letter.read_at = timezone.now()
            letter.save(update_fields=["read_at"])
        audit_record(actor=actor, action="letter.read", obj=letter, after={"first": first})
    return letter


def letter_talk_record(*, actor: Any, letter: Letter, held_on: datetime.date, talk_by: str) -> Letter:
    """The feedback talk (反馈谈话): when, and who talked to the recipient."""
    talk_by = talk_by.strip()
    if not talk_by:
        raise ValidationError("谈话人：请填写反馈谈话的谈话人。")
    if len(talk_by) > 200:
        raise ValidationError(f"谈话人：最多 200 个字，现有 {len(talk_by)} 个字。")
    if letter.status != LetterStatus.SENT:
        raise ValidationError(f"「{letter}」尚未发送，发送后再记录反馈谈话。")
    if held_on > timezone.localdate():
        raise ValidationError(f"谈话日期：{held_on} 晚于今天。")
    with transaction.atomic():
        letter = _locked(letter)
        before = {
            "talk_on": letter.talk_on.isoformat() if letter.talk_on else None,
            "talk_by": letter.talk_by,
        }
        letter.talk_on, letter.talk_by = held_on, talk_by
        letter.save(update_fields=["talk_on", "talk_by"])
        audit_record(
            actor=actor,
            action="letter.talk",
            obj=letter,
            before=before,
            after={"talk_on": held_on.isoformat(), "talk_by": talk_by},
        )
    return letter

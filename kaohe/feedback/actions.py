"""Writes of feedback letters, rectification and the ledger: one function each, one transaction, audited."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from kaohe.accounts.models import User
from kaohe.audit.actions import audit_record
from kaohe.ballots.models import SessionRaterGroup
from kaohe.feedback import points
from kaohe.feedback.models import (
    ActionKind,
    Letter,
    LetterKind,
    LetterStatus,
    Rectification,
    RectificationStatus,
    RectificationUpdate,
    ResultAction,
)
from kaohe.org.models import Cadre, Position, Unit
from kaohe.performance.evidence import validate_evidence
from kaohe.plans.models import AssessedCadre, AssessmentCycle
from kaohe.plans.rule_settings import cycle_rule_settings
from kaohe.reports.models import AnalysisReport, ReportStatus
from kaohe.results.feedback import flag_labels, latest_seal
from kaohe.results.models import FinalResult, Result

TEXT_MAX = 2000


def rater_group_names(cycle: AssessmentCycle) -> set[str]:
    """Every rater group named in the cycle: the sittings' and the computed results' (imported marks)."""
    names = set(
        SessionRaterGroup.objects.filter(session__cycle=cycle).values_list("name", flat=True).distinct()
    )
    seal = latest_seal(cycle)
    results = Result.objects.filter(run=seal.run) if seal else Result.objects.filter(run__cycle=cycle)
    for democratic in results.exclude(democratic=None).values_list("democratic", flat=True):
        names.update((democratic or {}).get("groups", {}).keys())
    # The stored rows merge small groups into 其他 (the k rule): the plan's weights name every group.
    names.update(cycle_rule_settings(cycle).rater_group_weights)
    return names


def _principals(cycle: AssessmentCycle) -> dict[int, tuple[int, str]]:
    """{unit id: (cadre id, name)} of each unit's 主要负责人: as assessed that year, else the current post."""
    found: dict[int, tuple[int, str]] = {}
    for unit_id, cadre_id, name in Position.objects.filter(principal=True, end__isnull=True).values_list(
        "unit_id", "cadre_id", "cadre__name"
    ):
        found.setdefault(unit_id, (cadre_id, name))
    for unit_id, cadre_id, name in AssessedCadre.objects.filter(cycle=cycle, principal=True).values_list(
        "unit_id", "cadre_id", "cadre__name"
    ):
        found[unit_id] = (cadre_id, name)
    return found


def _accounts(cadre_ids: set[int]) -> dict[int, User]:
    accounts: dict[int, User] = {}
    for user in User.objects.filter(cadre_id__in=cadre_ids, is_active=True).order_by("pk"):
        accounts.setdefault(user.cadre_id, user)
    return accounts


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
        names = rater_group_names(cycle)
        principals = _principals(cycle) if kind == LetterKind.TEAM else {}
        people = [
            principals.get(r.unit_id) if kind == LetterKind.TEAM else (r.cadre_id, r.cadre.name)
            for r in reports
        ]
        accounts = _accounts({person[0] for person in people if person})
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


# --- rectification ------------------------------------------------------------------------------------------


def _text(label: str, value: str, required: bool = False, limit: int = TEXT_MAX) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(f"{label}：请填写。")
    if len(value) > limit:
        raise ValidationError(f"{label}：最多 {limit} 个字，现有 {len(value)} 个字。")
    return value


def _item_locked(item: Rectification) -> Rectification:
    return (
        Rectification.objects.select_for_update(of=("self",))
        .select_related("letter", "cycle", "unit")
        .get(pk=item.pk)
    )


def rectification_update(
    *,
    actor: Any,
    item: Rectification,
    owner: str,
    measures: str,
    deadline: datetime.date | None,
    progress: str = "",
    upload: UploadedFile | None = None,
    done: bool = False,
) -> Rectification:
    """The unit (or the cadre) answers an item: owner, measures, deadline, a progress note, evidence; with
    ``done`` the item is handed in for verification (待销号)."""
    owner = _text("责任人", owner, required=True, limit=100)
    measures = _text("整改措施", measures, required=True)
    progress = _text("整改进展", progress)
    if deadline is None:
        raise ValidationError("整改时限：请填写日期。")
    if upload is not None:
        validate_evidence(upload)
    if done and not (progress or upload):
        raise ValidationError("申请销号：请写明整改完成情况或上传佐证材料。")
    stored: list[str] = []
    try:
        with transaction.atomic():
            item = _item_locked(item)
            if item.status == RectificationStatus.CLOSED:
                raise ValidationError(f"整改事项{item.number}已销号，不能再修改。")
            before = {
                "owner": item.owner,
                "measures": item.measures,
                "deadline": item.deadline.isoformat() if item.deadline else None,
                "status": item.status,
            }
            item.owner, item.measures, item.deadline = owner, measures, deadline
            if done:
                item.status = RectificationStatus.SUBMITTED
            item.updated_at = timezone.now()
            item.save()
            if progress or upload is not None:
                update = RectificationUpdate(
                    item=item, text=progress or "上传佐证材料", by=actor, at=item.updated_at
                )
                if upload is not None:
                    update.file.save(upload.name, upload, save=False)
                    stored.append(update.file.name)
                    update.file_name = upload.name[:200]
                update.save()
            audit_record(
                actor=actor,
                action="rectification.submit" if done else "rectification.update",
                obj=item,
                before=before,
                after={
                    "owner": owner,
                    "measures": measures,
                    "deadline": deadline.isoformat(),
                    "status": item.status,
                    "progress": progress,
                    "file": upload.name if upload is not None else "",
                },
            )
    except Exception:
        for name in stored:
            default_storage.delete(name)
        raise
    return item


def rectification_close(*, actor: Any, item: Rectification) -> Rectification:
    """Verified: 销号. Only an item handed in as done (待销号)."""
    with transaction.atomic():
        item = _item_locked(item)
        if item.status != RectificationStatus.SUBMITTED:
            raise ValidationError(f"整改事项{item.number}尚未申请销号（当前：{item.get_status_display()}）。")
        item.status, item.closed_by, item.closed_at = RectificationStatus.CLOSED, actor, timezone.now()
        item.updated_at = item.closed_at
        item.reopen_reason = ""
        item.save()
        audit_record(
            actor=actor,
            action="rectification.close",
            obj=item,
            before={"status": RectificationStatus.SUBMITTED},
            after={"status": item.status},
        )
    return item


def rectification_reopen(*, actor: Any, item: Rectification, reason: str) -> Rectification:
    """Not done yet: back to 整改中, with the reason written into the item's history."""
    reason = _text("退回理由", reason, required=True)
    with transaction.atomic():
        item = _item_locked(item)
        if item.status == RectificationStatus.OPEN:
            raise ValidationError(f"整改事项{item.number}正在整改中，无需退回。")
        before = {"status": item.status}
        item.status, item.reopen_reason = RectificationStatus.OPEN, reason
        item.closed_by, item.closed_at, item.updated_at = None, None, timezone.now()
        item.save()
        RectificationUpdate.objects.create(
            item=item, text=f"退回重新整改：{reason}", by=actor, at=item.updated_at
        )
        audit_record(
            actor=actor,
            action="rectification.reopen",
            obj=item,
            before=before,
            after={"status": item.status, "reason": reason},
        )
    return item


# --- the ledger ---------------------------------------------------------------------------------------------


def result_action_record(
    *,
    actor: Any,
    cycle: AssessmentCycle,
    unit: Unit,
    cadre: Cadre | None,
    action: str,
    decided_by: str,
    decided_on: datetime.date,
    document_no: str = "",
    held_on: datetime.date | None = None,
    held_by: str = "",
    coefficient: Decimal | None = None,
    note: str = "",
) -> ResultAction:
    """Record what was done with a sealed result (结果运用): the subject must have one in the cycle."""
    if action not in ActionKind.values:
        raise ValidationError(f"运用方式：没有「{action}」这一项。")
    label = ActionKind(action).label
    decided_by = _text("决定人/机关", decided_by, required=True, limit=100)
    document_no = _text("文号", document_no, limit=100)
    held_by = _text("谈话人/实施人", held_by, limit=100)
    note = _text("说明", note)
    if action in (ActionKind.COMMENDATION, ActionKind.MERIT) and not document_no:
        raise ValidationError(f"{label}：请填写文号。")
    if action == ActionKind.ADMONITION and (held_on is None or not held_by):
        raise ValidationError("诫勉谈话：请填写谈话日期和谈话人。")
    if action == ActionKind.BONUS and (coefficient is None or not Decimal(0) <= coefficient <= Decimal(5)):
        raise ValidationError(f"奖金系数：请填写 0 到 5 之间的数，现为「{coefficient}」。")
    if decided_on > timezone.localdate():
        raise ValidationError(f"决定日期：{decided_on} 晚于今天。")
    seal = latest_seal(cycle)
    kind = LetterKind.CADRE if cadre is not None else LetterKind.TEAM
    finals = (
        FinalResult.objects.filter(seal=seal, kind=kind, unit=unit) if seal else FinalResult.objects.none()
    )
    final = finals.filter(cadre=cadre).first() if cadre is not None else finals.first()
    if final is None:
        subject = cadre.name if cadre is not None else f"{unit.name}领导班子"
        raise ValidationError(f"{subject}在{cycle.year}年度没有已审定的考核结果。")
    with transaction.atomic():
        entry = ResultAction.objects.create(
            cycle=cycle,
            kind=kind,
            unit=unit,
            cadre=cadre,
            basis="、".join([final.grade, *flag_labels(final.flags)])[:50],
            action=action,
            document_no=document_no,
            held_on=held_on,
            held_by=held_by,
            coefficient=coefficient if action == ActionKind.BONUS else None,
            note=note,
            decided_by=decided_by,
            decided_on=decided_on,
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            action="result_action.record",
            obj=entry,
            after={
                "subject": final.name,
                "action": action,
                "document_no": document_no,
                "held_on": held_on.isoformat() if held_on else None,
                "held_by": held_by,
                "coefficient": str(coefficient) if coefficient is not None else None,
                "decided_by": decided_by,
                "decided_on": decided_on.isoformat(),
            },
        )
    return entry

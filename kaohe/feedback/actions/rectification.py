"""整改 items to closure: updated by the unit, closed (销号) or sent back by the organiser."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from kaohe.audit.actions import audit_record
from kaohe.feedback.actions.guards import clean_text
from kaohe.feedback.models import Rectification, RectificationStatus, RectificationUpdate
from kaohe.performance.evidence import validate_evidence


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
    owner = clean_text("责任人", owner, required=True, limit=100)
    measures = clean_text("整改措施", measures, required=True)
    progress = clean_text("整改进展", progress)
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
    reason = clean_text("退回理由", reason, required=True)
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

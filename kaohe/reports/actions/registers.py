"""年度考核登记表: the deadline, the cadre's summary, the leader's comment, the filed documents."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kaohe.audit.actions import audit_record
from kaohe.plans.models import AssessmentCycle
from kaohe.reports.actions.guards import TEXT_MAX
from kaohe.reports.models import Register, RegisterDeadline


def register_deadline_set(*, actor: Any, cycle: AssessmentCycle, due: datetime.date) -> RegisterDeadline:
    with transaction.atomic():
        deadline, _ = RegisterDeadline.objects.update_or_create(cycle=cycle, defaults={"summary_due": due})
        audit_record(
            actor=actor, action="register.deadline", obj=deadline, after={"summary_due": due.isoformat()}
        )
    return deadline


def register_summary_save(*, actor: Any, register: Register, summary: str) -> Register:
    """The cadre writes their 个人总结, until the cycle's deadline and before the 登记表 is filed."""
    summary = summary.strip()
    if len(summary) > TEXT_MAX:
        raise ValidationError({"summary": f"个人总结不能超过 {TEXT_MAX} 字（现有 {len(summary)} 字）"})
    with transaction.atomic():
        register = (
            Register.objects.select_for_update(of=("self",)).select_related("cycle").get(pk=register.pk)
        )
        deadline = RegisterDeadline.objects.filter(cycle=register.cycle).first()
        if deadline is not None and timezone.localdate() > deadline.summary_due:
            raise ValidationError(f"个人总结已于 {deadline.summary_due} 截止，请联系考核办")
        if register.filed_at is not None:
            raise ValidationError("登记表已归档，不能再修改")
        before = register.summary
        register.summary, register.summary_at = summary, timezone.now()
        register.save(update_fields=["summary", "summary_at"])
        audit_record(
            actor=actor,
            action="register.summary",
            obj=register,
            before={"summary": before},
            after={"summary": summary},
        )
    return register


def register_comment_save(*, actor: Any, register: Register, comment: str, leader_name: str) -> Register:
    comment, leader_name = comment.strip(), leader_name.strip()
    if len(comment) > TEXT_MAX:
        raise ValidationError(f"主管领导评语不能超过 {TEXT_MAX} 字")
    with transaction.atomic():
        register = Register.objects.select_for_update().get(pk=register.pk)
        if register.filed_at is not None:
            raise ValidationError("登记表已归档，不能再修改")
        before = {"comment": register.leader_comment, "leader": register.leader_name}
        register.leader_comment, register.leader_name, register.commented_at = (
            comment,
            leader_name,
            timezone.now(),
        )
        register.save(update_fields=["leader_comment", "leader_name", "commented_at"])
        audit_record(
            actor=actor,
            action="register.comment",
            obj=register,
            before=before,
            after={"comment": comment, "leader": leader_name},
        )
    return register


def registers_file(*, actor: Any, cycle: AssessmentCycle, documents: dict[int, bytes]) -> int:
    """Archive each cadre's 登记表 as printed, with the year; a filed one is kept as it was."""
    now = timezone.now()
    with transaction.atomic():
        filed = 0
        for cadre_id, content in documents.items():
            register, _ = Register.objects.select_for_update().get_or_create(cycle=cycle, cadre_id=cadre_id)
            if register.filed_at is not None:
                continue
            register.filed, register.filed_at = content, now
            register.save(update_fields=["filed", "filed_at"])
            filed += 1
        audit_record(
            actor=actor,
            action="register.file",
            object_type="reports.register",
            object_repr=f"{cycle.year}年度考核登记表",
            after={"filed": filed},
        )
    return filed

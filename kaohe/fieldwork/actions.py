"""Writes of the group's work: one function per use-case, keyword-only, one transaction, audited."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kaohe.audit.actions import audit_record
from kaohe.fieldwork import selectors, transfer
from kaohe.fieldwork.models import (
    ConflictDeclaration,
    ConflictKind,
    FieldworkSetting,
    GroupMember,
    MemberRole,
    Visit,
    VisitAssignment,
)
from kaohe.fieldwork.schedule import SCHEDULE_FIELDS, check_schedule
from kaohe.plans.models import AssessmentCycle, AssessmentGroup


def _state(visit: Visit, fields: tuple[str, ...] = SCHEDULE_FIELDS) -> dict[str, Any]:
    return {f: getattr(visit, f) for f in fields}


def fieldwork_setting_update(*, actor: Any, cycle: AssessmentCycle, recusal_years: int) -> FieldworkSetting:
    if not 0 <= recusal_years <= 20:
        raise ValidationError(f"任职回避年限须在 0 到 20 年之间，而不是 {recusal_years}")
    with transaction.atomic():
        setting, _created = FieldworkSetting.objects.select_for_update().get_or_create(cycle=cycle)
        before = {"recusal_years": setting.recusal_years}
        setting.recusal_years = recusal_years
        setting.save()
        audit_record(
            actor=actor,
            action="fieldwork.setting",
            obj=cycle,
            before=before,
            after={"recusal_years": recusal_years},
        )
    return setting


def group_member_set(*, actor: Any, group: AssessmentGroup, user: Any, role: str, duty: str) -> GroupMember:
    """Give a member of the group their role (组长 / 副组长 / 成员) and duty (分工)."""
    if not group.members.filter(pk=user.pk).exists():
        raise ValidationError(f"「{user}」不是「{group.name}」的成员，请先在考核组中添加")
    if role not in MemberRole.values:
        raise ValidationError(f"没有「{role}」这种职责")
    with transaction.atomic():
        if role == MemberRole.LEADER:
            other = GroupMember.objects.filter(group=group, role=MemberRole.LEADER).exclude(user=user).first()
            if other:
                raise ValidationError(f"「{group.name}」已有组长「{other.user}」，每组只设一名组长")
        member, _created = GroupMember.objects.update_or_create(
            group=group, user=user, defaults={"role": role, "duty": duty.strip()}
        )
        audit_record(
            actor=actor,
            action="fieldwork.member",
            obj=group,
            after={"user": user.get_username(), "role": role, "duty": member.duty},
        )
    return member


def visits_open(*, actor: Any, cycle: AssessmentCycle) -> int:
    """Create an empty visit for every unit of every group that has none yet; returns how many."""
    with transaction.atomic():
        have = set(Visit.objects.filter(cycle=cycle).values_list("unit_id", flat=True))
        pairs = AssessmentGroup.units.through.objects.filter(assessmentgroup__cycle=cycle).values_list(
            "assessmentgroup_id", "unit_id"
        )
        new = [Visit(cycle=cycle, group_id=g, unit_id=u) for g, u in pairs if u not in have]
        Visit.objects.bulk_create(new, batch_size=1000)
        if new:
            audit_record(actor=actor, action="fieldwork.visits_open", obj=cycle, after={"visits": len(new)})
    return len(new)


def visit_schedule(*, actor: Any, visit: Visit, values: dict[str, Any]) -> Visit:
    """Set a visit's dates and places; refused whole when a date is out of order."""
    merged = _state(visit) | {k: v for k, v in values.items() if k in SCHEDULE_FIELDS}
    problems = check_schedule(merged)
    if problems:
        raise ValidationError([f"「{visit.unit.name}」：{p}" for p in problems])
    with transaction.atomic():
        before = _state(visit)
        for field, value in merged.items():
            setattr(visit, field, value)
        visit.save(update_fields=list(SCHEDULE_FIELDS))
        audit_record(actor=actor, action="fieldwork.schedule", obj=visit, before=before, after=_state(visit))
    return visit


def visit_mark(*, actor: Any, visit: Visit, item: str, done: datetime.date | None) -> Visit:
    """Mark a checklist item the group does by hand done on `done` (None: not done)."""
    field = selectors.MANUAL_ITEMS.get(item)
    if field is None:
        raise ValidationError(f"「{item}」不能手工标记（测评与分析报告由系统读取）")
    if done is not None and done > timezone.localdate():
        raise ValidationError(f"完成日期 {done:%Y-%m-%d} 晚于今天")
    with transaction.atomic():
        before = {field: getattr(visit, field)}
        setattr(visit, field, done)
        visit.save(update_fields=[field])
        audit_record(actor=actor, action="fieldwork.mark", obj=visit, before=before, after={field: done})
    return visit


def visit_assign(*, actor: Any, visit: Visit, user: Any, reason: str = "") -> VisitAssignment:
    """Send a member of the visit's group to its unit. A member flagged for 回避 needs a recorded reason."""
    if not visit.group.members.filter(pk=user.pk).exists():
        raise ValidationError(f"「{user}」不是「{visit.group.name}」的成员")
    cutoff = visit.entry_on or timezone.localdate()
    flags = selectors.recusal_flags(visit.cycle, [user], visit.unit, cutoff).get(user.pk, [])
    reason = reason.strip()
    if flags and not reason:
        raise ValidationError(
            f"「{user}」须回避「{visit.unit.name}」（{'；'.join(flags)}），如仍予安排，须填写理由"
        )
    with transaction.atomic():
        assignment, _created = VisitAssignment.objects.update_or_create(
            visit=visit, user=user, defaults={"flags": flags, "reason": reason if flags else ""}
        )
        audit_record(
            actor=actor,
            action="fieldwork.assign",
            obj=visit,
            after={"user": user.get_username(), "flags": flags, "reason": assignment.reason},
        )
    return assignment


def visit_unassign(*, actor: Any, visit: Visit, user: Any) -> None:
    with transaction.atomic():
        deleted, _ = VisitAssignment.objects.filter(visit=visit, user=user).delete()
        if deleted:
            audit_record(
                actor=actor, action="fieldwork.unassign", obj=visit, before={"user": user.get_username()}
            )


def conflict_declare(
    *, actor: Any, cycle: AssessmentCycle, unit: Any, kind: str, detail: str
) -> ConflictDeclaration:
    """The actor's own declaration of a conflict with a unit (self-declared: nobody declares for another)."""
    if kind not in ConflictKind.values:
        raise ValidationError(f"没有「{kind}」这种利害关系")
    detail = detail.strip()
    if kind == ConflictKind.OTHER and not detail:
        raise ValidationError("申报其他利害关系须说明情况")
    with transaction.atomic():
        declaration = ConflictDeclaration.objects.create(
            cycle=cycle, user=actor, unit=unit, kind=kind, detail=detail, declared_at=timezone.now()
        )
        audit_record(
            actor=actor,
            action="fieldwork.conflict",
            obj=declaration,
            object_repr=f"{actor} · {unit}",
            after={"unit": unit.code, "kind": kind, "detail": detail},
        )
    return declaration


@dataclass(frozen=True)
class ImportResult:
    updated: int


def schedule_import(
    *, actor: Any, cycle: AssessmentCycle, data: bytes, max_bytes: int = 10 * 1024 * 1024
) -> ImportResult:
    """Set the schedule of every unit named in the 日程 sheet (read by ``transfer.read_schedule``); any
    problem refuses the whole file and nothing is saved."""
    rows = transfer.read_schedule(cycle=cycle, data=data, max_bytes=max_bytes)
    with transaction.atomic():
        for visit, values in rows:
            for field, value in values.items():
                setattr(visit, field, value)
        Visit.objects.bulk_update([v for v, _values in rows], list(SCHEDULE_FIELDS), batch_size=500)
        audit_record(actor=actor, action="fieldwork.schedule_import", obj=cycle, after={"visits": len(rows)})
    return ImportResult(updated=len(rows))

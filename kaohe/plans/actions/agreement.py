"""Targets agreed up and down (自下而上、自上而下、反复认定): the plan's setting and each step of a unit's targets.

The unit's liaison saves and proposes (``target_draft_save``, ``targets_propose``); a responsible department's
clerk concurs or returns, the organiser returns (``targets_review``); the organiser agrees, which locks the
targets for the year (``targets_agree``), and may reopen them with a reason (``targets_reopen``). The order of
steps is kaohe.rules.target_agreement; who may take which, and on which unit, is checked here as well as by
the pages, so no caller can skip it. Every step is kept (``TargetStep``) and audited.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from kaohe.accounts.actors import Actor, user_of
from kaohe.accounts.models import Role
from kaohe.audit.actions import audit_record
from kaohe.plans.actions.states import target_state
from kaohe.plans.gate import Activity, lock_cycle
from kaohe.plans.models import (
    AgreementStatus,
    AssessedUnit,
    AssessmentCycle,
    AssessmentPlan,
    Indicator,
    Target,
    TargetAgreement,
    TargetMode,
    TargetStep,
)
from kaohe.rules import target_agreement as rule


@dataclass(frozen=True)
class TargetDraft:
    """One line of a unit's targets as the liaison writes it; blank content removes the target."""

    indicator: Indicator
    content: str
    amount: str = ""
    deadline: datetime.date | None = None


def plan_targets_set(
    *, actor: Actor, cycle: AssessmentCycle, mode: str, due: datetime.date | None
) -> AssessmentPlan:
    """How the year's targets are set (directly by the organiser, or proposed and agreed) and by when units
    propose. Once a unit has proposed, the targets can no longer go back to being set directly."""
    if mode not in TargetMode.values:
        raise ValidationError(f"目标任务确定方式「{mode}」无效", code="mode")
    with transaction.atomic():
        lock_cycle(cycle, Activity.PLAN)
        plan, _created = AssessmentPlan.objects.select_for_update().get_or_create(cycle=cycle)
        if (
            mode == TargetMode.DIRECT
            and plan.target_mode == TargetMode.AGREED
            and TargetAgreement.objects.filter(cycle=cycle, round__gt=0).exists()
        ):
            raise ValidationError("已有单位提出目标任务，不能再改为考核办直接下达", code="mode")
        before = {"target_mode": plan.target_mode, "targets_due": plan.targets_due}
        plan.target_mode, plan.targets_due = mode, due
        after = {"target_mode": plan.target_mode, "targets_due": plan.targets_due}
        if after != before:
            plan.save(update_fields=["target_mode", "targets_due"])
            audit_record(actor=actor, action="plan.targets", obj=plan, before=before, after=after)
    return plan


# --- who may take a step ----------------------------------------------------------------------------------


def _item(cycle: AssessmentCycle, unit_id: int) -> AssessedUnit:
    item = (
        AssessedUnit.objects.select_related("unit", "category").filter(cycle=cycle, unit_id=unit_id).first()
    )
    if item is None:
        raise ValidationError(f"该单位没有参加 {cycle.year} 年度考核", code="not_enrolled")
    return item


def _check_agreed_mode(cycle: AssessmentCycle) -> None:
    plan = AssessmentPlan.objects.filter(cycle=cycle).first()
    if plan is None or plan.target_mode != TargetMode.AGREED:
        raise ValidationError(
            "本年度考核工作方案规定目标任务由考核办直接下达，不经单位提出和审核认定", code="mode"
        )


def _role(actor: Actor) -> str:
    user = user_of(actor)
    return user.role if user is not None else ""


def _check_liaison(actor: Actor, item: AssessedUnit) -> None:
    user = user_of(actor)
    if user is None or not user.has_role(Role.LIAISON) or user.unit_id != item.unit_id:
        raise PermissionDenied("只有本单位联络员可以提出本单位的目标任务")


def _reviewing_department(actor: Actor, cycle: AssessmentCycle, item: AssessedUnit) -> int | None:
    """The clerk's department when it owns an indicator of the unit's category; None for the organiser."""
    user = user_of(actor)
    if user is not None and user.has_role(Role.ORGANISER):
        return None
    if (
        user is not None
        and user.has_role(Role.CLERK)
        and user.department_id is not None
        and Indicator.objects.filter(
            cycle=cycle, category_id=item.category_id, department_id=user.department_id
        ).exists()
    ):
        return user.department_id
    raise PermissionDenied("只有归口部门和考核办可以审核该单位的目标任务")


def _check_organiser(actor: Actor) -> None:
    user = user_of(actor)
    if user is None or not user.has_role(Role.ORGANISER):
        raise PermissionDenied("只有考核办可以认定或重新开启目标任务")


def _locked_agreement(cycle: AssessmentCycle, item: AssessedUnit) -> TargetAgreement:
    agreement, _created = TargetAgreement.objects.select_for_update().get_or_create(
        cycle=cycle, unit_id=item.unit_id
    )
    return agreement


def _take(agreement: TargetAgreement, step: rule.Step, comment: str = "") -> str:
    try:
        return rule.take(rule.Status(agreement.status), step, comment).value
    except rule.StepRefused as refused:
        raise ValidationError(refused.message, code=refused.code) from None


def _step(
    *,
    actor: Actor,
    agreement: TargetAgreement,
    kind: rule.Step,
    action: str,
    status: str,
    comment: str = "",
    notes: Mapping[str, str] | None = None,
    department: int | None = None,
    targets: list[dict[str, Any]] | None = None,
    changes: list[dict[str, Any]] | None = None,
) -> TargetStep:
    now = timezone.now()
    before = {"status": agreement.status, "round": agreement.round}
    if kind == rule.Step.PROPOSE:
        agreement.round += 1
    agreement.status, agreement.changed_at = status, now
    agreement.save(update_fields=["status", "round", "changed_at"])
    user = user_of(actor)
    step = TargetStep.objects.create(
        agreement=agreement,
        round=agreement.round,
        kind=kind.value,
        actor=user,
        actor_name=(user.full_name or user.username) if user is not None else str(actor),
        role=_role(actor),
        department_id=department,
        comment=comment.strip(),
        notes={k: v.strip() for k, v in (notes or {}).items() if v and v.strip()},
        targets=targets,
        changes=changes or [],
        at=now,
    )
    after = {
        "status": agreement.status,
        "round": agreement.round,
        "comment": step.comment,
        "notes": step.notes,
    }
    if changes is not None:
        after["changes"] = changes
    audit_record(actor=actor, action=action, obj=agreement, before=before, after=after)
    return step


# --- the unit's liaison -----------------------------------------------------------------------------------


def _write_rows(
    cycle: AssessmentCycle, item: AssessedUnit, rows: Sequence[TargetDraft]
) -> list[dict[str, Any]]:
    """Write the unit's targets from ``rows``; the changes, as the audit records them."""
    problems = []
    for row in rows:
        if row.indicator.cycle_id != cycle.pk or row.indicator.category_id != item.category_id:
            problems.append(
                f"指标「{row.indicator.code}」不是单位「{item.unit.name}」所属类别「{item.category}」的指标"
            )
        elif len(row.amount.strip()) > 100:
            problems.append(f"指标「{row.indicator.code}」的目标值过长（最多 100 字）")
    if problems:
        raise ValidationError(problems, code="rows")
    existing = {
        t.indicator_id: t
        for t in Target.objects.select_for_update()
        .filter(cycle=cycle, unit_id=item.unit_id)
        .select_related("unit", "indicator")
    }
    written = []
    for row in rows:
        target = existing.get(row.indicator.pk)
        before = target_state(target)
        if not row.content.strip():
            if target is not None:
                target.delete()
                written.append({"before": before, "after": None})
            continue
        if target is None:
            target = Target(cycle=cycle, unit=item.unit, indicator=row.indicator)
        target.content, target.amount, target.deadline = row.content.strip(), row.amount.strip(), row.deadline
        after = target_state(target)
        if after != before:
            target.save()
            written.append({"before": before, "after": after})
    return written


def _open_for_unit(agreement: TargetAgreement) -> None:
    if not rule.waits_for_unit(rule.Status(agreement.status)):
        _take(agreement, rule.Step.PROPOSE)  # refuses with the status's own sentence


def target_draft_save(
    *, actor: Actor, cycle: AssessmentCycle, unit_id: int, rows: Sequence[TargetDraft]
) -> TargetAgreement:
    """The liaison saves the unit's targets without proposing them yet (待提出 or 已退回 only)."""
    with transaction.atomic():
        lock_cycle(cycle, Activity.PLAN)
        _check_agreed_mode(cycle)
        item = _item(cycle, unit_id)
        _check_liaison(actor, item)
        agreement = _locked_agreement(cycle, item)
        _open_for_unit(agreement)
        written = _write_rows(cycle, item, rows)
        if written:
            agreement.changed_at = timezone.now()
            agreement.save(update_fields=["changed_at"])
            audit_record(
                actor=actor,
                action="target_agreement.draft",
                obj=agreement,
                after={"round": agreement.round + 1, "changes": written},
            )
    return agreement


def proposal_lines(cycle: AssessmentCycle, unit_id: int) -> list[dict[str, Any]]:
    """The unit's targets now, as a proposal keeps them."""
    return [
        {
            "indicator": t.indicator.code,
            "name": t.indicator.name,
            "content": t.content,
            "amount": t.amount,
            "deadline": t.deadline.isoformat() if t.deadline else "",
        }
        for t in Target.objects.filter(cycle=cycle, unit_id=unit_id)
        .select_related("indicator")
        .order_by("indicator__code")
    ]


def _lines(targets: list[dict[str, Any]] | None) -> list[rule.Line]:
    return [
        rule.Line(t["indicator"], t["content"], t.get("amount", ""), t.get("deadline", ""))
        for t in targets or []
    ]


def targets_propose(
    *,
    actor: Actor,
    cycle: AssessmentCycle,
    unit_id: int,
    rows: Sequence[TargetDraft] = (),
    note: str = "",
) -> TargetStep:
    """The liaison proposes the unit's targets (``rows`` saved first), every indicator of its category with
    one, and says what changed and why (``note``); the responsible departments and the organiser review."""
    with transaction.atomic():
        lock_cycle(cycle, Activity.PLAN)
        _check_agreed_mode(cycle)
        item = _item(cycle, unit_id)
        _check_liaison(actor, item)
        agreement = _locked_agreement(cycle, item)
        status = _take(agreement, rule.Step.PROPOSE)
        _write_rows(cycle, item, rows)
        have = set(
            Target.objects.filter(cycle=cycle, unit_id=item.unit_id).values_list("indicator_id", flat=True)
        )
        missing = [
            f"{i.code} {i.name}"
            for i in Indicator.objects.filter(cycle=cycle, category_id=item.category_id).order_by("code")
            if i.pk not in have
        ]
        if missing:
            raise ValidationError(f"以下指标尚未填写目标，不能提出：{'、'.join(missing)}", code="incomplete")
        lines = proposal_lines(cycle, item.unit_id)
        previous = (
            TargetStep.objects.filter(agreement=agreement, kind=rule.Step.PROPOSE)
            .order_by("-round", "-id")
            .first()
        )
        found = rule.changes(_lines(previous.targets if previous else []), _lines(lines))
        if previous is not None and not found:
            raise ValidationError("目标任务与上一轮提出的相同：请按审核意见修改后再提出", code="unchanged")
        if previous is not None and not note.strip():
            raise ValidationError("再次提出须填写修改说明", code="note")
        changes = (
            [
                {"indicator": c.indicator, "kind": c.kind, "before": _line(c.before), "after": _line(c.after)}
                for c in found
            ]
            if previous is not None
            else []
        )
        action = "target_agreement.propose"
        return _step(
            actor=actor,
            agreement=agreement,
            kind=rule.Step.PROPOSE,
            action=action,
            status=status,
            comment=note,
            targets=lines,
            changes=changes,
        )


def _line(line: rule.Line | None) -> dict[str, str] | None:
    if line is None:
        return None
    return {"content": line.content, "amount": line.amount, "deadline": line.deadline}


# --- the departments and the organiser --------------------------------------------------------------------


def targets_review(
    *,
    actor: Actor,
    cycle: AssessmentCycle,
    unit_id: int,
    step: str,
    comment: str = "",
    notes: Mapping[str, str] | None = None,
) -> TargetStep:
    """A responsible department concurs (``concur``) or returns (``return``) the proposal under review, or
    the organiser returns it; a return needs a comment. ``notes`` comments on single indicators by code."""
    try:
        kind = rule.Step(step)
    except ValueError:
        raise ValidationError(f"审核结论「{step}」无效：应为 concur 或 return", code="step") from None
    if kind not in (rule.Step.CONCUR, rule.Step.RETURN):
        raise ValidationError(f"审核结论「{step}」无效：应为 concur 或 return", code="step")
    with transaction.atomic():
        lock_cycle(cycle, Activity.PLAN)
        _check_agreed_mode(cycle)
        item = _item(cycle, unit_id)
        department = _reviewing_department(actor, cycle, item)
        if kind == rule.Step.CONCUR and department is None:
            raise ValidationError("部门审核同意由归口部门作出；考核办请直接认定或退回", code="step")
        agreement = _locked_agreement(cycle, item)
        status = _take(agreement, kind, comment)
        codes = set(
            Indicator.objects.filter(cycle=cycle, category_id=item.category_id).values_list("code", flat=True)
        )
        unknown = sorted(set(notes or {}) - codes)
        if unknown:
            raise ValidationError(f"逐项意见中的指标「{'、'.join(unknown)}」不是该单位的指标", code="notes")
        if (
            department is not None
            and kind == rule.Step.CONCUR
            and TargetStep.objects.filter(
                agreement=agreement, round=agreement.round, department_id=department
            ).exists()
        ):
            raise ValidationError("本部门已审核本轮目标任务", code="answered")
        action = "target_agreement.concur" if kind == rule.Step.CONCUR else "target_agreement.return"
        return _step(
            actor=actor,
            agreement=agreement,
            kind=kind,
            action=action,
            status=status,
            comment=comment,
            notes=notes,
            department=department,
        )


def targets_agree(*, actor: Actor, cycle: AssessmentCycle, unit_id: int, comment: str = "") -> TargetStep:
    """The organiser agrees the proposal under review: the unit's targets are locked for the year."""
    return _organiser_step(actor, cycle, unit_id, rule.Step.AGREE, "target_agreement.agree", comment)


def targets_reopen(*, actor: Actor, cycle: AssessmentCycle, unit_id: int, reason: str) -> TargetStep:
    """The organiser reopens agreed targets, saying why: the unit revises and proposes them again."""
    return _organiser_step(actor, cycle, unit_id, rule.Step.REOPEN, "target_agreement.reopen", reason)


def _organiser_step(
    actor: Actor, cycle: AssessmentCycle, unit_id: int, kind: rule.Step, action: str, comment: str
) -> TargetStep:
    """The organiser's step (agree, reopen) on a unit's proposal, under the cycle's lock."""
    with transaction.atomic():
        lock_cycle(cycle, Activity.PLAN)
        _check_agreed_mode(cycle)
        item = _item(cycle, unit_id)
        _check_organiser(actor)
        agreement = _locked_agreement(cycle, item)
        status = _take(agreement, kind, comment)
        return _step(
            actor=actor, agreement=agreement, kind=kind, action=action, status=status, comment=comment
        )


def _direct_edit_refusal(agreement: TargetAgreement | None) -> str | None:
    if agreement is None or (agreement.status == AgreementStatus.DRAFT and agreement.round == 0):
        return None
    if agreement.status == AgreementStatus.AGREED:
        return "目标任务已认定锁定；如需修改，须先说明理由重新开启"
    if agreement.status == AgreementStatus.PROPOSED:
        return "目标任务正在审核：请退回单位修改，或予以认定"
    return "目标任务已退回单位修改，由单位修改后重新提出"


def direct_edit_refusal(cycle: AssessmentCycle, unit_id: int) -> str | None:
    """Why the organiser may not set this unit's targets directly now (agreed, under review, or the unit's to
    revise); None when they may: targets set directly, or issued before the unit first proposes."""
    return _direct_edit_refusal(TargetAgreement.objects.filter(cycle=cycle, unit_id=unit_id).first())


def direct_edit_refusals(cycle: AssessmentCycle) -> dict[int, str]:
    """``direct_edit_refusal`` of every unit that has one, by unit id: for a whole workbook at once."""
    found = {}
    for agreement in TargetAgreement.objects.filter(cycle=cycle):
        if (refused := _direct_edit_refusal(agreement)) is not None:
            found[agreement.unit_id] = refused
    return found

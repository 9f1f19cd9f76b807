"""公示: the results published for objections, and the objections raised and handled."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kaohe.accounts.actors import Actor
from kaohe.audit.actions import audit_record
from kaohe.plans.actions import cycle_advance
from kaohe.plans.gate import lock_cycle
from kaohe.plans.models import PHASE_ORDER, AssessmentCycle, Phase
from kaohe.results import selectors
from kaohe.results.actions.guards import add_working_days, current_state, refuse_when_sealed
from kaohe.results.models import (
    ComputeRun,
    Objection,
    PublicNotice,
)


def advance_to(actor: Actor, cycle: AssessmentCycle, phase: str, on: datetime.date) -> None:
    """Move the cycle forward to ``phase`` (never back) through plans' own write function."""
    while PHASE_ORDER.index(cycle.phase) < PHASE_ORDER.index(phase):
        cycle_advance(actor=actor, cycle=cycle, from_phase=cycle.phase, on=on)


def notice_publish(
    *,
    actor: Actor,
    cycle: AssessmentCycle,
    run: ComputeRun,
    starts_on: datetime.date,
    working_days: int,
    text: str = "",
) -> PublicNotice:
    """Publish the proposed 优秀 list of the current run for ``working_days`` working days."""
    with transaction.atomic():
        fresh = lock_cycle(cycle)
        state = current_state(cycle, run)
        refuse_when_sealed(state)
        if PHASE_ORDER.index(fresh.phase) < PHASE_ORDER.index(Phase.EVALUATION):
            raise ValidationError("考核尚未进入评定阶段，不能公示结果", code="phase")
        if working_days < 1:
            raise ValidationError("公示期至少 1 个工作日", code="days")
        computed_on = timezone.localdate(run.created_at)
        if starts_on < computed_on:
            raise ValidationError(
                f"公示开始日期 {starts_on} 早于第{run.version}次计算的日期 {computed_on}；"
                "公示只能从计算之日起开始",
                code="backdated",
            )
        problems = selectors.grading_problems(cycle, state)
        if problems:
            raise ValidationError(problems, code="grading")
        ends_on = add_working_days(starts_on, working_days)
        excellent = selectors.proposed_excellent(cycle, run)
        notice = PublicNotice.objects.create(
            cycle=cycle,
            run=run,
            working_days=working_days,
            starts_on=starts_on,
            ends_on=ends_on,
            excellent=excellent,
            text=text.strip(),
            created_by=actor,
            created_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            action="result.publish",
            obj=notice,
            after={
                "run": run.version,
                "starts_on": starts_on,
                "ends_on": ends_on,
                "working_days": working_days,
                "excellent": [f"{e['kind']}:{e['code']}" for e in excellent],
            },
        )
        if fresh.phase == Phase.EVALUATION:
            advance_to(actor, fresh, Phase.PUBLIC_NOTICE, starts_on)
    return notice


def _objection_state(o: Objection) -> dict[str, Any]:
    return {
        "received_on": o.received_on,
        "raised_by": o.raised_by,
        "subject": o.subject,
        "content": o.content,
        "handling": o.handling,
        "handled": o.handled_at is not None,
    }


def objection_record(
    *,
    actor: Actor,
    notice: PublicNotice,
    received_on: datetime.date,
    raised_by: str,
    subject: str,
    content: str,
) -> Objection:
    subject, content = subject.strip(), content.strip()
    if not subject or not content:
        raise ValidationError("请填写反映对象和反映内容", code="required")
    with transaction.atomic():
        lock_cycle(notice.cycle)
        state = selectors.results_state(notice.cycle)
        refuse_when_sealed(state)
        if received_on < notice.starts_on:
            raise ValidationError(f"收到日期 {received_on} 早于公示开始日期 {notice.starts_on}", code="date")
        objection = Objection.objects.create(
            notice=notice,
            received_on=received_on,
            raised_by=raised_by.strip(),
            subject=subject,
            content=content,
            created_by=actor,
            created_at=timezone.now(),
        )
        audit_record(actor=actor, action="result.objection", obj=objection, after=_objection_state(objection))
    return objection


def objection_handle(*, actor: Actor, objection: Objection, handling: str) -> Objection:
    handling = handling.strip()
    if not handling:
        raise ValidationError("请填写处理情况", code="required")
    with transaction.atomic():
        lock_cycle(objection.notice.cycle)
        refuse_when_sealed(selectors.results_state(objection.notice.cycle))
        objection = Objection.objects.select_for_update().get(pk=objection.pk)
        before = _objection_state(objection)
        objection.handling, objection.handled_at, objection.handled_by = handling, timezone.now(), actor
        objection.save(update_fields=["handling", "handled_at", "handled_by"])
        audit_record(
            actor=actor,
            action="result.objection_handle",
            obj=objection,
            before=before,
            after=_objection_state(objection),
        )
    return objection

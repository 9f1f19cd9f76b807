"""党风廉政意见: the organiser asks, the discipline-inspection body answers, the committee decides."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kaohe.accounts.access import CLEARANCE_ANSWERERS
from kaohe.accounts.actors import Actor
from kaohe.audit.actions import audit_record
from kaohe.plans.gate import lock_cycle
from kaohe.plans.models import PHASE_ORDER, AssessedCadre, AssessmentCycle, Phase
from kaohe.results import selectors
from kaohe.results.actions.guards import current_state, refuse_when_sealed
from kaohe.results.models import ClearanceAnswer, ClearanceRequest, ClearanceResolution, ComputeRun, Kind


def clearance_state(r: ClearanceRequest) -> dict[str, Any]:
    return {
        "kind": r.kind,
        "code": r.code,
        "name": r.name,
        "unit": r.unit_name,
        "post": r.post,
        "answer": r.answer,
        "answer_note": r.answer_note,
        "resolution": r.resolution,
        "resolution_note": r.resolution_note,
    }


def clearance_request(*, actor: Actor, cycle: AssessmentCycle, run: ComputeRun) -> list[ClearanceRequest]:
    """Ask about every proposed 优秀 of the current run not asked about yet; returns the new requests."""
    with transaction.atomic():
        fresh = lock_cycle(cycle)
        state = current_state(cycle, run)
        refuse_when_sealed(state)
        if PHASE_ORDER.index(fresh.phase) < PHASE_ORDER.index(Phase.EVALUATION):
            raise ValidationError("考核尚未进入评定阶段，不能征求党风廉政意见", code="phase")
        asked = set(ClearanceRequest.objects.filter(cycle=cycle).values_list("kind", "code"))
        todo = [e for e in selectors.proposed_excellent(cycle, run) if (e["kind"], e["code"]) not in asked]
        if not todo:
            raise ValidationError("拟定优秀人选均已征求党风廉政意见，没有新的人选", code="nothing")
        posts = dict(
            AssessedCadre.objects.filter(
                cycle=cycle, cadre__code__in=[e["code"] for e in todo if e["kind"] == Kind.CADRE]
            ).values_list("cadre__code", "post")
        )
        now = timezone.now()
        created = []
        for e in todo:
            request = ClearanceRequest.objects.create(
                cycle=cycle,
                kind=e["kind"],
                code=e["code"],
                name=e["name"],
                unit_name=e["unit_name"],
                post=posts.get(e["code"], "") if e["kind"] == Kind.CADRE else "领导班子",
                requested_by=actor,
                requested_at=now,
            )
            audit_record(actor=actor, action="clearance.request", obj=request, after=clearance_state(request))
            created.append(request)
    return created


def clearance_answer(*, actor: Actor, request: ClearanceRequest, answer: str, note: str) -> ClearanceRequest:
    """The discipline-inspection body's answer on one person; may be corrected until the committee decided."""
    note = note.strip()
    if answer not in ClearanceAnswer.values:
        raise ValidationError(f"廉政意见「{answer}」无效，应为无反映、有反映需核实或不同意", code="answer")
    if answer != ClearanceAnswer.CLEAR and not note:
        raise ValidationError(f"{request.name}：有反映或不同意须写明情况", code="note")
    if not getattr(actor, "has_role", lambda *roles: False)(*CLEARANCE_ANSWERERS):
        raise ValidationError("只有纪检监察机关可以回复党风廉政意见", code="role")
    with transaction.atomic():
        lock_cycle(request.cycle)
        refuse_when_sealed(selectors.results_state(request.cycle))
        request = ClearanceRequest.objects.select_for_update().get(pk=request.pk)
        if request.resolution:
            raise ValidationError(f"{request.name}：领导小组已就该意见作出决定，不能再修改", code="resolved")
        before = clearance_state(request)
        request.answer, request.answer_note = answer, note
        request.answered_by, request.answered_at = actor, timezone.now()
        request.save(update_fields=["answer", "answer_note", "answered_by", "answered_at"])
        audit_record(
            actor=actor, action="clearance.answer", obj=request, before=before, after=clearance_state(request)
        )
    return request


def clearance_resolve(
    *, actor: Actor, request: ClearanceRequest, resolution: str, note: str
) -> ClearanceRequest:
    """The committee's decision on an answer of 有反映需核实 or 不同意, with its reason."""
    note = note.strip()
    if resolution not in ClearanceResolution.values:
        raise ValidationError(f"决定「{resolution}」无效", code="resolution")
    if not note:
        raise ValidationError(f"{request.name}：请写明领导小组的决定理由", code="note")
    with transaction.atomic():
        lock_cycle(request.cycle)
        refuse_when_sealed(selectors.results_state(request.cycle))
        request = ClearanceRequest.objects.select_for_update().get(pk=request.pk)
        if not request.answer:
            raise ValidationError(f"{request.name}：纪检监察机关尚未回复", code="unanswered")
        if request.answer == ClearanceAnswer.CLEAR:
            raise ValidationError(f"{request.name}：廉政意见为无反映，无需决定", code="clear")
        before = clearance_state(request)
        request.resolution, request.resolution_note = resolution, note
        request.resolved_by, request.resolved_at = actor, timezone.now()
        request.save(update_fields=["resolution", "resolution_note", "resolved_by", "resolved_at"])
        audit_record(
            actor=actor,
            action="clearance.resolve",
            obj=request,
            before=before,
            after=clearance_state(request),
        )
    return request

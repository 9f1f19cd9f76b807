"""The performance inputs' write functions: one per use-case, one transaction each, each audited.

Callers fetch objects through `selectors` (which scopes them to the account) and validate input with the
forms first. The rules that keep data coherent are checked here again, so no caller can break them: the
cycle must be taking inputs (实施 or 评定; refused from 公示 on), an indicator must be of the unit's category
that year, a clerk's indicator must be their department's, a score must lie in 0–100.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.accounts.actors import Actor
from kaohe.audit.actions import audit_record
from kaohe.org.models import Cadre, ScoringDepartment, Unit
from kaohe.performance.forms import parse_score, sanction_names
from kaohe.performance.models import (
    Adjustment,
    AdjustmentKind,
    AdjustmentStatus,
    Evidence,
    IndicatorScore,
    LeaderRating,
    Sanction,
    SelfEvaluation,
    Verification,
    Veto,
)
from kaohe.plans.gate import Activity, lock_cycle
from kaohe.plans.models import AssessedUnit, AssessmentCycle, Indicator


def _score(value: Any, what: str) -> Decimal:
    try:
        return parse_score(value)
    except ValidationError as error:
        raise ValidationError(f"{what}: {error.messages[0]}", code="score") from None


def _assessed_category(cycle: AssessmentCycle, unit: Unit) -> int:
    category_id = (
        AssessedUnit.objects.filter(cycle=cycle, unit=unit).values_list("category_id", flat=True).first()
    )
    if category_id is None:
        raise ValidationError(
            _("%(unit)s不是%(cycle)s的参加考核单位") % {"unit": unit.name, "cycle": cycle.name},
            code="not_assessed",
        )
    return category_id


def _check_indicator(cycle: AssessmentCycle, unit: Unit, indicator: Indicator) -> None:
    if indicator.cycle_id != cycle.pk or indicator.category_id != _assessed_category(cycle, unit):
        raise ValidationError(
            _("指标「%(indicator)s」不属于%(unit)s在%(cycle)s的指标体系")
            % {"indicator": indicator.name, "unit": unit.name, "cycle": cycle.name},
            code="foreign_indicator",
        )


def _text(value: Any) -> str | None:
    """A score as the user typed it: 88, not 88.0000 as the database returns it."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return None if value is None else str(value)


# --- unit liaison: self-evaluation --------------------------------------------------------------------------


def self_evaluation_state(evaluation: SelfEvaluation) -> dict[str, Any]:
    return {
        "unit": evaluation.unit.code,
        "indicator": evaluation.indicator.code,
        "claimed": _text(evaluation.claimed),
        "narrative": evaluation.narrative,
        "evidence": [e.name for e in evaluation.evidence.order_by("pk")] if evaluation.pk else [],
    }


def self_evaluation_save(
    *,
    actor: Actor,
    cycle: AssessmentCycle,
    unit: Unit,
    indicator: Indicator,
    claimed: Decimal,
    narrative: str = "",
    files: Sequence[UploadedFile] = (),
) -> SelfEvaluation:
    """Create or update a unit's self-evaluation on one indicator, adding evidence files to it."""
    claimed = _score(claimed, _("自评得分"))
    stored: list[str] = []
    try:
        with transaction.atomic():
            lock_cycle(cycle, Activity.INPUTS)
            _check_indicator(cycle, unit, indicator)
            evaluation = (
                SelfEvaluation.objects.select_for_update()
                .select_related("unit", "indicator")
                .filter(unit=unit, indicator=indicator)
                .first()
            )
            before = self_evaluation_state(evaluation) if evaluation else None
            if evaluation is None:
                evaluation = SelfEvaluation(cycle=cycle, unit=unit, indicator=indicator)
            evaluation.claimed, evaluation.narrative, evaluation.updated_by = claimed, narrative, actor
            evaluation.save()
            for upload in files:
                evidence = Evidence(
                    self_evaluation=evaluation, name=upload.name[:200], size=upload.size, uploaded_by=actor
                )
                evidence.file.save(upload.name, upload, save=False)  # through the storage API, random name
                stored.append(evidence.file.name)
                evidence.save()
            after = self_evaluation_state(evaluation)
            if after != before:
                action = "self_evaluation.update" if before else "self_evaluation.create"
                audit_record(actor=actor, action=action, obj=evaluation, before=before, after=after)
    except BaseException:
        for name in stored:  # the rows are gone with the transaction; so must their files be
            default_storage.delete(name)
        raise
    return evaluation


def evidence_delete(*, actor: Actor, evidence: Evidence) -> None:
    evaluation = evidence.self_evaluation
    with transaction.atomic():
        lock_cycle(evaluation.cycle, Activity.INPUTS)
        before = {"name": evidence.name, "size": evidence.size, "self_evaluation": str(evaluation)}
        name = evidence.file.name
        audit_record(actor=actor, action="evidence.delete", obj=evidence, before=before)
        evidence.delete()
        transaction.on_commit(lambda: default_storage.delete(name))


# --- department clerk: indicator scores -----------------------------------------------------------------


@dataclass(frozen=True)
class ScoreChanges:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.deleted


def indicator_scores_save(
    *,
    actor: Actor,
    cycle: AssessmentCycle,
    department: ScoringDepartment,
    cells: Mapping[tuple[AssessedUnit, Indicator], Decimal | None],
) -> ScoreChanges:
    """Save a department's scores, all or nothing: a value sets the score, None clears it.

    Each indicator must be the department's and of the unit's category that year; every bad cell is
    reported at once, naming the unit and indicator, and then nothing is saved.
    """
    problems: list[str] = []
    wanted: dict[tuple[int, int], Decimal | None] = {}
    for (assessed, indicator), value in cells.items():
        place = f"{assessed.unit.name} · {indicator.name}"
        if (
            indicator.cycle_id != cycle.pk
            or indicator.department_id != department.pk
            or assessed.cycle_id != cycle.pk
            or assessed.category_id != indicator.category_id
        ):
            problems.append(
                _("%(place)s: 不是%(department)s评分的指标") % {"place": place, "department": department}
            )
            continue
        if value is not None:
            try:
                value = _score(value, place)
            except ValidationError as error:
                problems.append(error.messages[0])
                continue
        wanted[(assessed.unit_id, indicator.pk)] = value
    if problems:
        raise ValidationError(problems, code="cells")
    with transaction.atomic():
        lock_cycle(cycle, Activity.INPUTS)
        indicator_ids = {indicator_id for _unit, indicator_id in wanted}
        existing = {
            (s.unit_id, s.indicator_id): s
            for s in IndicatorScore.objects.select_for_update().filter(
                cycle=cycle, indicator_id__in=indicator_ids, unit_id__in={u for u, _i in wanted}
            )
        }
        codes = {
            **{
                ("u", pk): code
                for pk, code in Unit.objects.filter(pk__in={u for u, _i in wanted}).values_list("pk", "code")
            },
            **{
                ("i", pk): code
                for pk, code in Indicator.objects.filter(pk__in=indicator_ids).values_list("pk", "code")
            },
        }
        created, updated, deleted = [], [], []
        before: dict[str, str] = {}
        after: dict[str, str | None] = {}
        unchanged = 0
        for (unit_id, indicator_id), value in wanted.items():
            key = f"{codes[('u', unit_id)]}/{codes[('i', indicator_id)]}"
            current = existing.get((unit_id, indicator_id))
            if current is None and value is None or current is not None and current.score == value:
                unchanged += 1
                continue
            if current is not None:
                before[key] = _text(current.score)
            after[key] = _text(value)
            if value is None:
                deleted.append(current.pk)
            elif current is None:
                created.append(
                    IndicatorScore(
                        cycle=cycle, unit_id=unit_id, indicator_id=indicator_id, score=value, entered_by=actor
                    )
                )
            else:
                current.score, current.entered_by, current.entered_at = value, actor, timezone.now()
                updated.append(current)
        IndicatorScore.objects.filter(pk__in=deleted).delete()
        IndicatorScore.objects.bulk_update(updated, ["score", "entered_by", "entered_at"], batch_size=500)
        IndicatorScore.objects.bulk_create(created, batch_size=500)
        if after:
            audit_record(
                actor=actor,
                action="indicator_score.save",
                object_type="performance.indicatorscore",
                object_id=f"{cycle.year}/{department.code}",
                object_repr=f"{cycle.name} · {department.name}",
                before=before,
                after=after,
            )
    return ScoreChanges(created=len(created), updated=len(updated), deleted=len(deleted), unchanged=unchanged)


# --- assessor: verification ------------------------------------------------------------------------------


def verification_state(verification: Verification) -> dict[str, Any]:
    return {
        "unit": verification.unit.code,
        "indicator": verification.indicator.code,
        "score": _text(verification.score),
        "reason": verification.reason,
    }


def verification_set(
    *, actor: Actor, cycle: AssessmentCycle, unit: Unit, indicator: Indicator, score: Decimal, reason: str
) -> Verification:
    """Set the verified score of a unit on an indicator; the reason is mandatory."""
    score = _score(score, _("核验得分"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("请填写核验说明：核验得分必须说明理由"), code="reason")
    with transaction.atomic():
        lock_cycle(cycle, Activity.INPUTS)
        _check_indicator(cycle, unit, indicator)
        verification = (
            Verification.objects.select_for_update()
            .select_related("unit", "indicator")
            .filter(unit=unit, indicator=indicator)
            .first()
        )
        before = verification_state(verification) if verification else None
        if verification is None:
            verification = Verification(cycle=cycle, unit=unit, indicator=indicator)
        verification.score, verification.reason, verification.verified_by = score, reason, actor
        after = verification_state(verification)
        if after != before:
            verification.save()
            action = "verification.update" if before else "verification.create"
            audit_record(actor=actor, action=action, obj=verification, before=before, after=after)
    return verification


# --- leader: ratings -------------------------------------------------------------------------------------


def leader_rating_state(rating: LeaderRating) -> dict[str, Any]:
    return {
        "unit": rating.unit.code,
        "leader": rating.leader.username,
        "score": _text(rating.score),
        "comment": rating.comment,
    }


def leader_rating_save(
    *, actor: Actor, cycle: AssessmentCycle, unit: Unit, score: Decimal, comment: str = ""
) -> LeaderRating:
    """The actor's one rating of a unit in the cycle, created or replaced until 公示."""
    score = _score(score, _("领导评价"))
    with transaction.atomic():
        lock_cycle(cycle, Activity.INPUTS)
        _assessed_category(cycle, unit)
        rating = (
            LeaderRating.objects.select_for_update()
            .select_related("unit", "leader")
            .filter(cycle=cycle, unit=unit, leader=actor)
            .first()
        )
        before = leader_rating_state(rating) if rating else None
        if rating is None:
            rating = LeaderRating(cycle=cycle, unit=unit, leader=actor)
        rating.score, rating.comment = score, comment
        after = leader_rating_state(rating)
        if after != before:
            rating.save()
            action = "leader_rating.update" if before else "leader_rating.create"
            audit_record(actor=actor, action=action, obj=rating, before=before, after=after)
    return rating


# --- organiser: adjustments (加减分) -----------------------------------------------------------------------


def _target_code(unit: Unit | None, cadre: Cadre | None) -> str:
    return unit.code if unit is not None else cadre.code if cadre is not None else ""


def adjustment_state(adjustment: Adjustment) -> dict[str, Any]:
    return {
        "target": _target_code(adjustment.unit, adjustment.cadre),
        "kind": adjustment.kind,
        "points": _text(adjustment.points),
        "reason": adjustment.reason,
        "evidence": bool(adjustment.evidence),
        "status": adjustment.status,
    }


def _one_target(unit: Unit | None, cadre: Cadre | None) -> None:
    if (unit is None) == (cadre is None):
        raise ValidationError(_("加减分、一票否决须针对一个单位或一名干部"), code="target")


def _save_evidence(record: Any, upload: UploadedFile | None, stored: list[str]) -> None:
    if upload:
        record.evidence.save(upload.name, upload, save=False)
        stored.append(record.evidence.name)


def _discard(stored: list[str]) -> None:
    for name in stored:
        default_storage.delete(name)


def adjustment_propose(
    *,
    actor: Actor,
    cycle: AssessmentCycle,
    unit: Unit | None = None,
    cadre: Cadre | None = None,
    kind: str,
    points: Decimal,
    reason: str,
    evidence: UploadedFile | None = None,
) -> Adjustment:
    """A bonus or deduction, proposed; it counts only once approved (`adjustment_decide`)."""
    _one_target(unit, cadre)
    if kind not in AdjustmentKind.values:
        raise ValidationError(_("类型「%(kind)s」无效（加分、扣分）") % {"kind": kind}, code="kind")
    points = _score(points, _("分值"))
    if points <= 0:
        raise ValidationError(_("分值「%(value)s」应大于 0") % {"value": points}, code="points")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("请填写加减分原因"), code="reason")
    stored: list[str] = []
    try:
        with transaction.atomic():
            lock_cycle(cycle, Activity.INPUTS)
            adjustment = Adjustment(
                cycle=cycle,
                unit=unit,
                cadre=cadre,
                kind=kind,
                points=points,
                reason=reason,
                proposed_by=actor,
            )
            _save_evidence(adjustment, evidence, stored)
            adjustment.save()
            audit_record(
                actor=actor, action="adjustment.propose", obj=adjustment, after=adjustment_state(adjustment)
            )
    except BaseException:
        _discard(stored)
        raise
    return adjustment


def adjustment_decide(*, actor: Actor, adjustment: Adjustment, approve: bool) -> Adjustment:
    """Approve or reject a proposed bonus or deduction; a decision is final."""
    with transaction.atomic():
        lock_cycle(adjustment.cycle, Activity.INPUTS)
        adjustment = (
            Adjustment.objects.select_for_update(of=("self",))
            .select_related("unit", "cadre")
            .get(pk=adjustment.pk)
        )
        if adjustment.status != AdjustmentStatus.PROPOSED:
            raise ValidationError(
                _("这条加减分已经%(status)s，不能再审批") % {"status": adjustment.get_status_display()},
                code="decided",
            )
        before = adjustment_state(adjustment)
        adjustment.status = AdjustmentStatus.APPROVED if approve else AdjustmentStatus.REJECTED
        adjustment.decided_by, adjustment.decided_at = actor, timezone.now()
        adjustment.save(update_fields=["status", "decided_by", "decided_at"])
        action = "adjustment.approve" if approve else "adjustment.reject"
        audit_record(
            actor=actor, action=action, obj=adjustment, before=before, after=adjustment_state(adjustment)
        )
    return adjustment


# --- organiser: vetoes (一票否决) -------------------------------------------------------------------------


def veto_state(veto: Veto) -> dict[str, Any]:
    return {"target": _target_code(veto.unit, veto.cadre), "item": veto.item, "evidence": bool(veto.evidence)}


def veto_record(
    *,
    actor: Actor,
    cycle: AssessmentCycle,
    unit: Unit | None = None,
    cadre: Cadre | None = None,
    item: str,
    evidence: UploadedFile | None = None,
) -> Veto:
    _one_target(unit, cadre)
    item = (item or "").strip()
    if not item:
        raise ValidationError(_("请填写否决事项"), code="item")
    stored: list[str] = []
    try:
        with transaction.atomic():
            lock_cycle(cycle, Activity.INPUTS)
            veto = Veto(cycle=cycle, unit=unit, cadre=cadre, item=item, recorded_by=actor)
            _save_evidence(veto, evidence, stored)
            veto.save()
            audit_record(actor=actor, action="veto.create", obj=veto, after=veto_state(veto))
    except BaseException:
        _discard(stored)
        raise
    return veto


def veto_delete(*, actor: Actor, veto: Veto) -> None:
    with transaction.atomic():
        lock_cycle(veto.cycle, Activity.INPUTS)
        name = veto.evidence.name if veto.evidence else ""
        audit_record(actor=actor, action="veto.delete", obj=veto, before=veto_state(veto))
        veto.delete()
        if name:
            transaction.on_commit(lambda: default_storage.delete(name))


# --- organiser: sanctions (处分) -------------------------------------------------------------------------


def sanction_state(sanction: Sanction) -> dict[str, Any]:
    return {"cadre": sanction.cadre.code, "name": sanction.name, "year": sanction.year, "note": sanction.note}


def sanction_record(
    *, actor: Actor, cycle: AssessmentCycle, cadre: Cadre, name: str, year: int, note: str = ""
) -> Sanction:
    """Record a sanction on a cadre, entered while `cycle` takes inputs (its effects span later years)."""
    if name not in sanction_names():
        raise ValidationError(
            _("「%(name)s」不在处分影响表中（%(names)s）")
            % {"name": name, "names": "、".join(sanction_names())},
            code="name",
        )
    with transaction.atomic():
        lock_cycle(cycle, Activity.INPUTS)
        sanction = Sanction.objects.create(cadre=cadre, name=name, year=year, note=(note or "").strip())
        audit_record(actor=actor, action="sanction.create", obj=sanction, after=sanction_state(sanction))
    return sanction


def sanction_delete(*, actor: Actor, cycle: AssessmentCycle, sanction: Sanction) -> None:
    with transaction.atomic():
        lock_cycle(cycle, Activity.INPUTS)
        audit_record(actor=actor, action="sanction.delete", obj=sanction, before=sanction_state(sanction))
        sanction.delete()

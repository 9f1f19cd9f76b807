"""Writing results: compute runs, decisions, quota approvals, 公示 and objections, finalisation, voids.

Each function is one use-case, keyword-only, in one transaction that locks the cycle row (so two
organisers cannot compute or finalise at once), writes its audit record, and raises ``ValidationError``
with Chinese messages naming the target, pool and numbers when it refuses, leaving nothing half-saved.
"""

from __future__ import annotations

import datetime
import json
import zlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kaohe.audit.actions import audit_record
from kaohe.org.models import Cadre, Unit
from kaohe.plans.actions import cycle_advance
from kaohe.plans.inputs import cycle_assessment_input, gc_paused
from kaohe.plans.models import PHASE_ORDER, AssessmentCycle, Phase
from kaohe.plans.transfer import insert_rows
from kaohe.results import canonical, selectors
from kaohe.results.models import (
    ComputeRun,
    Decision,
    DecisionKind,
    DecisionStatus,
    FinalResult,
    Kind,
    Objection,
    PublicNotice,
    Quota,
    QuotaApproval,
    Result,
    ResultVoid,
    Seal,
    VoidScope,
)
from kaohe.rules import assess, assessment_document
from kaohe.rules.disclosure import disclose_result
from kaohe.rules.errors import InputError
from kaohe.rules.model import PENDING, UNGRADED, Assessment, AssessmentInput

BATCH = 2000
FINALISED_MESSAGE = "本年度考核结果已定档封存；如需重新考核，请先宣布有关结果无效"


def notice_working_days() -> int:
    """公示 length in working days: setting PUBLIC_NOTICE_WORKING_DAYS, default 5."""
    return int(getattr(settings, "PUBLIC_NOTICE_WORKING_DAYS", 5))


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The last day of ``days`` working days from ``start`` (counted if it is a working day); Saturday and
    Sunday are skipped."""
    day = start
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    counted = 1
    while counted < days:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            counted += 1
    return day


def _lock(cycle: AssessmentCycle) -> AssessmentCycle:
    return AssessmentCycle.objects.select_for_update().get(pk=cycle.pk)


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _current(cycle: AssessmentCycle, run: ComputeRun | None) -> selectors.ResultsState:
    """The state of the cycle, refusing when ``run`` (what the caller saw) is no longer the current run."""
    state = selectors.results_state(cycle)
    if state.run is None:
        raise ValidationError("尚未计算考核结果", code="no_run")
    if run is not None and run.pk != state.run.pk:
        raise ValidationError(
            f"考核结果已重新计算（现为第{state.run.version}次），页面已过期，请刷新后再操作", code="stale"
        )
    return state


def _not_finalised(state: selectors.ResultsState) -> None:
    if state.finalised:
        raise ValidationError(FINALISED_MESSAGE, code="finalised")


# --- compute ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Computed:
    """A run's pieces, computed before the transaction that stores them."""

    data: AssessmentInput
    assessment: Assessment
    document: dict[str, Any]
    rows: dict[str, Any]
    packed: bytes  # the rows compressed
    digest: str


def compute(cycle: AssessmentCycle) -> Computed:
    """Gather and assess; raises ``ValidationError`` with every input error."""
    with gc_paused():
        try:
            data = cycle_assessment_input(cycle)
            assessment = assess(data)
        except InputError as error:
            raise ValidationError(list(error.messages), code="input") from error
        rows = canonical.input_rows(data)
        return Computed(data, assessment, assessment_document(assessment), rows, *canonical.encode(rows))


def run_compute(
    *, actor: Any, cycle: AssessmentCycle, note: str = "", computed: Computed | None = None
) -> ComputeRun:
    """Compute the cycle's results and store them as its next run; invalidate decisions that no longer fit."""
    computed = computed or compute(cycle)
    packed_document = zlib.compress(json.dumps(computed.document, ensure_ascii=False).encode(), 1)
    with transaction.atomic():
        _lock(cycle)
        state = selectors.results_state(cycle)
        _not_finalised(state)
        version = (state.run.version if state.run else 0) + 1
        user = _user(actor)
        run = ComputeRun.objects.create(
            cycle=cycle,
            version=version,
            created_by=user,
            created_by_name=user.get_username() if user else str(actor),
            created_at=timezone.now(),
            note=note,
            input_digest=computed.digest,
            inputs=computed.packed,
            settings=computed.rows["settings"],
            document=packed_document,
        )
        _store_results(run, computed.document)
        invalidated = _invalidate(cycle, run)
        audit_record(
            actor=actor,
            action="result.compute",
            obj=run,
            after={
                "version": version,
                "input_digest": computed.digest,
                "results": len(computed.document["results"]),
                "invalid_ballots": len(computed.document["invalid_ballots"]),
                "note": note,
                "invalidated": invalidated,
            },
        )
    return run


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _ids(model: Any, codes: set[str]) -> dict[str, int]:
    """Ids by code; the whole table when the codes are many (SQLite limits a query's parameters)."""
    rows = model.objects.filter(code__in=codes) if len(codes) <= 1000 else model.objects.all()
    return dict(rows.values_list("code", "id"))


RESULT_COLUMNS = (
    "run",
    "position",
    "kind",
    "code",
    "name",
    "unit",
    "cadre",
    "pool",
    "democratic",
    "performance",
    "composite",
    "rank",
    "pool_size",
    "grade",
    "flags",
    "explanation",
)


def _json(value: Any) -> str | None:
    """A JSON field's value as the database takes it (``json.dumps``, as Django writes it); None is NULL."""
    return None if value is None else json.dumps(value)


def _store_results(run: ComputeRun, document: dict[str, Any]) -> None:
    """The run's rows as plain tuples (COPY on PostgreSQL, executemany elsewhere): for 55,000 results,
    ``bulk_create`` spent several times the insert itself building instances and their SQL.

    The rows hold what the app may show (the k rule, rules/disclosure.py): a rater group of fewer than k
    ballots is merged into 其他 in ``democratic`` and the explanation. The run's document keeps every group."""
    weights = selectors.run_settings(run).rater_group_weights
    results = [disclose_result(r, weights, settings.MIN_GROUP_SIZE) for r in document["results"]]
    units = _ids(Unit, {r["unit"] for r in results})
    cadres = _ids(Cadre, {r["code"] for r in results if r["kind"] == Kind.CADRE})
    rows = [
        (
            run.pk,
            position,
            r["kind"],
            r["code"],
            r["name"],
            units[r["unit"]],
            cadres[r["code"]] if r["kind"] == Kind.CADRE else None,
            r["pool"],
            _json(r["democratic"]),
            _decimal(r["performance"]),
            _decimal(r["composite"]),
            r["rank"],
            r["pool_size"],
            r["grade"],
            _json(r["flags"]),
            r["explanation"],
        )
        for position, r in enumerate(results)
    ]
    insert_rows(Result, RESULT_COLUMNS, rows)
    Quota.objects.bulk_create(
        Quota(
            run=run,
            kind=q["kind"],
            pool=q["pool"],
            size=q["size"],
            theoretical=Decimal(q["theoretical"]),
            quota=q["quota"],
            excellent=q["excellent"],
            pending=q["pending"],
        )
        for q in document["quotas"]
    )


def _invalidate(cycle: AssessmentCycle, run: ComputeRun) -> list[dict[str, str]]:
    """Decisions and approvals that do not fit the new run lose effect, each with a notice saying why."""
    gone = []
    decisions = list(Decision.objects.filter(cycle=cycle, status=DecisionStatus.ACTIVE))
    results = {
        (k, c): (pool, grade)
        for k, c, pool, grade in Result.objects.filter(
            run=run, code__in=[d.code for d in decisions]
        ).values_list("kind", "code", "pool", "grade")
    }
    for decision in decisions:
        found = results.get((decision.kind, decision.code))
        notice = ""
        if found is None:
            notice = f"「{decision.name}」不在第{run.version}次计算结果中，决定失效"
        elif found[0] != decision.pool:
            notice = (
                f"「{decision.name}」的名额池由「{decision.pool}」变为「{found[0]}」，决定失效，请重新决定"
            )
        elif decision.decision == DecisionKind.RESOLVE and found[1] != PENDING:
            notice = f"第{run.version}次计算中「{decision.name}」已不是待定（计算等次：{found[1]}），决定失效"
        elif found[1] == UNGRADED and decision.computed_grade != UNGRADED:
            notice = f"第{run.version}次计算中「{decision.name}」不定等次，调整失效"
        if notice:
            decision.status, decision.notice = DecisionStatus.INVALIDATED, notice
            decision.save(update_fields=["status", "notice"])
            gone.append({"decision": decision.pk, "notice": notice})
    quotas = {(q.kind, q.pool): q.quota for q in Quota.objects.filter(run=run)}
    for approval in QuotaApproval.objects.filter(cycle=cycle, status=DecisionStatus.ACTIVE):
        quota = quotas.get((approval.kind, approval.pool))
        notice = ""
        if quota is None:
            notice = f"名额池「{approval.pool}」不在第{run.version}次计算结果中，超额批准失效"
        elif quota != approval.quota:
            notice = f"名额池「{approval.pool}」的优秀名额由 {approval.quota} 变为 {quota}，超额批准失效"
        if notice:
            approval.status = DecisionStatus.INVALIDATED
            approval.save(update_fields=["status"])
            gone.append({"approval": approval.pk, "notice": notice})
    return gone


# --- the committee's decisions ----------------------------------------------------------------------------


def _decision_state(decision: Decision | None) -> dict[str, Any] | None:
    if decision is None:
        return None
    return {
        "kind": decision.kind,
        "code": decision.code,
        "decision": decision.decision,
        "grade": decision.grade,
        "reason": decision.reason,
        "status": decision.status,
        "run": decision.run.version,
        "pool": decision.pool,
        "computed_grade": decision.computed_grade,
    }


def decision_record(
    *,
    actor: Any,
    cycle: AssessmentCycle,
    run: ComputeRun,
    result: Result,
    decision: str,
    grade: str,
    reason: str,
) -> Decision:
    """Resolve a 待定 (优秀 or the default grade) or override a grade (reason required); replaces the
    target's earlier active decision."""
    reason = reason.strip()
    with transaction.atomic():
        _lock(cycle)
        state = _current(cycle, run)
        _not_finalised(state)
        if result.run_id != run.pk:
            raise ValidationError("该结果不属于当前计算批次", code="stale")
        if (result.kind, result.code) in state.voided:
            raise ValidationError(f"「{result.name}」的结果已宣布无效，待重新考核", code="void")
        allowed = selectors.GRADES[Kind(result.kind)]
        if decision == DecisionKind.RESOLVE:
            if result.grade != PENDING:
                raise ValidationError(
                    f"「{result.name}」不是待定（计算等次：{result.grade}）", code="not_pending"
                )
            allowed = (
                "优秀",
                selectors.default_grade(result.kind, result.composite, selectors.run_settings(run)),
            )
        elif decision == DecisionKind.OVERRIDE:
            if not reason:
                raise ValidationError(f"调整「{result.name}」的等次必须填写理由", code="reason")
            if result.grade == UNGRADED:
                raise ValidationError(f"「{result.name}」本年度不定等次，不能调整等次", code="ungraded")
        else:
            raise ValidationError(f"「{decision}」不是有效的决定类型", code="kind")
        if grade not in allowed:
            raise ValidationError(
                f"「{grade}」不是「{result.name}」可选的等次（{'、'.join(allowed)}）", code="grade"
            )
        previous = Decision.objects.filter(
            cycle=cycle, kind=result.kind, code=result.code, status=DecisionStatus.ACTIVE
        ).first()
        if previous is not None:
            previous.status = DecisionStatus.WITHDRAWN
            previous.save(update_fields=["status"])
        made = Decision.objects.create(
            cycle=cycle,
            kind=result.kind,
            code=result.code,
            name=result.name,
            decision=decision,
            grade=grade,
            reason=reason,
            run=run,
            pool=result.pool,
            computed_grade=result.grade,
            created_by=actor,
            created_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            action="result.decide",
            obj=made,
            before=_decision_state(previous),
            after=_decision_state(made),
        )
    return made


def decision_withdraw(*, actor: Any, cycle: AssessmentCycle, decision: Decision) -> Decision:
    with transaction.atomic():
        _lock(cycle)
        _not_finalised(selectors.results_state(cycle))
        decision = Decision.objects.select_for_update().get(pk=decision.pk, cycle=cycle)
        if decision.status != DecisionStatus.ACTIVE:
            raise ValidationError(f"对「{decision.name}」的决定已不再有效", code="inactive")
        before = _decision_state(decision)
        decision.status = DecisionStatus.WITHDRAWN
        decision.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="result.decision_withdraw",
            obj=decision,
            before=before,
            after=_decision_state(decision),
        )
    return decision


def quota_approve(
    *, actor: Any, cycle: AssessmentCycle, run: ComputeRun, kind: str, pool: str, reason: str
) -> QuotaApproval:
    """Record the committee's approval of the pool's present 优秀 count above its quota."""
    reason = reason.strip()
    with transaction.atomic():
        _lock(cycle)
        state = _current(cycle, run)
        _not_finalised(state)
        found = selectors.pool_states(cycle, run, kind=kind, pool=pool)
        if not found:
            raise ValidationError(f"第{run.version}次计算结果中没有名额池「{pool}」", code="pool")
        p = found[0]
        if not p.over:
            raise ValidationError(
                f"名额池「{p.label}」优秀 {p.excellent} 个，未超过优秀名额 {p.quota} 个，无需批准",
                code="not_over",
            )
        if not reason:
            raise ValidationError(f"批准名额池「{p.label}」超额必须填写理由", code="reason")
        previous = QuotaApproval.objects.filter(
            cycle=cycle, kind=kind, pool=pool, status=DecisionStatus.ACTIVE
        ).first()
        if previous is not None:
            previous.status = DecisionStatus.WITHDRAWN
            previous.save(update_fields=["status"])
        approval = QuotaApproval.objects.create(
            cycle=cycle,
            kind=kind,
            pool=pool,
            quota=p.quota,
            excellent=p.excellent,
            reason=reason,
            run=run,
            created_by=actor,
            created_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            action="result.quota_approve",
            obj=approval,
            before=None if previous is None else {"excellent": previous.excellent, "reason": previous.reason},
            after={"kind": kind, "pool": pool, "quota": p.quota, "excellent": p.excellent, "reason": reason},
        )
    return approval


# --- 公示 -------------------------------------------------------------------------------------------------


def _advance_to(actor: Any, cycle: AssessmentCycle, phase: str, on: datetime.date) -> None:
    """Move the cycle forward to ``phase`` (never back) through plans' own write function."""
    while PHASE_ORDER.index(cycle.phase) < PHASE_ORDER.index(phase):
        cycle_advance(actor=actor, cycle=cycle, from_phase=cycle.phase, on=on)


def notice_publish(
    *,
    actor: Any,
    cycle: AssessmentCycle,
    run: ComputeRun,
    starts_on: datetime.date,
    working_days: int,
    text: str = "",
) -> PublicNotice:
    """Publish the proposed 优秀 list of the current run for ``working_days`` working days."""
    with transaction.atomic():
        fresh = _lock(cycle)
        state = _current(cycle, run)
        _not_finalised(state)
        if PHASE_ORDER.index(fresh.phase) < PHASE_ORDER.index(Phase.EVALUATION):
            raise ValidationError("考核尚未进入评定阶段，不能公示结果", code="phase")
        if working_days < 1:
            raise ValidationError("公示期至少 1 个工作日", code="days")
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
            _advance_to(actor, fresh, Phase.PUBLIC_NOTICE, starts_on)
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
    actor: Any,
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
        _lock(notice.cycle)
        state = selectors.results_state(notice.cycle)
        _not_finalised(state)
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


def objection_handle(*, actor: Any, objection: Objection, handling: str) -> Objection:
    handling = handling.strip()
    if not handling:
        raise ValidationError("请填写处理情况", code="required")
    with transaction.atomic():
        _lock(objection.notice.cycle)
        _not_finalised(selectors.results_state(objection.notice.cycle))
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


# --- finalisation and its seal ----------------------------------------------------------------------------


def finalisation_problems(
    cycle: AssessmentCycle, state: selectors.ResultsState, today: datetime.date
) -> list[str]:
    """Everything that stops finalising, each naming what and the numbers; empty when it may go ahead."""
    if state.finalised:
        return [FINALISED_MESSAGE]
    problems = selectors.grading_problems(cycle, state)
    if state.run is None:
        return problems
    notice = selectors.latest_notice(cycle, state.run)
    if notice is None:
        problems.append(f"第{state.run.version}次计算的拟定优秀名单尚未公示")
        return problems
    if today <= notice.ends_on:
        problems.append(f"公示期至 {notice.ends_on} 结束，尚未期满（{notice.working_days} 个工作日）")
    open_objections = notice.objections.filter(handled_at__isnull=True).count()
    if open_objections:
        problems.append(f"公示期间收到的反映还有 {open_objections} 条尚未处理")
    published = [(e["kind"], e["code"]) for e in notice.excellent]
    proposed = [(e["kind"], e["code"]) for e in selectors.proposed_excellent(cycle, state.run)]
    if set(published) != set(proposed):
        problems.append("公示后拟定优秀名单有变化（领导小组的决定有改动），请重新公示")
    return problems


def final_rows(cycle: AssessmentCycle, run: ComputeRun) -> list[dict[str, Any]]:
    """The current run's results with the active decisions applied: what a seal covers."""
    decisions = selectors.active_decisions(cycle)
    rows = []
    for r in Result.objects.filter(run=run).order_by("position").values(
        "id", "kind", "code", "name", "unit_id", "unit__code", "cadre_id", "pool", "composite", "rank",
        "pool_size", "grade", "flags", "explanation",
    ):  # fmt: skip
        decision = decisions.get((r["kind"], r["code"]))
        rows.append(
            {
                "result_id": r["id"],
                "unit_id": r["unit_id"],
                "cadre_id": r["cadre_id"],
                "kind": r["kind"],
                "code": r["code"],
                "name": r["name"],
                "unit": r["unit__code"],
                "pool": r["pool"],
                "composite": None if r["composite"] is None else f"{r['composite']:.2f}",
                "rank": r["rank"],
                "pool_size": r["pool_size"],
                "grade": selectors.final_grade(r["grade"], decision),
                "computed_grade": r["grade"],
                "flags": r["flags"],
                "manual": decision is not None,
                "manual_reason": ""
                if decision is None
                else f"{selectors.decision_label(decision)}：{decision.reason}".rstrip("："),
                "explanation": r["explanation"],
            }
        )
    return rows


def results_finalise(*, actor: Any, cycle: AssessmentCycle, run: ComputeRun, today: datetime.date) -> Seal:
    """Finalise the current run: refused while anything in ``finalisation_problems`` remains; stores the
    final results, hashes them over their canonical form and writes the hash into the audit chain."""
    with transaction.atomic():
        fresh = _lock(cycle)
        state = _current(cycle, run)
        problems = finalisation_problems(cycle, state, today)
        if problems:
            raise ValidationError(problems, code="refused")
        rows = final_rows(cycle, run)
        seal_hash = canonical.final_hash(
            canonical.final_form(cycle.year, run.version, run.input_digest, rows)
        )
        notice = selectors.latest_notice(cycle, run)
        seal = Seal.objects.create(
            cycle=cycle, run=run, notice=notice, hash=seal_hash, created_by=actor, created_at=timezone.now()
        )
        FinalResult.objects.bulk_create(
            (
                FinalResult(
                    seal=seal,
                    cycle=cycle,
                    result_id=row["result_id"],
                    kind=row["kind"],
                    code=row["code"],
                    name=row["name"],
                    unit_id=row["unit_id"],
                    cadre_id=row["cadre_id"],
                    pool=row["pool"],
                    composite=_decimal(row["composite"]),
                    rank=row["rank"],
                    pool_size=row["pool_size"],
                    grade=row["grade"],
                    computed_grade=row["computed_grade"],
                    flags=row["flags"],
                    explanation=row["explanation"],
                    manual=row["manual"],
                    manual_reason=row["manual_reason"],
                )
                for row in rows
            ),
            batch_size=BATCH,
        )
        audit_record(
            actor=actor,
            action="result.seal",
            obj=seal,
            after={
                "hash": seal_hash,
                "run": run.version,
                "input_digest": run.input_digest,
                "results": len(rows),
                "manual": sum(row["manual"] for row in rows),
            },
        )
        if fresh.phase != Phase.COMPLETED:
            _advance_to(actor, fresh, Phase.COMPLETED, today)
    return seal


# --- void -------------------------------------------------------------------------------------------------


def result_void(
    *,
    actor: Any,
    cycle: AssessmentCycle,
    run: ComputeRun,
    scope: str,
    reason: str,
    unit: Unit | None = None,
    cadre: Cadre | None = None,
) -> ResultVoid:
    """Declare results of the current run 无效 (考核结果失实): the whole cycle, a unit (its team and the
    cadres assessed in it) or a cadre. Nothing is deleted; a new run follows."""
    reason = reason.strip()
    if not reason:
        raise ValidationError("宣布结果无效必须填写原因", code="reason")
    with transaction.atomic():
        _lock(cycle)
        state = _current(cycle, run)
        results = Result.objects.filter(run=run)
        if scope == VoidScope.CYCLE:
            unit = cadre = None
            label = "全部考核结果"
        elif scope == VoidScope.UNIT and unit is not None:
            cadre = None
            results = results.filter(unit=unit)
            label = f"单位「{unit.name}」的考核结果"
        elif scope == VoidScope.CADRE and cadre is not None:
            unit = None
            results = results.filter(kind=Kind.CADRE, cadre=cadre)
            label = f"干部「{cadre.name}」的考核结果"
        else:
            raise ValidationError("请选择宣布无效的范围和对象", code="scope")
        codes = [[kind, code] for kind, code in results.order_by("position").values_list("kind", "code")]
        if not codes:
            raise ValidationError(f"第{run.version}次计算结果中没有{label}", code="empty")
        already = state.voided
        if all((kind, code) in already for kind, code in codes):
            raise ValidationError(f"{label}已宣布无效，待重新考核", code="already")
        seal = state.seal if state.seal is not None and state.seal.run_id == run.pk else None
        void = ResultVoid.objects.create(
            cycle=cycle,
            scope=scope,
            unit=unit,
            cadre=cadre,
            codes=codes,
            run=run,
            seal=seal,
            reason=reason,
            created_by=actor,
            created_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            action="result.void",
            obj=void,
            after={
                "scope": scope,
                "run": run.version,
                "sealed": seal.hash if seal else None,
                "targets": len(codes),
                "reason": reason,
            },
        )
    return void

"""A 测评会 set up and changed while it is a draft: its targets, rater groups, times and 每票优秀上限."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from kaohe.accounts.actors import Actor
from kaohe.audit.actions import audit_record
from kaohe.ballots import selectors
from kaohe.ballots.actions.guards import fail, lock_session
from kaohe.ballots.actions.states import session_state
from kaohe.ballots.actions.summaries import summaries_copy
from kaohe.ballots.models import (
    UNIT_KINDS,
    BallotTemplate,
    BallotToken,
    EvaluationSession,
    SessionKind,
    SessionRaterGroup,
    SessionStatus,
    SessionTarget,
    TemplateKind,
)
from kaohe.org.models import Cadre, Unit
from kaohe.plans.gate import Activity, lock_cycle
from kaohe.plans.models import AssessedCadre, AssessedUnit, AssessmentCycle, AssessmentGroup
from kaohe.workbook.sheets import CellError


@dataclass(frozen=True)
class TargetSpec:
    template: BallotTemplate
    unit: Unit | None = None
    cadre: Cadre | None = None


@dataclass(frozen=True)
class SessionSpec:
    name: str
    targets: Sequence[TargetSpec]
    groups: Sequence[tuple[str, int]]  # (rater group, expected raters)
    excellent_limit: str | None = None  # None: the plan's 每票优秀上限
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    rehearsal: bool = False
    kind: str = SessionKind.ONLINE
    assessment_group: AssessmentGroup | None = None


def _check_spec(cycle: AssessmentCycle, spec: SessionSpec, session: EvaluationSession | None) -> str:
    """Everything wrong with `spec`, raised at once; returns the 每票优秀上限 text to store."""
    errors: list[str] = []
    name = spec.name.strip()
    if not name:
        errors.append("请填写测评会名称")
    elif len(name) > 100:
        errors.append("测评会名称最多 100 字")
    else:
        same = EvaluationSession.objects.filter(cycle=cycle, name=name)
        if session is not None:
            same = same.exclude(pk=session.pk)
        if same.exists():
            errors.append(f"{cycle.name}已有名为「{name}」的测评会")
    if spec.kind not in SessionKind.values:
        errors.append(f"测评方式「{spec.kind}」无效")
    allowed = selectors.plan_rater_groups(cycle)
    # A 专项评议 asks rater groups of its own (两代表一委员, 服务对象): they feed no democratic score.
    special = bool(spec.targets) and all(t.template.kind == TemplateKind.SERVICE for t in spec.targets)
    if not spec.groups:
        errors.append("请至少设置一个评价人类别")
    seen: set[str] = set()
    for group, expected in spec.groups:
        if group in seen:
            errors.append(f"评价人类别「{group}」重复")
        seen.add(group)
        if group not in allowed and not special:
            errors.append(
                f"评价人类别「{group}」不在{cycle.name}考核方案的评价人权重中（{'、'.join(allowed) or '无'}）"
            )
        if not isinstance(expected, int) or expected < 0:
            errors.append(f"评价人类别「{group}」的应到人数「{expected}」须为不小于 0 的整数")
    if not spec.targets:
        errors.append("请至少选择一个测评对象")
    units = set(AssessedUnit.objects.filter(cycle=cycle).values_list("unit_id", flat=True))
    cadres = set(AssessedCadre.objects.filter(cycle=cycle).values_list("cadre_id", flat=True))
    marked: set[tuple[str, int]] = set()
    asked: set[tuple[int, str, int]] = set()
    for target in spec.targets:
        kind = target.template.kind
        if kind in UNIT_KINDS:
            if target.unit is None or target.cadre is not None:
                errors.append(f"测评表「{target.template.name}」的对象须是单位")
                continue
            subject, key, known = target.unit, ("unit", target.unit.pk), target.unit.pk in units
        else:
            if target.cadre is None or target.unit is not None:
                errors.append(f"测评表「{target.template.name}」的对象须是干部")
                continue
            subject, key, known = target.cadre, ("cadre", target.cadre.pk), target.cadre.pk in cadres
        if not known:
            errors.append(f"「{subject.code} {subject.name}」不是{cycle.name}的考核对象")
        if (target.template.pk, *key) in asked:
            errors.append(f"「{subject.code} {subject.name}」在测评表「{target.template.name}」中重复")
        asked.add((target.template.pk, *key))
        if kind in (TemplateKind.TEAM, TemplateKind.CADRE):
            # Two 总体评价 of one target on one ballot would void the ballot (rules §2).
            if key in marked:
                errors.append(f"「{subject.code} {subject.name}」的总体评价在一张票上出现两次")
            marked.add(key)
    limit = (
        selectors.plan_excellent_limit(cycle)
        if spec.excellent_limit is None
        else spec.excellent_limit.strip()
    )
    try:
        selectors.parse_excellent_limit(limit)
    except CellError as error:
        errors.append(f"每票优秀上限：{error}")
    if spec.opens_at and spec.closes_at and spec.opens_at >= spec.closes_at:
        errors.append("截止时间须晚于开始时间")
    if errors:
        raise ValidationError(errors)
    return limit


def _write_parts(session: EvaluationSession, spec: SessionSpec) -> None:
    SessionTarget.objects.filter(session=session).delete()
    SessionRaterGroup.objects.filter(session=session).delete()
    SessionTarget.objects.bulk_create(
        SessionTarget(session=session, template=t.template, unit=t.unit, cadre=t.cadre, order=index)
        for index, t in enumerate(spec.targets)
    )
    SessionRaterGroup.objects.bulk_create(
        SessionRaterGroup(session=session, name=name, expected=expected, order=index)
        for index, (name, expected) in enumerate(spec.groups)
    )


def session_create(*, actor: Actor, cycle: AssessmentCycle, spec: SessionSpec) -> EvaluationSession:
    """A new 测评会 in draft: its targets, rater groups (names of the plan's 评价人权重), times and limit."""
    with transaction.atomic():
        cycle = lock_cycle(cycle, Activity.SESSIONS)
        limit = _check_spec(cycle, spec, None)
        session = EvaluationSession.objects.create(
            cycle=cycle,
            name=spec.name.strip(),
            kind=spec.kind,
            rehearsal=spec.rehearsal,
            opens_at=spec.opens_at,
            closes_at=spec.closes_at,
            excellent_limit=limit,
            assessment_group=spec.assessment_group,
        )
        _write_parts(session, spec)
        audit_record(actor=actor, action="ballot_session.create", obj=session, after=session_state(session))
        return session


def session_update(*, actor: Actor, session: EvaluationSession, spec: SessionSpec) -> EvaluationSession:
    """Change a draft session. A rater group that has codes cannot be dropped."""
    with transaction.atomic():
        cycle = lock_cycle(session.cycle, Activity.SESSIONS)
        locked = lock_session(session)
        if locked.status != SessionStatus.DRAFT:
            raise fail(
                f"测评会「{locked.name}」{locked.get_status_display()}，只有未开始的测评会可以修改", "status"
            )
        if selectors.session_has_data(locked):
            raise fail("测评会已有测评票，不能修改；演练数据请先清除", "ballots")
        limit = _check_spec(cycle, spec, locked)
        with_codes = set(BallotToken.objects.filter(session=locked).values_list("rater_group", flat=True))
        dropped = sorted(with_codes - {name for name, _ in spec.groups})
        if dropped:
            raise fail(f"评价人类别「{'、'.join(dropped)}」已生成测评码，不能删除")
        if spec.rehearsal != locked.rehearsal and BallotToken.objects.filter(session=locked).exists():
            raise fail("已生成测评码后不能切换演练模式；演练结束请使用「清除演练数据」")
        before = session_state(locked)
        locked.name = spec.name.strip()
        locked.rehearsal = spec.rehearsal
        locked.opens_at, locked.closes_at = spec.opens_at, spec.closes_at
        locked.excellent_limit = limit
        locked.assessment_group = spec.assessment_group
        locked.save()
        _write_parts(locked, spec)
        summaries_copy(locked)  # the new targets get their summaries when the session shows them
        audit_record(
            actor=actor,
            action="ballot_session.update",
            obj=locked,
            before=before,
            after=session_state(locked),
        )
        return locked

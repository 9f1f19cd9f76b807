"""The ballot write functions: templates and sessions (audited, one transaction each) and the rater's ballot.

A ballot is deliberately *not* audited: the audit log keeps who did what when, and a row per ballot would
tie each ballot to a time. ``ballot_submit`` consumes the code by a conditional UPDATE and stores the ballot
in the same transaction, with nothing that points back to the code.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from kaohe.accounts.actors import Actor
from kaohe.audit.actions import audit_record
from kaohe.ballots import codes as codes_module
from kaohe.ballots import envelope, filling, selectors, storage
from kaohe.ballots.digest import session_seal
from kaohe.ballots.models import (
    UNIT_KINDS,
    Ballot,
    BallotItemAnswer,
    BallotTemplate,
    BallotToken,
    EvaluationSession,
    Mark,
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

logger = logging.getLogger(__name__)

MAX_CODES = 5000  # in one generation; a hall holds a few hundred
ITEM_MAX = 30


def _fail(message: str, code: str = "invalid") -> ValidationError:
    return ValidationError(message, code=code)


# --- templates ---------------------------------------------------------------------------------------------


def check_items(kind: str, items: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The items of a template in their stored form; raises ValidationError naming the item and value."""
    if kind not in TemplateKind.values:
        raise _fail(f"测评表类型「{kind}」无效")
    if len(items) > ITEM_MAX:
        raise _fail(f"测评项目最多 {ITEM_MAX} 项")
    if kind in (TemplateKind.SELECTION, TemplateKind.PROMOTED) and not items:
        raise _fail("评议表至少要有一个项目")
    found: list[dict[str, Any]] = []
    names: set[str] = set()
    for number, item in enumerate(items, start=1):
        name = str(item.get("name", "")).strip()
        if not name:
            raise _fail(f"第 {number} 项缺少项目名称")
        if len(name) > 100:
            raise _fail(f"项目「{name[:20]}…」的名称超过 100 字")
        if name in names or name == "总体评价":
            raise _fail(f"项目「{name}」重复（「总体评价」由测评表类型决定，不必列出）")
        names.add(name)
        choices = [str(c).strip() for c in item.get("choices", [])]
        if len(choices) < 2 or any(not c for c in choices):
            raise _fail(f"项目「{name}」至少要有两个选项，且选项不能为空")
        if len(set(choices)) != len(choices):
            raise _fail(f"项目「{name}」的选项有重复")
        if any(len(c) > 20 for c in choices):
            raise _fail(f"项目「{name}」的选项每个最多 20 字")
        reason_for = [str(c).strip() for c in item.get("reason_for", [])]
        for choice in reason_for:
            if choice not in choices:
                raise _fail(f"项目「{name}」：须填理由的「{choice}」不是它的选项")
        found.append(
            {
                "name": name,
                "choices": choices,
                "reason_for": reason_for,
                "required": bool(item.get("required", True)),
            }
        )
    return found


def template_state(template: BallotTemplate) -> dict[str, Any]:
    return {"name": template.name, "kind": template.kind, "items": template.items}


def template_copy(*, actor: Actor, template: BallotTemplate, name: str) -> BallotTemplate:
    """A copy of `template` under a new name, for the organiser to adapt."""
    name = name.strip()
    if not name:
        raise _fail("请填写新测评表的名称")
    with transaction.atomic():
        if BallotTemplate.objects.filter(name=name).exists():
            raise _fail(f"已有名为「{name}」的测评表")
        copy = BallotTemplate.objects.create(name=name, kind=template.kind, items=template.items)
        audit_record(
            actor=actor,
            action="ballot_template.copy",
            obj=copy,
            after={**template_state(copy), "from": template.name},
        )
        return copy


def template_in_use(template: BallotTemplate) -> bool:
    return (
        SessionTarget.objects.filter(template=template).exclude(session__status=SessionStatus.DRAFT).exists()
    )


def template_update(
    *, actor: Actor, template: BallotTemplate, name: str, items: Sequence[Mapping[str, Any]]
) -> BallotTemplate:
    """Rename a template and set its items. Built-in templates, and templates of a session that has started, are fixed."""
    name = name.strip()
    if not name:
        raise _fail("请填写测评表名称")
    with transaction.atomic():
        locked = BallotTemplate.objects.select_for_update().get(pk=template.pk)
        if locked.builtin:
            raise _fail("内置测评表不能修改；请先复制一份再修改", "builtin")
        if template_in_use(locked):
            raise _fail("已有测评会使用此测评表开始测评，不能再修改；请复制一份", "in_use")
        items = check_items(locked.kind, items)
        if BallotTemplate.objects.filter(name=name).exclude(pk=locked.pk).exists():
            raise _fail(f"已有名为「{name}」的测评表")
        before = template_state(locked)
        locked.name, locked.items = name, items
        locked.save(update_fields=["name", "items"])
        audit_record(
            actor=actor,
            action="ballot_template.update",
            obj=locked,
            before=before,
            after=template_state(locked),
        )
        return locked


# --- sessions ---------------------------------------------------------------------------------------------


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


def session_state(session: EvaluationSession) -> dict[str, Any]:
    targets = [
        f"{t.template.name}:{(t.unit or t.cadre).code}"
        for t in SessionTarget.objects.filter(session=session)
        .select_related("template", "unit", "cadre")
        .order_by("order", "id")
    ]
    return {
        "name": session.name,
        "kind": session.kind,
        "status": session.status,
        "rehearsal": session.rehearsal,
        "opens_at": session.opens_at,
        "closes_at": session.closes_at,
        "excellent_limit": session.excellent_limit,
        "assessment_group": session.assessment_group.name if session.assessment_group_id else None,
        "groups": {
            g.name: g.expected
            for g in SessionRaterGroup.objects.filter(session=session).order_by("order", "id")
        },
        "targets": targets,
    }


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
    if not spec.groups:
        errors.append("请至少设置一个评价人类别")
    seen: set[str] = set()
    for group, expected in spec.groups:
        if group in seen:
            errors.append(f"评价人类别「{group}」重复")
        seen.add(group)
        if group not in allowed:
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


def _lock_session(session: EvaluationSession) -> EvaluationSession:
    return (
        EvaluationSession.objects.select_for_update(of=("self",))
        .select_related("cycle", "assessment_group")
        .get(pk=session.pk)
    )


def session_update(*, actor: Actor, session: EvaluationSession, spec: SessionSpec) -> EvaluationSession:
    """Change a draft session. A rater group that has codes cannot be dropped."""
    with transaction.atomic():
        cycle = lock_cycle(session.cycle, Activity.SESSIONS)
        locked = _lock_session(session)
        if locked.status != SessionStatus.DRAFT:
            raise _fail(
                f"测评会「{locked.name}」{locked.get_status_display()}，只有未开始的测评会可以修改", "status"
            )
        if selectors.session_has_data(locked):
            raise _fail("测评会已有测评票，不能修改；演练数据请先清除", "ballots")
        limit = _check_spec(cycle, spec, locked)
        with_codes = set(BallotToken.objects.filter(session=locked).values_list("rater_group", flat=True))
        dropped = sorted(with_codes - {name for name, _ in spec.groups})
        if dropped:
            raise _fail(f"评价人类别「{'、'.join(dropped)}」已生成测评码，不能删除")
        if spec.rehearsal != locked.rehearsal and BallotToken.objects.filter(session=locked).exists():
            raise _fail("已生成测评码后不能切换演练模式；演练结束请使用「清除演练数据」")
        before = session_state(locked)
        locked.name = spec.name.strip()
        locked.rehearsal = spec.rehearsal
        locked.opens_at, locked.closes_at = spec.opens_at, spec.closes_at
        locked.excellent_limit = limit
        locked.assessment_group = spec.assessment_group
        locked.save()
        _write_parts(locked, spec)
        audit_record(
            actor=actor,
            action="ballot_session.update",
            obj=locked,
            before=before,
            after=session_state(locked),
        )
        return locked


@dataclass(frozen=True)
class NewCode:
    group: str
    code: str
    batch: int


def session_codes_generate(
    *, actor: Actor, session: EvaluationSession, counts: Mapping[str, int]
) -> list[NewCode]:
    """New one-time codes per rater group. The plaintext is returned once, for the slips, and never stored."""
    total = sum(counts.values())
    if any(n < 0 for n in counts.values()) or total < 1:
        raise _fail("请至少为一个评价人类别生成一个测评码", "count")
    if total > MAX_CODES:
        raise _fail(f"一次最多生成 {MAX_CODES} 个测评码（本次 {total} 个）", "count")
    with transaction.atomic():
        locked = _lock_session(session)
        if locked.status not in (SessionStatus.DRAFT, SessionStatus.OPEN):
            raise _fail(f"测评会「{locked.name}」{locked.get_status_display()}，不能再生成测评码", "status")
        groups = {g.name for g in SessionRaterGroup.objects.filter(session=locked)}
        unknown = sorted(set(counts) - groups)
        if unknown:
            raise _fail(f"评价人类别「{'、'.join(unknown)}」不是本测评会的评价人类别")
        batch = (BallotToken.objects.filter(session=locked).aggregate(n=Max("batch"))["n"] or 0) + 1
        generated: list[NewCode] = []
        rows = []
        shuffle = secrets.SystemRandom().shuffle
        for group in [
            g.name for g in SessionRaterGroup.objects.filter(session=locked).order_by("order", "id")
        ]:
            made = [codes_module.new_code() for _ in range(counts.get(group, 0))]
            shuffle(made)
            generated += [NewCode(group, code, batch) for code in made]
            rows += [
                BallotToken(
                    session=locked,
                    hash=codes_module.code_hash(code),
                    rater_group=group,
                    batch=batch,
                    rehearsal=locked.rehearsal,
                )
                for code in made
            ]
        # Stored in an order of their own, so a code's row (and its id) says nothing of its place in the
        # codes file or on the slips.
        shuffle(rows)
        BallotToken.objects.bulk_create(rows, batch_size=1000)
        audit_record(
            actor=actor,
            action="ballot_session.codes_generate",
            obj=locked,
            # Never the codes themselves.
            after={
                "batch": batch,
                "rehearsal": locked.rehearsal,
                "counts": {g: n for g, n in counts.items() if n},
            },
        )
        return generated


def session_key_issue(*, actor: Actor, session: EvaluationSession) -> str:
    """A new opening key for an online session not yet started; returns its private half, the only copy.

    Only the public half is stored (envelope.py). Issuing again replaces the key, so only the newest copy
    will open the ballots. The audit entry names the key by the first digits of its public half."""
    with transaction.atomic():
        locked = _lock_session(session)
        if locked.kind != SessionKind.ONLINE:
            raise _fail("只有扫码测评需要开启密钥", "kind")
        if locked.status != SessionStatus.DRAFT:
            raise _fail(
                f"测评会「{locked.name}」{locked.get_status_display()}，开始测评后不能更换开启密钥", "status"
            )
        private, public = envelope.new_key_pair()
        before = {"key": locked.opening_public_key[:16]}
        locked.opening_public_key = public
        locked.save(update_fields=["opening_public_key"])
        audit_record(
            actor=actor,
            action="ballot_session.key_issue",
            obj=locked,
            before=before,
            after={"key": public[:16]},
        )
        return private


def session_open(*, actor: Actor, session: EvaluationSession) -> EvaluationSession:
    """Start taking ballots. A formal run starts only with no ballot and no rehearsal code left."""
    with transaction.atomic():
        lock_cycle(session.cycle, Activity.SESSIONS)
        locked = _lock_session(session)
        if locked.status != SessionStatus.DRAFT:
            raise _fail(
                f"测评会「{locked.name}」{locked.get_status_display()}，只有未开始的测评会可以开始", "status"
            )
        if not SessionTarget.objects.filter(session=locked).exists():
            raise _fail("测评会没有测评对象", "targets")
        if (
            locked.kind == SessionKind.ONLINE
            and not BallotToken.objects.filter(
                session=locked, used=False, rehearsal=locked.rehearsal
            ).exists()
        ):
            raise _fail("请先生成测评码，再开始测评", "no_codes")
        if locked.kind == SessionKind.ONLINE and not locked.opening_public_key:
            raise _fail("请先生成并保管好开启密钥，再开始测评：结束测评时要用它开启计票", "no_key")
        if not locked.rehearsal:
            left = Ballot.objects.filter(session=locked).count() + storage.envelopes_count(locked)
            rehearsal_codes = BallotToken.objects.filter(session=locked, rehearsal=True).count()
            if left or rehearsal_codes:
                raise _fail(
                    f"测评会还有演练数据（测评票 {left} 张、演练码 {rehearsal_codes} 个），请先清除",
                    "rehearsal_left",
                )
        before = session_state(locked)
        locked.status = SessionStatus.OPEN
        locked.save(update_fields=["status"])
        audit_record(
            actor=actor, action="ballot_session.open", obj=locked, before=before, after=session_state(locked)
        )
        return locked


def _counts(session: EvaluationSession) -> dict[str, int]:
    return {
        "ballots": Ballot.objects.filter(session=session).count(),
        "sealed": storage.envelopes_count(session),
        "marks": Mark.objects.filter(ballot__session=session).count(),
        "answers": BallotItemAnswer.objects.filter(ballot__session=session).count(),
        "codes": BallotToken.objects.filter(session=session).count(),
        "codes_used": BallotToken.objects.filter(session=session, used=True).count(),
    }


def session_close(
    *, actor: Actor, session: EvaluationSession, opening_key: str | None = None
) -> EvaluationSession:
    """Stop taking ballots; the session's contents are fixed from here on.

    An online session's sealed ballots are opened with the organiser's ``opening_key`` and stored in the
    clear in random order, and the envelopes deleted (storage.envelopes_open); without the right key
    nothing changes and the session stays open. Other sessions' ballots are rewritten in random order."""
    with transaction.atomic():
        locked = _lock_session(session)  # waits for every ballot being stored (they hold a key share)
        if locked.status != SessionStatus.OPEN:
            raise _fail(
                f"测评会「{locked.name}」{locked.get_status_display()}，只有进行中的测评会可以结束", "status"
            )
        before = session_state(locked)
        if storage.envelopes_count(locked):
            if not (opening_key or "").strip():
                raise _fail("请填写本测评会的开启密钥：网上测评票已密封，只有用它才能开启计票", "key")
            try:
                storage.envelopes_open(locked, opening_key or "")
            except envelope.KeyRejected as error:
                raise _fail(str(error), "key") from None
        else:
            storage.reshuffle(locked)
        locked.status = SessionStatus.CLOSED
        locked.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="ballot_session.close",
            obj=locked,
            before=before,
            after={**session_state(locked), "counts": _counts(locked)},
        )
        transaction.on_commit(storage.after_close)
        return locked


def session_archive(*, actor: Actor, session: EvaluationSession) -> EvaluationSession:
    """Seal a closed session: the digest of its ballots (``seal``: SHA-256, or SM3 in 国密 mode, the algorithm
    in ``seal_algorithm``) is stored and written to the audit log."""
    with transaction.atomic():
        locked = _lock_session(session)
        if locked.status != SessionStatus.CLOSED:
            raise _fail(
                f"测评会「{locked.name}」{locked.get_status_display()}，只有已结束的测评会可以封存", "status"
            )
        if locked.rehearsal:
            raise _fail("演练测评会不能封存；演练结束后请清除演练数据", "rehearsal")
        before = session_state(locked)
        sealed = session_seal(locked.pk)
        locked.seal, locked.seal_algorithm = sealed.value, sealed.algorithm
        locked.status = SessionStatus.SEALED
        locked.save(update_fields=["seal", "seal_algorithm", "status"])
        audit_record(
            actor=actor,
            action="ballot_session.seal",
            obj=locked,
            before=before,
            after={
                **session_state(locked),
                "seal": locked.seal,
                "seal_algorithm": locked.seal_algorithm,
                "counts": _counts(locked),
            },
        )
        return locked


def session_void(*, actor: Actor, session: EvaluationSession, reason: str) -> EvaluationSession:
    """Void a session (its ballots stop counting), with a reason. The only way out of 已封存; never undone."""
    reason = (reason or "").strip()
    if not reason:
        raise _fail("请填写作废原因", "reason")
    with transaction.atomic():
        locked = _lock_session(session)
        if locked.status == SessionStatus.VOID:
            raise _fail(f"测评会「{locked.name}」已作废", "status")
        before = session_state(locked)
        locked.status = SessionStatus.VOID
        locked.void_reason = reason
        locked.save(update_fields=["status", "void_reason"])
        audit_record(
            actor=actor,
            action="ballot_session.void",
            obj=locked,
            before=before,
            after={**session_state(locked), "void_reason": reason, "counts": _counts(locked)},
        )
        return locked


def session_rehearsal_purge(*, actor: Actor, session: EvaluationSession) -> dict[str, int]:
    """End a rehearsal: delete its ballots, marks, answers and codes, and put the session back to draft in
    formal mode. The audit entry holds the counts deleted and the counts left, which must be zero."""
    with transaction.atomic():
        locked = _lock_session(session)
        if not locked.rehearsal:
            raise _fail(f"测评会「{locked.name}」不是演练", "not_rehearsal")
        if locked.status in (SessionStatus.SEALED, SessionStatus.VOID):
            raise _fail(f"测评会「{locked.name}」{locked.get_status_display()}，不能清除", "status")
        before = session_state(locked)
        deleted = _counts(locked)
        storage.ballots_delete(locked)
        BallotToken.objects.filter(session=locked).delete()
        left = _counts(locked)
        if any(left.values()):  # cannot happen; but the proof is the check
            raise RuntimeError(f"rehearsal purge left rows: {left}")
        locked.rehearsal = False
        locked.status = SessionStatus.DRAFT
        locked.seal = locked.seal_algorithm = ""
        # The formal run gets a key of its own: the rehearsal's may have been handled as practice.
        locked.opening_public_key = ""
        locked.save(update_fields=["rehearsal", "status", "seal", "seal_algorithm", "opening_public_key"])
        audit_record(
            actor=actor,
            action="ballot_session.rehearsal_purge",
            obj=locked,
            before={**before, "counts": deleted},
            after={**session_state(locked), "counts": left},
        )
        return deleted


# --- the rater's ballot --------------------------------------------------------------------------------------


class BallotRefused(Exception):
    """Why a ballot was not stored, as the message the rater sees; `errors` by form field for choices."""

    def __init__(self, message: str, code: str, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message, self.code, self.errors = message, code, errors or {}


def refusal_invalid() -> BallotRefused:
    return BallotRefused("测评码无效，请核对测评卡上的测评码", "invalid")


def refusal_used() -> BallotRefused:
    return BallotRefused("此测评码已使用", "used")


def refusal_not_open(session: EvaluationSession | None = None, now: datetime | None = None) -> BallotRefused:
    if session is not None and session.status == SessionStatus.DRAFT:
        return BallotRefused("测评尚未开始", "not_open")
    if session is not None and session.status == SessionStatus.OPEN and now is not None:
        if session.opens_at and now < session.opens_at:
            local = timezone.localtime(session.opens_at).strftime("%m月%d日 %H:%M")
            return BallotRefused(f"测评尚未开始（{local} 开始）", "not_open")
    return BallotRefused("本次测评已结束", "closed")


def taking_ballots(session: EvaluationSession, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        session.status == SessionStatus.OPEN
        and (session.opens_at is None or session.opens_at <= now)
        and (session.closes_at is None or now < session.closes_at)
    )


# In the model's field order (from_db takes them so).
_SESSION_STATE = ("id", "status", "opening_public_key", "rehearsal", "opens_at", "closes_at")


def _session_for_ballot(session_id: int) -> EvaluationSession:
    """The session's state, in one statement. On PostgreSQL with a key share on its row, so that closing
    (which locks the row) waits for this ballot, and this ballot, if it comes second, sees the session closed."""
    table = connection.ops.quote_name(EvaluationSession._meta.db_table)
    lock = " FOR KEY SHARE" if connection.vendor == "postgresql" else ""
    with selectors.statement_cursor() as cursor:
        cursor.execute(
            f"SELECT id, status, opening_public_key, rehearsal, opens_at, closes_at FROM {table} "  # noqa: S608
            f"WHERE id = %s{lock}",
            [session_id],
        )
        id_, status, public_key, rehearsal, opens_at, closes_at = cursor.fetchone()
    values = [id_, status, public_key, bool(rehearsal), selectors.aware(opens_at), selectors.aware(closes_at)]
    return EvaluationSession.from_db(connection.alias, _SESSION_STATE, values)


def ballot_submit(
    *,
    code: str,
    data: Mapping[str, str],
    layout: filling.Layout | None = None,
    token: selectors.TokenInfo | None = None,
) -> str:
    """Store one ballot admitted by the one-time ``code``; returns the receipt. Raises ``BallotRefused``.

    The choices are checked first (nothing is stored on a problem). Then one transaction consumes the code
    by ``UPDATE … SET used = true WHERE id = … AND used = false`` — of concurrent submissions with one code
    exactly one updates a row — and stores the ballot sealed to the session's key (storage.envelope_store),
    unreadable until the organiser opens the session's envelopes at close. Not audited, by design (see the module docstring). ``token`` and ``layout``, when the ballot page
    has just read them for this code, spare reading them again; the UPDATE decides in any case."""
    plain = codes_module.normalise(code)
    if plain is None:
        raise refusal_invalid()
    if token is None or token.hash != codes_module.code_hash(plain):
        token = selectors.token_by_code(plain)
    if token is None:
        raise refusal_invalid()
    if token.used:
        raise refusal_used()
    if layout is None or layout.session_id != token.session.pk:
        layout = selectors.token_layout(token)
    checked = filling.check(layout, data)
    if not checked.ok:
        first = next(iter(checked.errors.values()))[0]
        raise BallotRefused(first, "choices", checked.errors)
    receipt = codes_module.new_receipt()
    table = connection.ops.quote_name(BallotToken._meta.db_table)
    with transaction.atomic():
        session = _session_for_ballot(token.session.pk)
        if not taking_ballots(session):
            raise refusal_not_open(session, timezone.now())
        if session.rehearsal != token.rehearsal:
            raise refusal_invalid()  # a rehearsal's code in the formal run, or the reverse
        with selectors.statement_cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET used = %s WHERE id = %s AND used = %s",  # noqa: S608
                [True, token.id, False],
            )
            if cursor.rowcount != 1:
                raise refusal_used()
            if not session.opening_public_key:  # cannot happen: opening needs the key
                raise refusal_not_open(session)
            storage.envelope_store(
                cursor,
                session_id=session.pk,
                size=storage.envelope_size(layout),
                public_key=session.opening_public_key,
                receipt=receipt,
                rater_group=token.rater_group,
                marks=[(m.unit_id, m.cadre_id, m.choice) for m in checked.marks],
                answers=[
                    (a.unit_id, a.cadre_id, a.template_id, a.item, a.choice, a.reason)
                    for a in checked.answers
                ],
            )
    return receipt

"""A session's life after its set-up: opened, closed (its sealed ballots opened), archived, voided."""

from __future__ import annotations

from django.db import transaction

from kaohe.accounts.actors import Actor
from kaohe.audit.actions import audit_record
from kaohe.ballots import envelope, selectors, storage
from kaohe.ballots.actions.guards import fail, lock_session
from kaohe.ballots.actions.states import session_state
from kaohe.ballots.actions.summaries import summaries_copy
from kaohe.ballots.digest import session_seal
from kaohe.ballots.models import (
    Ballot,
    BallotToken,
    EvaluationSession,
    SessionKind,
    SessionStatus,
    SessionTarget,
)
from kaohe.plans.gate import Activity, lock_cycle


def session_open(*, actor: Actor, session: EvaluationSession) -> EvaluationSession:
    """Start taking ballots. A formal run starts only with no ballot and no rehearsal code left."""
    with transaction.atomic():
        lock_cycle(session.cycle, Activity.SESSIONS)
        locked = lock_session(session)
        if locked.status != SessionStatus.DRAFT:
            raise fail(
                f"测评会「{locked.name}」{locked.get_status_display()}，只有未开始的测评会可以开始", "status"
            )
        if not SessionTarget.objects.filter(session=locked).exists():
            raise fail("测评会没有测评对象", "targets")
        if (
            locked.kind == SessionKind.ONLINE
            and not BallotToken.objects.filter(
                session=locked, used=False, rehearsal=locked.rehearsal
            ).exists()
        ):
            raise fail("请先生成测评码，再开始测评", "no_codes")
        if locked.kind == SessionKind.ONLINE and not locked.opening_public_key:
            raise fail("请先生成并保管好开启密钥，再开始测评：结束测评时要用它开启计票", "no_key")
        if not locked.rehearsal:
            left = Ballot.objects.filter(session=locked).count() + storage.envelopes_count(locked)
            rehearsal_codes = BallotToken.objects.filter(session=locked, rehearsal=True).count()
            if left or rehearsal_codes:
                raise fail(
                    f"测评会还有演练数据（测评票 {left} 张、演练码 {rehearsal_codes} 个），请先清除",
                    "rehearsal_left",
                )
        before = session_state(locked)
        summaries_copy(locked)  # what the ballot shows is fixed as it opens
        locked.status = SessionStatus.OPEN
        locked.save(update_fields=["status"])
        audit_record(
            actor=actor, action="ballot_session.open", obj=locked, before=before, after=session_state(locked)
        )
        return locked


def session_close(
    *, actor: Actor, session: EvaluationSession, opening_key: str | None = None
) -> EvaluationSession:
    """Stop taking ballots; the session's contents are fixed from here on.

    An online session's sealed ballots are opened with the organiser's ``opening_key`` and stored in the
    clear in random order, and the envelopes deleted (storage.envelopes_open); without the right key
    nothing changes and the session stays open. Other sessions' ballots are rewritten in random order."""
    with transaction.atomic():
        locked = lock_session(session)  # waits for every ballot being stored (they hold a key share)
        if locked.status != SessionStatus.OPEN:
            raise fail(
                f"测评会「{locked.name}」{locked.get_status_display()}，只有进行中的测评会可以结束", "status"
            )
        before = session_state(locked)
        if storage.envelopes_count(locked):
            if not (opening_key or "").strip():
                raise fail("请填写本测评会的开启密钥：网上测评票已密封，只有用它才能开启计票", "key")
            try:
                storage.envelopes_open(locked, opening_key or "")
            except envelope.KeyRejected as error:
                raise fail(str(error), "key") from None
        else:
            storage.reshuffle(locked)
        locked.status = SessionStatus.CLOSED
        locked.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="ballot_session.close",
            obj=locked,
            before=before,
            after={**session_state(locked), "counts": selectors.session_counts(locked)},
        )
        transaction.on_commit(storage.after_close)
        return locked


def session_archive(*, actor: Actor, session: EvaluationSession) -> EvaluationSession:
    """Seal a closed session: the digest of its ballots (``seal``: SHA-256, or SM3 in 国密 mode, the algorithm
    in ``seal_algorithm``) is stored and written to the audit log."""
    with transaction.atomic():
        locked = lock_session(session)
        if locked.status != SessionStatus.CLOSED:
            raise fail(
                f"测评会「{locked.name}」{locked.get_status_display()}，只有已结束的测评会可以封存", "status"
            )
        if locked.rehearsal:
            raise fail("演练测评会不能封存；演练结束后请清除演练数据", "rehearsal")
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
                "counts": selectors.session_counts(locked),
            },
        )
        return locked


def session_void(*, actor: Actor, session: EvaluationSession, reason: str) -> EvaluationSession:
    """Void a session (its ballots stop counting), with a reason. The only way out of 已封存; never undone."""
    reason = (reason or "").strip()
    if not reason:
        raise fail("请填写作废原因", "reason")
    with transaction.atomic():
        locked = lock_session(session)
        if locked.status == SessionStatus.VOID:
            raise fail(f"测评会「{locked.name}」已作废", "status")
        before = session_state(locked)
        locked.status = SessionStatus.VOID
        locked.void_reason = reason
        locked.save(update_fields=["status", "void_reason"])
        audit_record(
            actor=actor,
            action="ballot_session.void",
            obj=locked,
            before=before,
            after={
                **session_state(locked),
                "void_reason": reason,
                "counts": selectors.session_counts(locked),
            },
        )
        return locked

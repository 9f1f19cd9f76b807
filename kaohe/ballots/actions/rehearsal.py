"""The end of a rehearsal: its ballots and codes deleted, the session back to a formal draft."""

from __future__ import annotations

from django.db import transaction

from kaohe.accounts.actors import Actor
from kaohe.audit.actions import audit_record
from kaohe.ballots import selectors, storage
from kaohe.ballots.actions.guards import fail, lock_session
from kaohe.ballots.actions.states import session_state
from kaohe.ballots.models import BallotToken, EvaluationSession, SessionStatus


def session_rehearsal_purge(*, actor: Actor, session: EvaluationSession) -> dict[str, int]:
    """End a rehearsal: delete its ballots, marks, answers and codes, and put the session back to draft in
    formal mode. The audit entry holds the counts deleted and the counts left, which must be zero."""
    with transaction.atomic():
        locked = lock_session(session)
        if not locked.rehearsal:
            raise fail(f"测评会「{locked.name}」不是演练", "not_rehearsal")
        if locked.status in (SessionStatus.SEALED, SessionStatus.VOID):
            raise fail(f"测评会「{locked.name}」{locked.get_status_display()}，不能清除", "status")
        before = session_state(locked)
        deleted = selectors.session_counts(locked)
        storage.ballots_delete(locked)
        BallotToken.objects.filter(session=locked).delete()
        left = selectors.session_counts(locked)
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

"""The rater's ballot: admitted by a one-time code, stored sealed; why one is refused.

A ballot is deliberately *not* audited: the audit log keeps who did what when, and a row per ballot would
tie each ballot to a time. ``ballot_submit`` consumes the code by a conditional UPDATE and stores the ballot
in the same transaction, with nothing that points back to the code.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from kaohe.ballots import codes as codes_module
from kaohe.ballots import filling, selectors, storage
from kaohe.ballots.models import BallotToken, EvaluationSession, SessionStatus


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
        if not selectors.taking_ballots(session):
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

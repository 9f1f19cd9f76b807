"""The one module that writes ballots, so that their secrecy rests on one place.

Two ways in:
- ``envelope_store``: a rater's online ballot while its session is open, sealed to the session's public
  key (envelope.py) in a row with a random id and nothing else. The web process cannot read it back.
- ``ballots_store``: ballots in the clear — envelopes opened at close (``envelopes_open``), paper ballots
  typed in, the cycle workbook's 测评票 sheet, the demo. Each ballot, mark and answer gets a random id,
  and rows go in in the order of those ids, in one statement batch: nothing keeps the order they came in.

No row written here holds a time, a code or anything that leads to one; nothing here is audited or logged.
"""

from __future__ import annotations

import functools
import logging
import os
import secrets
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, models

from kaohe.ballots import envelope, filling
from kaohe.ballots.models import (
    Ballot,
    BallotEnvelope,
    BallotItemAnswer,
    BallotToken,
    EvaluationSession,
    Mark,
)
from kaohe.crypto.configured import active_suite

BATCH = 5000
logger = logging.getLogger(__name__)

MarkRow = tuple[int | None, int | None, str]  # unit, cadre, choice
AnswerRow = tuple[int | None, int | None, int, str, str, str]  # unit, cadre, template, item, choice, reason


@dataclass(frozen=True)
class OpenBallot:
    number: str  # 票号: the paper number, or an online ballot's random receipt
    rater_group: str
    marks: Sequence[MarkRow]
    answers: Sequence[AnswerRow] = ()


@dataclass(frozen=True)
class Stored:
    ballots: int
    marks: int
    answers: int


def random_ids(count: int) -> list[str]:
    """``count`` random version-4 UUIDs as 32 hex digits, the form both databases take."""
    raw = bytearray(os.urandom(16 * count))
    raw[6::16] = bytes(b & 0x0F | 0x40 for b in raw[6::16])
    raw[8::16] = bytes(b & 0x3F | 0x80 for b in raw[8::16])
    digits = raw.hex()
    return [digits[i : i + 32] for i in range(0, 32 * count, 32)]


def _insert_rows(model: type[models.Model], names: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """Plain tuples in, without model instances: COPY on PostgreSQL, executemany elsewhere."""
    if not rows:
        return
    meta = model._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    columns = ", ".join(quote(meta.get_field(name).column) for name in names)  # type: ignore[union-attr]
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(names))})"  # noqa: S608
    with connection.cursor() as cursor:
        for first in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[first : first + BATCH])


def ballots_store(session_id: int, ballots: Iterable[OpenBallot]) -> Stored:
    """Write ballots in the clear, in an order that owes nothing to ``ballots``' order."""
    given = list(ballots)
    # Sorted by random ids: a shuffle, and the ids' indexes fill from left to right.
    ids = sorted(random_ids(len(given)))
    order = list(range(len(given)))
    secrets.SystemRandom().shuffle(order)
    n_marks = sum(len(b.marks) for b in given)
    n_answers = sum(len(b.answers) for b in given)
    next_mark = iter(sorted(random_ids(n_marks))).__next__
    next_answer = iter(sorted(random_ids(n_answers))).__next__
    ballot_rows, mark_rows, answer_rows = [], [], []
    for ballot_id, index in zip(ids, order, strict=True):
        ballot = given[index]
        ballot_rows.append((ballot_id, session_id, ballot.number, ballot.rater_group))
        mark_rows += [(next_mark(), ballot_id, unit, cadre, choice) for unit, cadre, choice in ballot.marks]
        answer_rows += [
            (next_answer(), ballot_id, unit, cadre, template, item, choice, reason)
            for unit, cadre, template, item, choice, reason in ballot.answers
        ]
    _insert_rows(Ballot, ("id", "session", "number", "rater_group"), ballot_rows)
    _insert_rows(Mark, ("id", "ballot", "unit", "cadre", "choice"), mark_rows)
    _insert_rows(
        BallotItemAnswer,
        ("id", "ballot", "unit", "cadre", "template", "item", "choice", "reason"),
        answer_rows,
    )
    return Stored(len(ballot_rows), len(mark_rows), len(answer_rows))


# --- the phone path -----------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _envelope_sql() -> str:
    quote = connection.ops.quote_name
    return (
        f"INSERT INTO {quote(BallotEnvelope._meta.db_table)} (id, session_id, sealed) "  # noqa: S608
        "VALUES (%s, %s, %s)"
    )


def envelope_size(layout: filling.Layout) -> int:
    """What every envelope of a session is padded to: more than the longest ballot its layout allows
    (every reason at its longest, each character escaped to six bytes, the longest names and choices),
    so that an envelope's length says nothing of what it holds."""
    size = 256  # receipt, group, brackets
    for target in layout.targets:
        size += 64 + 3 * max((len(c) for c in target.overall), default=0)
        for item in target.items:
            size += 96 + 6 * len(item.name) + 6 * max(len(c) for c in item.choices)
            if item.reason_for:
                size += 6 * filling.REASON_MAX
    return size


def envelope_store(
    cursor: Any,
    *,
    session_id: int,
    size: int,
    public_key: str,
    receipt: str,
    rater_group: str,
    marks: Sequence[MarkRow],
    answers: Sequence[AnswerRow],
) -> None:
    """Seal one online ballot to the session's public key and INSERT it, on ``cursor`` (the caller's
    transaction, which also consumes the code)."""
    payload = {"n": receipt, "g": rater_group, "m": marks, "a": answers}
    sealed = envelope.seal(public_key, payload, size, active_suite().aead)
    pk: Any = uuid.uuid4() if connection.features.has_native_uuid_field else uuid.uuid4().hex
    cursor.execute(_envelope_sql(), [pk, session_id, sealed])


def envelopes_count(session: EvaluationSession) -> int:
    return BallotEnvelope.objects.filter(session=session).count()


def envelopes_open(session: EvaluationSession, opening_key: str) -> int:
    """Open every envelope of ``session`` with the organiser's key, store the ballots in the clear in random
    order (``ballots_store``), and delete the envelopes and the session's public key. Runs in the caller's
    transaction; raises ``envelope.KeyRejected`` (nothing changed) for a wrong key."""
    private = envelope.parse_opening_key(opening_key, session.opening_public_key)
    sealed = BallotEnvelope.objects.filter(session=session).values_list("sealed", flat=True).order_by()
    opened = []
    for blob in sealed.iterator(chunk_size=2000):
        try:
            payload = envelope.open_envelope(private, bytes(blob))
        except ValueError:  # written by someone without the app, or changed since: nothing is stored
            raise envelope.KeyRejected(
                "有密封测评票未通过校验（可能被改动过），测评会没有结束；请保留数据库并联系系统管理员"
            ) from None
        opened.append(
            OpenBallot(
                payload["n"],
                payload["g"],
                [tuple(m) for m in payload["m"]],
                [tuple(a) for a in payload["a"]],
            )
        )
    if connection.vendor == "sqlite":
        # Deleted rows' bytes are overwritten with zeros in the file, not left in free pages.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = ON")
    BallotEnvelope.objects.filter(session=session).delete()
    ballots_store(session.pk, opened)
    EvaluationSession.objects.filter(pk=session.pk).update(opening_public_key="")
    session.opening_public_key = ""
    return len(opened)


def ballots_delete(session: EvaluationSession) -> None:
    """Every ballot of ``session``, sealed or open, with its marks and answers (a rehearsal's purge)."""
    Mark.objects.filter(ballot__session=session).delete()
    BallotItemAnswer.objects.filter(ballot__session=session).delete()
    Ballot.objects.filter(session=session).delete()
    BallotEnvelope.objects.filter(session=session).delete()


def reshuffle(session: EvaluationSession) -> None:
    """Rewrite the session's ballots, marks and answers with fresh random ids in random order, in the
    caller's transaction (paper sessions at close: their rows went in batch by batch). And a fresh row
    version for every code: on PostgreSQL their transaction ids no longer tell when each was used."""
    ballots = list(Ballot.objects.filter(session=session).values_list("id", "number", "rater_group"))
    if ballots:
        marks: dict[Any, list[MarkRow]] = {}
        for ballot, unit, cadre, choice in Mark.objects.filter(ballot__session=session).values_list(
            "ballot_id", "unit_id", "cadre_id", "choice"
        ):
            marks.setdefault(ballot, []).append((unit, cadre, choice))
        answers: dict[Any, list[AnswerRow]] = {}
        for ballot, *row in BallotItemAnswer.objects.filter(ballot__session=session).values_list(
            "ballot_id", "unit_id", "cadre_id", "template_id", "item", "choice", "reason"
        ):
            answers.setdefault(ballot, []).append(tuple(row))  # type: ignore[arg-type]
        ballots_delete(session)
        ballots_store(
            session.pk,
            (OpenBallot(n, g, marks.get(i, []), answers.get(i, [])) for i, n, g in ballots),
        )
    BallotToken.objects.filter(session=session).update(used=models.F("used"))


def after_close() -> None:
    """After the closing transaction commits: on PostgreSQL VACUUM the ballot tables (dead row versions
    hold the envelopes and the rows' old order); on SQLite fold the write-ahead log into the file and cut
    it to nothing. A failure loses nothing (autovacuum and the next checkpoint do the same later)."""
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                for model in (BallotEnvelope, Ballot, Mark, BallotItemAnswer, BallotToken):
                    cursor.execute(f"VACUUM {connection.ops.quote_name(model._meta.db_table)}")
            elif connection.vendor == "sqlite":
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except Exception:
        logger.warning("cleaning up after closing a session failed", exc_info=True)

"""What a session hands out before it opens: one-time codes per rater group, and the opening key."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max

from kaohe.accounts.actors import Actor
from kaohe.audit.actions import audit_record
from kaohe.ballots import codes as codes_module
from kaohe.ballots import envelope
from kaohe.ballots.actions.guards import fail, lock_session
from kaohe.ballots.models import BallotToken, EvaluationSession, SessionKind, SessionRaterGroup, SessionStatus

MAX_CODES = 5000  # in one generation; a hall holds a few hundred


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
        raise fail("请至少为一个评价人类别生成一个测评码", "count")
    if total > MAX_CODES:
        raise fail(f"一次最多生成 {MAX_CODES} 个测评码（本次 {total} 个）", "count")
    with transaction.atomic():
        locked = lock_session(session)
        if locked.status not in (SessionStatus.DRAFT, SessionStatus.OPEN):
            raise fail(f"测评会「{locked.name}」{locked.get_status_display()}，不能再生成测评码", "status")
        groups = {g.name for g in SessionRaterGroup.objects.filter(session=locked)}
        unknown = sorted(set(counts) - groups)
        if unknown:
            raise fail(f"评价人类别「{'、'.join(unknown)}」不是本测评会的评价人类别")
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
        locked = lock_session(session)
        if locked.kind != SessionKind.ONLINE:
            raise fail("只有扫码测评需要开启密钥", "kind")
        if locked.status != SessionStatus.DRAFT:
            raise fail(
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

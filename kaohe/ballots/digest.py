"""The digest of a session, stored when it is archived (封存): SHA-256, or SM3 in 国密 mode (CRYPTO_MODE),
over a canonical, sorted text of its ballots. The session keeps the algorithm beside the digest
(``seal_algorithm``) and is verified with it, so a switch of mode leaves older seals valid. (The header
still says "seal": it is part of the hashed text, so existing digests stay valid.)

Format (UTF-8, one line each, fields separated by a tab, lines ending in "\\n"):

    kaohe-ballots-seal v1
    then, for each ballot, a block, blocks sorted by their text:
    B <票号> <评价人类别>
    M <unit|cadre> <code> <choice>                       (its marks, sorted)
    A <template> <unit|cadre> <code> <item> <choice> <reason>   (its item answers, sorted)

Targets are named by their codes, so anyone holding an export of the ballots can recompute the digest.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from kaohe.ballots.models import Ballot, BallotItemAnswer, BallotTemplate, EvaluationSession, Mark
from kaohe.crypto.configured import content_hasher
from kaohe.crypto.modes import Digested, Hasher
from kaohe.org.models import Cadre, Unit

HEADER = "kaohe-ballots-seal v1\n"


def _clean(value: str) -> str:
    return value.replace("\t", " ").replace("\n", " ")


def canonical_blocks(session_id: int) -> list[str]:
    ballots = dict(Ballot.objects.filter(session_id=session_id).values_list("id", "number").order_by())
    groups = dict(Ballot.objects.filter(session_id=session_id).values_list("id", "rater_group").order_by())
    lines: dict[Any, list[str]] = defaultdict(list)
    units = dict(Unit.objects.values_list("id", "code"))
    cadres = dict(Cadre.objects.values_list("id", "code"))
    templates = dict(BallotTemplate.objects.values_list("id", "name"))
    marks = Mark.objects.filter(ballot__session_id=session_id).values_list(
        "ballot_id", "unit_id", "cadre_id", "choice"
    )
    for ballot, unit, cadre, choice in marks.order_by().iterator(chunk_size=20_000):
        target = f"unit\t{units[unit]}" if unit is not None else f"cadre\t{cadres[cadre]}"
        lines[ballot].append(f"M\t{target}\t{_clean(choice)}\n")
    answers = BallotItemAnswer.objects.filter(ballot__session_id=session_id).values_list(
        "ballot_id", "unit_id", "cadre_id", "template_id", "item", "choice", "reason"
    )
    for ballot, unit, cadre, template, item, choice, reason in answers.order_by().iterator(chunk_size=20_000):
        target = f"unit\t{units[unit]}" if unit is not None else f"cadre\t{cadres[cadre]}"
        lines[ballot].append(
            f"A\t{_clean(templates[template])}\t{target}\t{_clean(item)}\t{_clean(choice)}\t{_clean(reason)}\n"
        )
    blocks = []
    for ballot, number in ballots.items():
        body = "".join(sorted(lines.get(ballot, [])))
        blocks.append(f"B\t{_clean(number)}\t{_clean(groups[ballot])}\n{body}")
    blocks.sort()
    return blocks


def session_digest(session_id: int, algorithm: str) -> str:
    """The session's digest (hex) under ``algorithm`` (sha256, sm3)."""
    return _digest(session_id, Hasher(algorithm))


def session_seal(session_id: int) -> Digested:
    """The digest to seal the session with now: under the active mode, with its algorithm."""
    hasher = content_hasher()
    return Digested(hasher.algorithm.value, _digest(session_id, hasher))


def seal_intact(session: EvaluationSession) -> bool:
    """Whether a sealed session's ballots still give its stored digest, under the algorithm it recorded."""
    return session_digest(session.pk, session.seal_algorithm) == session.seal


def _digest(session_id: int, hasher: Hasher) -> str:
    hasher.update(HEADER.encode())
    for block in canonical_blocks(session_id):
        hasher.update(block.encode())
    return hasher.hexdigest()

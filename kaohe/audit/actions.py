"""Writing to and checking the audit chain. Every write function calls `audit_record` in its transaction."""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from kaohe.accounts.actors import Actor, actor_name
from kaohe.audit.head import head_advance, head_lock
from kaohe.audit.models import GENESIS, UNKEYED, AuditEntry, AuditHead
from kaohe.crypto.configured import active_suite
from kaohe.crypto.modes import CryptoError, Mac

KEYED = frozenset(algorithm.value for algorithm in Mac)


def _jsonable(value: Any) -> Any:
    # Dates and decimals become strings exactly as they will be hashed after a round trip.
    return None if value is None else json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def audit_record(
    *,
    actor: Actor | None,
    action: str,
    obj: Any = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    """Append one entry. Must run inside the caller's transaction, so a rolled-back write leaves no trace."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must be called inside a transaction")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    head = head_lock()
    user = actor if getattr(actor, "is_authenticated", False) else None
    entry = AuditEntry(
        seq=head.seq + 1,
        at=timezone.now(),
        actor=user,
        actor_name=actor_name(actor),
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        before=_jsonable(before),
        after=_jsonable(after),
        prev_hash=head.hash,
        algorithm=active_suite().mac,
    )
    entry.hash = entry.compute_hash()
    entry.save()
    head_advance(head, entry)
    return entry


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"审计记录 #{self.seq}: {self.reason}"


def _entries() -> Iterator[AuditEntry]:
    return AuditEntry.objects.order_by("seq").iterator(chunk_size=2000)


def audit_verify() -> ChainBreak | None:
    """The first broken entry of the chain, or None when the chain is whole."""
    prev_hash, expected_seq, keyed = GENESIS, 1, False
    for entry in _entries():
        if entry.seq != expected_seq:
            return ChainBreak(expected_seq, "记录缺失（序号不连续）")
        if entry.algorithm == UNKEYED and keyed:
            # Only entries from before the upgrade may be unkeyed: a later one was forged without the key.
            return ChainBreak(entry.seq, "有密钥的记录之后出现无密钥的记录（记录被改写）")
        if entry.algorithm != UNKEYED and entry.algorithm not in KEYED:
            return ChainBreak(entry.seq, f"不认识的算法“{entry.algorithm}”（记录被修改）")
        keyed = keyed or entry.algorithm != UNKEYED
        if entry.prev_hash != prev_hash:
            return ChainBreak(entry.seq, "与前一条记录的哈希不一致（前一条被修改或删除）")
        try:
            expected = entry.compute_hash()
        except CryptoError as error:
            return ChainBreak(entry.seq, f"无法校验（{error}）")
        if not hmac.compare_digest(expected, entry.hash):
            return ChainBreak(entry.seq, "内容与哈希不符（记录被修改）")
        prev_hash, expected_seq = entry.hash, expected_seq + 1
    head = AuditHead.objects.filter(id=1).first()
    last_seq = expected_seq - 1
    if head is not None and (head.seq != last_seq or head.hash != prev_hash):
        return ChainBreak(last_seq + 1, f"链尾记录缺失（应有 {head.seq} 条，实有 {last_seq} 条）")
    return None

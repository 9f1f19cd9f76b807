"""The chain's head row, locked and advanced by whoever may touch it.

On PostgreSQL the app's role may not write `audit_audithead` (docs/operations.md, 数据库角色): the function
`audit_head_lock()` locks and reads it as the table owner, and a trigger on `audit_auditentry` advances it
with every appended entry, refusing an entry that does not follow it (migration 0004). Elsewhere (SQLite,
one process's file) the row is locked and written here.
"""

from __future__ import annotations

from django.db import connection

from kaohe.audit.models import AuditEntry, AuditHead


def head_lock() -> AuditHead:
    """The head row, locked until the caller's transaction ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT seq, hash FROM audit_head_lock()")
            seq, hash_ = cursor.fetchone()
        return AuditHead(id=1, seq=seq, hash=hash_)
    head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
    return head


def head_advance(head: AuditHead, entry: AuditEntry) -> None:
    head.seq, head.hash = entry.seq, entry.hash
    if connection.vendor != "postgresql":  # there the insert trigger has done it
        head.save(update_fields=["seq", "hash"])

"""The audit log: append-only, hash-chained.

Each entry's hash covers its own content and the previous entry's hash, and entries carry a gapless
sequence number; `AuditHead` remembers the last sequence and hash so that removing the newest entries
is detected too. `kaohe audit verify` walks the chain.
"""

import hashlib
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

GENESIS = "0" * 64


class AuditEntryQuerySet(models.QuerySet):
    # Bulk writes bypass save()/delete(); refuse them too. PostgreSQL also has a trigger (migration 0003).
    def update(self, **kwargs):
        raise ValueError("审计记录只能追加，不能修改。")

    def delete(self):
        raise ValueError("审计记录只能追加，不能删除。")


class AuditEntry(models.Model):
    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField()
    # PROTECT: an account named in the audit is never deleted (only deactivated), since clearing
    # actor would change the hashed content and break the chain.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)  # or "system", a command's name…
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    before = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("审计记录只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("审计记录只能追加，不能删除。")

    def content(self) -> dict:
        return {
            "seq": self.seq,
            "at": self.at.isoformat(),
            "actor": self.actor_id,
            "actor_name": self.actor_name,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "before": self.before,
            "after": self.after,
        }

    def compute_hash(self) -> str:
        canonical = json.dumps(self.content(), sort_keys=True, ensure_ascii=False, cls=DjangoJSONEncoder)
        return hashlib.sha256((self.prev_hash + canonical).encode()).hexdigest()


class AuditHead(models.Model):
    """The single row that holds the chain's newest sequence number and hash."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS)

    def __str__(self) -> str:
        return f"audit head #{self.seq}"

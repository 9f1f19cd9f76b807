"""The audit log: append-only, chained by a keyed MAC.

Each entry's MAC covers its own content and the previous entry's MAC, and entries carry a gapless
sequence number; `AuditHead` remembers the last sequence and MAC so that removing the newest entries
is detected too. `kaohe audit verify` walks the chain.

The MAC is HMAC-SHA256 or HMAC-SM3 (CRYPTO_MODE) under a key the key provider holds outside the
database, so someone who can write to the database cannot edit an entry and recompute the chain. Each
entry names its algorithm: entries keep verifying after a switch of mode, and entries written before
the chain was keyed ("sha256", a plain hash) verify as they were written.
"""

import hashlib
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from kaohe.crypto.configured import key_provider

GENESIS = "0" * 64
# Entries written before the chain was keyed: a plain SHA-256 over the same bytes.
UNKEYED = "sha256"
AUDIT_KEY_PURPOSE = "audit"


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
    algorithm = models.CharField(max_length=16)  # hmac-sha256, hmac-sm3, or sha256 (before keying)

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
        content = {
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
        if self.algorithm != UNKEYED:
            content["algorithm"] = self.algorithm
        return content

    def compute_hash(self) -> str:
        """The entry's MAC (hex) under its own algorithm; CryptoError when the key is not available."""
        canonical = json.dumps(self.content(), sort_keys=True, ensure_ascii=False, cls=DjangoJSONEncoder)
        data = (self.prev_hash + canonical).encode()
        if self.algorithm == UNKEYED:
            return hashlib.sha256(data).hexdigest()
        mac = key_provider().mac(purpose=AUDIT_KEY_PURPOSE, algorithm=self.algorithm, data=data)
        return mac.hex()


class AuditHead(models.Model):
    """The single row that holds the chain's newest sequence number and hash."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS)

    def __str__(self) -> str:
        return f"audit head #{self.seq}"

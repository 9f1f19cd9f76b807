"""Sensitive reads, audited: who read what, and when.

One call from every view (and command) that shows or hands out something confidential — results before
and after publication, their export and the results API, tallies, the roster and cycle workbooks, the
审定表, dossiers, evidence. The entry names the thing read (``read.<what>`` and the object), never its
contents; nothing about a ballot cast is ever read here (a tally is counts under the k rule).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from kaohe.audit.actions import audit_record


def audit_read(actor: Any, what: str, obj: Any = None, **detail: Any) -> None:
    """Record that ``actor`` read ``what`` (of ``obj``), with a few words of ``detail`` (a version, a pool)."""
    with transaction.atomic():
        audit_record(actor=actor, action=f"read.{what}", obj=obj, after=detail or None)

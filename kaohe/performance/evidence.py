"""Checking an evidence file before it is stored: its extension, its content signature and its size.

The checks themselves are the file store's (``kaohe.filestore.checks``), shared with the 述职报告.
"""

from __future__ import annotations

from typing import IO

from django.conf import settings

from kaohe.filestore.checks import CONTENT_TYPES, EVIDENCE, FORMATS, ZIP, content_type, validate_upload

__all__ = ["CONTENT_TYPES", "FORMATS", "ZIP", "content_type", "max_bytes", "validate_evidence"]

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
ALLOWED_TEXT = "pdf、jpg、png、docx、xlsx"


def max_bytes() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


def validate_evidence(upload: IO[bytes]) -> None:
    """Raise ValidationError naming the file when it is not an allowed, genuine, small enough file."""
    validate_upload(upload, allowed=EVIDENCE, limit=max_bytes())

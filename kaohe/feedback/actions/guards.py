"""What the feedback writes share: a text field cleaned, with its label in the message."""

from __future__ import annotations

from django.core.exceptions import ValidationError

TEXT_MAX = 2000


def clean_text(label: str, value: str, required: bool = False, limit: int = TEXT_MAX) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(f"{label}：请填写。")
    if len(value) > limit:
        raise ValidationError(f"{label}：最多 {limit} 个字，现有 {len(value)} 个字。")
    return value

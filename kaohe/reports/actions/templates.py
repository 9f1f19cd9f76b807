"""The organisation's document templates: one uploaded (checked in the sandbox) or reset to the default."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kaohe.audit.actions import audit_record
from kaohe.reports import templating
from kaohe.reports.defaults import KINDS, SCHEMAS
from kaohe.reports.models import DocumentTemplate


def template_upload(*, actor: Any, kind: str, name: str, content: bytes) -> DocumentTemplate:
    """Check an uploaded template (macros, external links, unknown placeholders) and make it the one in use."""
    if kind not in KINDS:
        raise ValidationError(f"没有「{kind}」这种文档")
    if not name.lower().endswith(".docx"):
        raise ValidationError(f"「{name}」不是 .docx 文件")
    try:
        templating.check(content, SCHEMAS[kind])
    except templating.TemplateRefused as refused:
        raise ValidationError(refused.problems) from None
    with transaction.atomic():
        DocumentTemplate.objects.filter(kind=kind, active=True).update(active=False)
        template = DocumentTemplate.objects.create(
            kind=kind, name=name[:200], content=content, uploaded_by=actor, uploaded_at=timezone.now()
        )
        audit_record(
            actor=actor,
            action="template.upload",
            obj=template,
            after={"kind": kind, "name": template.name, "size": len(content)},
        )
    return template


def template_reset(*, actor: Any, kind: str) -> None:
    """Back to the default template that ships with the app (uploads are kept, inactive)."""
    with transaction.atomic():
        count = DocumentTemplate.objects.filter(kind=kind, active=True).update(active=False)
        audit_record(
            actor=actor,
            action="template.reset",
            object_type="reports.documenttemplate",
            object_repr=KINDS[kind],
            after={"kind": kind, "deactivated": count},
        )

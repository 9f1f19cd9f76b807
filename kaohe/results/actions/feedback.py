"""A cadre's or liaison's acknowledgement of a final result (本人意见), recorded once, in the audit log."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kaohe.accounts.actors import Actor
from kaohe.audit.actions import audit_record
from kaohe.results.feedback import (
    ACK_ACTION,
    ACK_OBJECT,
    TEXT_MAX,
    Acknowledgement,
    Opinion,
    acknowledgement_of,
    latest_seal_ids,
    voided_codes,
)
from kaohe.results.models import FinalResult


def result_acknowledge(*, actor: Actor, final: FinalResult, opinion: str, text: str = "") -> Acknowledgement:
    """Record that ``actor`` received ``final`` and their 本人意见: once per final result, audited."""
    text = text.strip()
    if opinion not in Opinion.LABELS:
        raise ValidationError(_("本人意见：请选择「同意」或「有异议」。"))
    if opinion == Opinion.OBJECT and not text:
        raise ValidationError(_("本人意见：选择「有异议」时请写明异议内容。"))
    if len(text) > TEXT_MAX:
        raise ValidationError(
            _("意见内容：最多 %(max)d 个字，现有 %(count)d 个字。") % {"max": TEXT_MAX, "count": len(text)}
        )
    with transaction.atomic():
        # The row lock serialises two submissions of the same result (PostgreSQL); SQLite writes one at a time.
        locked = FinalResult.objects.select_for_update().select_related("cycle").get(pk=final.pk)
        if latest_seal_ids().get(locked.cycle_id) != locked.seal_id:
            raise ValidationError(_("这份考核结果已被新的定档结果取代，请刷新页面后确认新的结果。"))
        if (locked.seal_id, locked.kind, locked.code) in voided_codes([locked.seal_id]):
            raise ValidationError(_("这份考核结果已宣布无效，待重新考核后再确认。"))
        if acknowledgement_of(locked) is not None:
            raise ValidationError(
                _("%(year)s年度的考核结果已经确认过，不能重复确认。") % {"year": locked.cycle.year}
            )
        name = getattr(actor, "full_name", "") or actor.get_username()
        entry = audit_record(
            actor=actor,
            action=ACK_ACTION,
            obj=locked,
            object_type=ACK_OBJECT,
            after={
                "opinion": opinion,
                "text": text,
                "by": name,
                "year": locked.cycle.year,
                "seal": locked.seal_id,
                "kind": locked.kind,
                "code": locked.code,
                "grade": locked.grade,
            },
        )
    return Acknowledgement.from_entry(entry)

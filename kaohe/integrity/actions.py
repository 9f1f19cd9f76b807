"""Writes: run and keep an analysis of a cycle; mark a finding 已核查 with a note. Each in one transaction
with its audit record."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kaohe.accounts.actors import Actor
from kaohe.analytics.document import report_document
from kaohe.analytics.report import analyse
from kaohe.anonymity import min_group
from kaohe.audit.actions import audit_record
from kaohe.integrity.gather import cycle_data
from kaohe.integrity.models import Analysis, Finding, FindingReview
from kaohe.plans.models import AssessmentCycle
from kaohe.results import selectors as results

NOTE_MAX = 2000


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def cycle_report(cycle: AssessmentCycle) -> dict[str, Any]:
    """The analysis of the cycle's data as it is now, as a JSON document (nothing stored)."""
    return report_document(analyse(cycle_data(cycle), k=min_group()))


def analysis_run(*, actor: Actor, cycle: AssessmentCycle) -> Analysis:
    """Analyse the cycle's closed sessions and latest run and keep the report as the cycle's latest."""
    run = results.current_run(cycle)
    document = cycle_report(cycle)  # reads only; the stored row and its audit entry go together
    with transaction.atomic():
        user = _user(actor)
        analysis = Analysis.objects.create(
            cycle=cycle,
            run=run,
            created_by=user,
            created_by_name=user.get_username() if user else str(actor),
            created_at=timezone.now(),
            k=document["k"],
            findings=len(document["findings"]),
            report=document,
        )
        Finding.objects.bulk_create(
            [
                Finding(
                    analysis=analysis,
                    key=f["key"][:200],
                    kind=f["check"],
                    check_label=f["check_label"],
                    scope=f["scope"],
                    subject=f["subject"][:150],
                    label=f["label"][:200],
                    sentence=f["sentence"],
                    action=f["action"],
                    strength=f["strength"],
                    figures=f["figures"],
                )
                for f in document["findings"]
            ],
            batch_size=2000,
        )
        audit_record(
            actor=actor,
            action="integrity.analyse",
            obj=analysis,
            after={
                "year": cycle.year,
                "run": run.version if run else None,
                "k": document["k"],
                "sessions": document["sessions"],
                "findings": dict(Counter(f["check"] for f in document["findings"])),
            },
        )
    return analysis


def finding_review(*, actor: Any, cycle: AssessmentCycle, key: str, note: str) -> FindingReview:
    """Mark the latest analysis's finding ``key`` 已核查 with ``note`` (a later note replaces it)."""
    note = note.strip()
    if not note:
        raise ValidationError("请填写核查说明", code="note")
    if len(note) > NOTE_MAX:
        raise ValidationError(f"核查说明不能超过 {NOTE_MAX} 字（现有 {len(note)} 字）", code="note")
    with transaction.atomic():
        latest = Analysis.objects.filter(cycle=cycle).defer("report").order_by("-created_at", "-id").first()
        finding = Finding.objects.filter(analysis=latest, key=key).first() if latest else None
        if finding is None:
            raise ValidationError(f"最新一次分析中没有发现「{key}」", code="key")
        review = FindingReview.objects.select_for_update().filter(cycle=cycle, key=key).first()
        before = {"note": review.note} if review else None
        if review is None:
            review = FindingReview(cycle=cycle, key=key)
        review.note = note
        review.reviewed_by = actor
        review.reviewed_at = timezone.now()
        review.save()
        audit_record(
            actor=actor,
            action="integrity.review",
            obj=review,
            object_repr=f"{finding.check_label}：{finding.label}"[:200],
            before=before,
            after={"key": key, "note": note},
        )
    return review

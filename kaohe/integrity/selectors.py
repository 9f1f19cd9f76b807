"""Reads: who may see the integrity analysis (organisers and the committee), the latest analysis of a
cycle with its reviews, and the findings about given targets."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Exists, OuterRef, Subquery

from kaohe.accounts.models import Role
from kaohe.integrity.models import Analysis, Finding, FindingReview
from kaohe.plans.models import AssessmentCycle

INTEGRITY_READERS = (Role.ORGANISER, Role.COMMITTEE)


def may_read(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(*INTEGRITY_READERS))


def latest_analysis(cycle: AssessmentCycle) -> Analysis | None:
    return (
        Analysis.objects.filter(cycle=cycle)
        .select_related("run", "created_by")
        .order_by("-created_at", "-id")
        .first()
    )


def reviews(cycle: AssessmentCycle) -> dict[str, FindingReview]:
    return {r.key: r for r in FindingReview.objects.filter(cycle=cycle).select_related("reviewed_by")}


def findings_by_target(user: Any, cycle: AssessmentCycle, codes: set[str]) -> dict[str, list[dict[str, Any]]]:
    """The latest analysis's findings about each of ``codes`` (teams by their unit's code), for a reader
    entitled to them; nothing for anyone else. One query; the report itself is not read."""
    if not may_read(user) or not codes:
        return {}
    latest = Analysis.objects.filter(cycle=cycle).order_by("-created_at", "-id").values("id")[:1]
    reviewed = FindingReview.objects.filter(cycle=cycle, key=OuterRef("key"))
    rows = (
        Finding.objects.filter(analysis_id=Subquery(latest), scope="target", subject__in=codes)
        .annotate(reviewed=Exists(reviewed))
        .values("key", "subject", "kind", "check_label", "sentence", "action", "reviewed")
    )
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        found[row["subject"]].append(row)
    return dict(found)

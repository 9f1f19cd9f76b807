"""Demo data for the groups' work in 2025: roles, every visit's schedule, most items done on time and some
late, the demo assessor sent to the first group's units — bar one where they declared a conflict.

Called by `kaohe demo` after the cycles and the reports; visits, dates and assignments are bulk-inserted
and summed up in one audit entry. Dates are drawn from `random.Random(seed)`, so the same seed gives the
same schedule."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from kaohe.accounts.models import User
from kaohe.audit.actions import audit_record
from kaohe.demo import roster as roster_demo
from kaohe.fieldwork.models import (
    ConflictDeclaration,
    ConflictKind,
    FieldworkSetting,
    GroupMember,
    MemberRole,
    Visit,
    VisitAssignment,
)
from kaohe.plans.models import AssessmentCycle, AssessmentGroup

FIRST_ENTRY = date(roster_demo.CYCLE_YEAR, 12, 1)
ON_TIME = 0.75  # share of visits whose group kept to every date


def demo_fieldwork_load(*, seed: int = 2025) -> int:
    """Returns the number of visits scheduled."""
    rng = random.Random(seed)
    cycle = AssessmentCycle.objects.filter(year=roster_demo.CYCLE_YEAR).first()
    if cycle is None:
        return 0
    organiser = User.objects.filter(username="demo-organiser").first()
    assessor = User.objects.filter(username="demo-assessor").first()
    with transaction.atomic():
        FieldworkSetting.objects.update_or_create(cycle=cycle, defaults={"recusal_years": 3})
        groups = list(AssessmentGroup.objects.filter(cycle=cycle).order_by("name"))
        if assessor is not None and groups:
            GroupMember.objects.update_or_create(
                group=groups[0],
                user=assessor,
                defaults={"role": MemberRole.LEADER, "duty": "统筹协调，个别谈话"},
            )
        visits = []
        for g, group in enumerate(groups):
            for n, unit_id in enumerate(group.units.order_by("code").values_list("pk", flat=True)):
                entry = FIRST_ENTRY + timedelta(days=g * 2 + n // 3)
                kept = rng.random() < ON_TIME
                visits.append(
                    Visit(
                        cycle=cycle,
                        group=group,
                        unit_id=unit_id,
                        entry_on=entry,
                        entry_place="单位会议室",
                        duty_report_on=entry,
                        duty_report_place="单位会议室",
                        evaluation_on=entry,
                        evaluation_place="单位会议室",
                        interviews_from=entry,
                        interviews_until=entry + timedelta(days=1),
                        interview_place="单位谈话室",
                        documents_on=entry + timedelta(days=1),
                        verification_on=entry + timedelta(days=2),
                        analysis_due=entry + timedelta(days=15),
                        duty_report_done=entry,
                        interviews_done=entry + timedelta(days=1) if kept or rng.random() < 0.5 else None,
                        documents_done=entry + timedelta(days=1) if kept else None,
                        verification_done=entry + timedelta(days=2) if kept else None,
                    )
                )
        Visit.objects.filter(cycle=cycle).delete()
        Visit.objects.bulk_create(visits, batch_size=1000)
        if assessor is not None and groups:
            first = list(
                Visit.objects.filter(cycle=cycle, group=groups[0])
                .select_related("unit")
                .order_by("unit__code")
            )
            if first:
                conflict = first[-1]
                ConflictDeclaration.objects.create(
                    cycle=cycle,
                    user=assessor,
                    unit=conflict.unit,
                    kind=ConflictKind.KIN,
                    detail="配偶在该单位工作",
                    declared_at=timezone.now(),
                )
                VisitAssignment.objects.bulk_create(
                    [VisitAssignment(visit=v, user=assessor) for v in first if v.pk != conflict.pk]
                )
        audit_record(
            actor=organiser or "system",
            action="fieldwork.demo",
            obj=cycle,
            after={"visits": len(visits), "on_time_share": ON_TIME},
        )
    return len(visits)

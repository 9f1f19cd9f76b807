"""一线考察 visits recorded with the list lines they looked at."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from kaohe.audit.actions import audit_record
from kaohe.org.models import Unit
from kaohe.plans.models import AssessmentCycle
from kaohe.records.actions.guards import ensure_open
from kaohe.records.models import ListItem, Visit, VisitMethod


def visit_state(visit: Visit) -> dict[str, Any]:
    return {
        "unit": visit.unit.code,
        "date": visit.date,
        "method": visit.method,
        "members": visit.members,
        "findings": visit.findings,
        "items": sorted(visit.items.values_list("pk", flat=True)) if visit.pk else [],
    }


def visit_create(
    *,
    actor: Any,
    cycle: AssessmentCycle,
    unit: Unit,
    date: datetime.date,
    method: str,
    members: str,
    findings: str,
    items: Sequence[ListItem] = (),
) -> Visit:
    problems = []
    if method not in VisitMethod.values:
        problems.append(f"考察方式「{method}」不在可选范围内")
    if date.year != cycle.year:
        problems.append(f"日期「{date:%Y-%m-%d}」不在{cycle.year}年内")
    if not members.strip():
        problems.append("考察人员不能为空")
    if not findings.strip():
        problems.append("发现情况不能为空")
    for item in items:
        if item.cycle_id != cycle.pk or item.unit_id != unit.pk:
            problems.append(f"清单事项 {item.pk} 不是{unit.name}本年度的")
    if problems:
        raise ValidationError(problems, code="invalid")
    with transaction.atomic():
        ensure_open(cycle)
        visit = Visit.objects.create(
            cycle=cycle,
            unit=unit,
            date=date,
            method=method,
            members=members.strip(),
            findings=findings.strip(),
            entered_by=actor,
        )
        visit.items.set(items)
        audit_record(actor=actor, action="visit.create", obj=visit, after=visit_state(visit))
    return visit

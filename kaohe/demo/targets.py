"""Demo data for the targets agreed up and down (2025, before it moves into 实施).

The demo liaison's town goes through the whole loop on the write functions: the organiser issues its targets,
the liaison proposes them, the demo clerk's 市发改委 returns them with a comment on 项目建设, the liaison
revises and proposes again, the organiser agrees. Of the other units most were agreed in one round, three
were returned and not proposed again, and three never proposed by the plan's date (late); their steps are
bulk-inserted as the demo inserts the other units' inputs, and summed up in one audit entry.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from kaohe.audit.actions import audit_record
from kaohe.plans import actions
from kaohe.plans.models import (
    AgreementStatus,
    AssessedUnit,
    Indicator,
    Target,
    TargetAgreement,
    TargetStep,
    TargetStepKind,
)

RETURNED = 3
LATE = 3
RETURN_COMMENT = "目标值低于上年实际完成水平，请对照全市平均增幅重新测算。"


def _generic_targets(cycle: Any, units: list[Any], indicators: dict[int, list[Any]]) -> None:
    """Units whose category has no target template in the demo get one line per indicator."""
    have = set(Target.objects.filter(cycle=cycle).values_list("unit_id", "indicator_id"))
    rows = [
        Target(
            cycle=cycle,
            unit=unit,
            indicator=indicator,
            content=f"完成{indicator.name}年度工作任务",
            deadline=date(cycle.year, 12, 31),
        )
        for unit in units
        for indicator in indicators.get(unit.category_id, [])
        if (unit.pk, indicator.pk) not in have
    ]
    Target.objects.bulk_create(rows, batch_size=1000)


def _lines(cycle: Any, unit_id: int) -> list[dict[str, str]]:
    return actions.proposal_lines(cycle, unit_id)


def demo_target_agreements(
    *,
    rng: random.Random,
    cycle: Any,
    units: list[Any],
    users: dict[str, Any],
    indicators: dict[int, list[Any]],
) -> dict[str, int]:
    organiser, liaison, clerk = users["demo-organiser"], users["demo-liaison"], users["demo-clerk"]
    year = cycle.year
    actions.plan_targets_set(actor=organiser, cycle=cycle, mode="agreed", due=date(year, 11, 25))

    # Every indicator of every unit has a target before anyone proposes (the towns' issued by the organiser).
    _generic_targets(cycle, [u for u in units if indicators.get(u.category_id)], indicators)

    # The demo liaison's unit, every step on the write functions.
    own = AssessedUnit.objects.get(cycle=cycle, unit_id=liaison.unit_id)
    actions.targets_propose(
        actor=liaison, cycle=cycle, unit_id=own.unit_id, note="按考核办下达的目标任务提出。"
    )
    project = Indicator.objects.filter(cycle=cycle, category_id=own.category_id, name="项目建设").first()
    notes = {project.code: "固定资产投资目标偏低，请按项目库在建项目重新测算。"} if project else {}
    actions.targets_review(
        actor=clerk, cycle=cycle, unit_id=own.unit_id, step="return", comment=RETURN_COMMENT, notes=notes
    )
    if project is not None:
        target = Target.objects.get(cycle=cycle, unit_id=own.unit_id, indicator=project)
        actions.target_draft_save(
            actor=liaison,
            cycle=cycle,
            unit_id=own.unit_id,
            rows=[actions.TargetDraft(project, target.content, "32亿元", target.deadline)],
        )
    actions.targets_propose(
        actor=liaison,
        cycle=cycle,
        unit_id=own.unit_id,
        note="按市发改委意见，固定资产投资目标调整为32亿元（含两个新开工项目）。",
    )
    actions.targets_review(actor=clerk, cycle=cycle, unit_id=own.unit_id, step="concur", comment="同意。")
    actions.targets_agree(actor=organiser, cycle=cycle, unit_id=own.unit_id, comment="经审核认定。")

    # The other units, inserted.
    others = [u for u in units if u.pk != own.unit_id and indicators.get(u.category_id)]
    picked = rng.sample(others, min(len(others), RETURNED + LATE))
    returned, late = picked[:RETURNED], picked[RETURNED:]
    late_ids = {u.pk for u in late}
    returned_ids = {u.pk for u in returned}
    start = timezone.now() - timedelta(days=30)
    organiser_name = organiser.full_name or organiser.username
    agreements, steps = [], []
    for index, unit in enumerate(others):
        if unit.pk in late_ids:
            continue
        proposed_at = start + timedelta(hours=index)
        status = AgreementStatus.RETURNED if unit.pk in returned_ids else AgreementStatus.AGREED
        decided_at = proposed_at + timedelta(days=2)
        agreement = TargetAgreement(cycle=cycle, unit=unit, status=status, round=1, changed_at=decided_at)
        agreements.append(agreement)
        steps.append(
            (
                agreement,
                TargetStep(
                    round=1,
                    kind=TargetStepKind.PROPOSE,
                    actor_name=f"{unit.name}联络员",
                    role="liaison",
                    targets=_lines(cycle, unit.pk),
                    at=proposed_at,
                ),
            )
        )
        steps.append(
            (
                agreement,
                TargetStep(
                    round=1,
                    kind=TargetStepKind.RETURN if unit.pk in returned_ids else TargetStepKind.AGREE,
                    actor=organiser,
                    actor_name=organiser_name,
                    role="organiser",
                    comment=RETURN_COMMENT if unit.pk in returned_ids else "",
                    at=decided_at,
                ),
            )
        )
    TargetAgreement.objects.bulk_create(agreements, batch_size=1000)
    saved = {a.unit_id: a for a in TargetAgreement.objects.filter(cycle=cycle)}
    for agreement, step in steps:
        step.agreement = saved[agreement.unit_id]
    TargetStep.objects.bulk_create([step for _agreement, step in steps], batch_size=1000)
    counts = {
        "agreed": sum(a.status == AgreementStatus.AGREED for a in saved.values()),
        "returned": len(returned),
        "late": len(late),
    }
    audit_record(actor=organiser, action="target_agreement.demo", obj=cycle, after=counts)
    return counts

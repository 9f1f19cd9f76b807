"""The seal: the final results written and hashed, and the cycle completed."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kaohe.accounts.actors import Actor
from kaohe.audit.actions import audit_record
from kaohe.audit.anchors import anchor_after_commit
from kaohe.crypto.configured import active_suite
from kaohe.plans.gate import lock_cycle
from kaohe.plans.models import AssessmentCycle, Phase
from kaohe.results import canonical, selectors
from kaohe.results.actions.compute import decimal_or_none
from kaohe.results.actions.guards import BATCH, current_state
from kaohe.results.actions.notice import advance_to
from kaohe.results.models import (
    ComputeRun,
    FinalResult,
    Seal,
)


def results_seal(*, actor: Actor, cycle: AssessmentCycle, run: ComputeRun, today: datetime.date) -> Seal:
    """Finalise the current run: refused while anything in ``finalisation_problems`` remains; stores the
    final results, hashes them over their canonical form (SHA-256, or SM3 in 国密 mode; the algorithm is
    stored beside the hash) and writes the hash into the audit chain."""
    with transaction.atomic():
        fresh = lock_cycle(cycle)
        state = current_state(cycle, run)
        problems = selectors.finalisation_problems(cycle, state, today)
        if problems:
            raise ValidationError(problems, code="refused")
        rows = selectors.final_rows(cycle, run)
        algorithm = active_suite().digest.value
        seal_hash = canonical.final_hash(
            canonical.final_form(cycle.year, run.version, run.input_digest, rows, run.input_digest_algorithm),
            algorithm,
        )
        notice = selectors.latest_notice(cycle, run)
        seal = Seal.objects.create(
            cycle=cycle,
            run=run,
            notice=notice,
            hash=seal_hash,
            algorithm=algorithm,
            created_by=actor,
            created_at=timezone.now(),
        )
        FinalResult.objects.bulk_create(
            (
                FinalResult(
                    seal=seal,
                    cycle=cycle,
                    result_id=row["result_id"],
                    kind=row["kind"],
                    code=row["code"],
                    name=row["name"],
                    unit_id=row["unit_id"],
                    cadre_id=row["cadre_id"],
                    pool=row["pool"],
                    composite=decimal_or_none(row["composite"]),
                    rank=row["rank"],
                    pool_size=row["pool_size"],
                    grade=row["grade"],
                    computed_grade=row["computed_grade"],
                    flags=row["flags"],
                    explanation=row["explanation"],
                    manual=row["manual"],
                    manual_reason=row["manual_reason"],
                )
                for row in rows
            ),
            batch_size=BATCH,
        )
        audit_record(
            actor=actor,
            action="result.seal",
            obj=seal,
            after={
                "hash": seal_hash,
                "algorithm": algorithm,
                "run": run.version,
                "input_digest": run.input_digest,
                "input_digest_algorithm": run.input_digest_algorithm,
                "results": len(rows),
                "manual": sum(row["manual"] for row in rows),
            },
        )
        if fresh.phase != Phase.COMPLETED:
            advance_to(actor, fresh, Phase.COMPLETED, today)
        anchor_after_commit(f"result.seal {cycle.year} #{seal.pk}")
    return seal

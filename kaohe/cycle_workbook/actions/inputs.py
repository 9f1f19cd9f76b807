"""A book's other inputs: sanctions, adjustments, vetoes and earlier grades."""

from __future__ import annotations

from django.utils import timezone

from kaohe.accounts.actors import user_of
from kaohe.cycle_workbook.actions.state import BATCH, ImportState
from kaohe.performance.models import Adjustment, AdjustmentStatus, PriorGrade, Sanction, Veto
from kaohe.plans.models import AssessedCadre, AssessmentCycle


class InputsPart(ImportState):
    def target(self, code: str) -> dict[str, int]:
        return {"unit_id": self.units[code]} if code in self.unit_codes else {"cadre_id": self.cadres[code]}

    def write_records(self, cycle: AssessmentCycle) -> None:
        data, user, now = self.data, user_of(self.actor), timezone.now()
        # Sanctions belong to the cadre: added when new, never removed by a book.
        have = set(
            Sanction.objects.filter(
                cadre_id__in=AssessedCadre.objects.filter(cycle=cycle).values("cadre_id")
            ).values_list("cadre_id", "name", "year")
        )
        new = []
        for s in data.sanctions:
            key = (self.cadres[s.cadre], s.name, s.year)
            if key not in have:
                have.add(key)
                new.append(Sanction(cadre_id=key[0], name=s.name, year=s.year))
        Sanction.objects.bulk_create(new, batch_size=BATCH)
        self.counts["sanctions_added"] = len(new)

        Adjustment.objects.filter(cycle=cycle, status=AdjustmentStatus.APPROVED).delete()
        Adjustment.objects.bulk_create(
            (
                Adjustment(
                    cycle=cycle,
                    **self.target(a.target),
                    kind=str(a.kind),
                    points=a.points,
                    reason=a.reason,
                    status=AdjustmentStatus.APPROVED,
                    proposed_by=user,
                    decided_by=user,
                    decided_at=now,
                )
                for a in data.adjustments
            ),
            batch_size=BATCH,
        )

        Veto.objects.filter(cycle=cycle).delete()
        vetoes = [
            Veto(cycle=cycle, unit_id=self.units[u.code], item=u.veto, recorded_by=user)
            for u in data.units
            if u.veto
        ]
        vetoes += [
            Veto(cycle=cycle, cadre_id=self.cadres[c.code], item=c.veto, recorded_by=user)
            for c in data.cadres
            if c.veto
        ]
        Veto.objects.bulk_create(vetoes, batch_size=BATCH)
        self.counts["vetoes"] = len(vetoes)

        units = {
            (self.units[p.target], p.year): p.grade for p in data.prior_grades if p.target in self.unit_codes
        }
        cadres = {
            (self.cadres[p.target], p.year): p.grade
            for p in data.prior_grades
            if p.target not in self.unit_codes
        }
        for column, wanted in (("unit_id", units), ("cadre_id", cadres)):
            if not wanted:
                continue
            targets = {target for target, _ in wanted}
            stored = {
                (target, year): (pk, grade)
                for pk, target, year, grade in PriorGrade.objects.filter(
                    **{f"{column}__isnull": False}
                ).values_list("id", column, "year", "grade")
                if target in targets
            }
            created, changed = [], []
            for (target, year), grade in wanted.items():
                old = stored.get((target, year))
                if old is None:
                    created.append(PriorGrade(**{column: target}, year=year, grade=grade))
                elif old[1] != grade:
                    changed.append(PriorGrade(id=old[0], grade=grade))
            PriorGrade.objects.bulk_create(created, batch_size=BATCH)
            PriorGrade.objects.bulk_update(changed, ["grade"], batch_size=BATCH)

"""A book's cycle: the plan's settings, the assessed units and cadres, the indicators and their scores."""

from __future__ import annotations

from decimal import Decimal

from kaohe.accounts.actors import user_of
from kaohe.cycle_workbook.actions.state import BATCH, ImportState
from kaohe.performance.models import IndicatorScore, Verification
from kaohe.plans.models import AssessedCadre, AssessedUnit, AssessmentCycle, Indicator
from kaohe.records.regular import regular_scores
from kaohe.rules.model import RuleSettings
from kaohe.workbook import layout
from kaohe.workbook.book_writer import setting_text
from kaohe.workbook.sheets import Problem, WorkbookError


def plan_settings(settings: RuleSettings) -> dict[str, str]:
    """The plan's {field: text} for ``settings``: every setting but 年度, as the 参数 sheet shows it."""
    values = {f: getattr(settings, f) for f in (s.field for s in layout.SETTINGS)}
    found = {}
    for setting in layout.SETTINGS:
        if setting.field == "year":
            continue
        shown = setting_text(setting, values[setting.field])
        if shown != "":
            found[setting.field] = str(shown)
    return found


class CyclePart(ImportState):
    def write_assessed(self, cycle: AssessmentCycle) -> None:
        given = self.kept_regular(cycle)
        AssessedUnit.objects.filter(cycle=cycle).delete()
        AssessedCadre.objects.filter(cycle=cycle).delete()
        AssessedUnit.objects.bulk_create(
            (
                AssessedUnit(
                    cycle=cycle,
                    unit_id=self.units[u.code],
                    category_id=self.categories[u.category],
                    advanced=u.advanced,
                    indicator_score=u.indicator_score,
                    public_survey=u.public_survey,
                    leader_rating=u.leader_rating,
                )
                for u in self.data.units
            ),
            batch_size=BATCH,
        )
        AssessedCadre.objects.bulk_create(
            (
                AssessedCadre(
                    cycle=cycle,
                    cadre_id=self.cadres[c.code],
                    unit_id=self.units[c.unit],
                    post=c.post,
                    principal=c.principal,
                    regular=given.get(c.code, c.regular),
                    leader_rating=c.leader_rating,
                    probation=c.probation,
                    investigation=c.investigation,
                    priority=c.priority or "",
                )
                for c in self.data.cadres
            ),
            batch_size=BATCH,
        )

    def kept_regular(self, cycle: AssessmentCycle) -> dict[str, Decimal | None]:
        """The given 平时考核 to keep for cadres whose score the year's records make (quarterly grades or an
        override): the book carries that score, and bringing it back changes nothing; a different score
        there is refused, since only the organiser's override, with its reason, may replace it."""
        kept = regular_scores(cycle)
        if not kept:
            return {}
        given = {
            code: (cadre_id, regular)
            for cadre_id, code, regular in AssessedCadre.objects.filter(cycle=cycle).values_list(
                "cadre_id", "cadre__code", "regular"
            )
        }
        ids = {code: self.cadres[code] for code in (c.code for c in self.data.cadres)}
        problems, keep = [], {}
        for c in self.data.cadres:
            score = kept.get(ids[c.code])
            if score is None:
                continue
            if c.regular is None or c.regular != score:
                problems.append(
                    Problem(
                        "干部",
                        None,
                        "平时考核",
                        c.regular,
                        f"「{c.code}」的平时考核由本年度平时考核记录得出为 {score.normalize():f}，工作簿中为"
                        f"「{'' if c.regular is None else f'{c.regular:f}'}」；如需改定，请在平时考核页面填写并写明理由",
                    )
                )
            keep[c.code] = given[c.code][1] if c.code in given else None
        if problems:
            raise WorkbookError(problems)
        return keep

    def write_indicators(self, cycle: AssessmentCycle) -> None:
        existing = {
            (category, code): (pk, name, weight)
            for pk, category, code, name, weight in Indicator.objects.filter(cycle=cycle).values_list(
                "id", "category_id", "code", "name", "weight"
            )
        }
        wanted = {(self.categories[i.category], i.code): i for i in self.data.indicators}
        gone = [pk for key, (pk, _, _) in existing.items() if key not in wanted]
        self.counts["indicators_removed"] = len(gone)
        if gone:
            Indicator.objects.filter(id__in=gone).delete()
        created = []
        for key, indicator in wanted.items():
            old = existing.get(key)
            if old is None:
                created.append(
                    Indicator(
                        cycle=cycle,
                        category_id=key[0],
                        code=indicator.code,
                        name=indicator.name,
                        weight=indicator.weight,
                    )
                )
            elif (old[1], old[2]) != (indicator.name, indicator.weight):
                Indicator.objects.filter(id=old[0]).update(name=indicator.name, weight=indicator.weight)
        Indicator.objects.bulk_create(created, batch_size=BATCH)
        self.write_scores(cycle)

    def write_scores(self, cycle: AssessmentCycle) -> None:
        self.counts["scores_changed"] = self.counts["verifications_replaced"] = 0
        if not self.data.indicators:
            return
        ids = {
            (category, code): pk
            for pk, category, code in Indicator.objects.filter(cycle=cycle).values_list(
                "id", "category_id", "code"
            )
        }
        category_of = {u.code: self.categories[u.category] for u in self.data.units}
        department: dict[tuple[int, int], tuple[int, Decimal]] = {
            (unit, indicator): (pk, score)
            for pk, unit, indicator, score in IndicatorScore.objects.filter(cycle=cycle).values_list(
                "id", "unit_id", "indicator_id", "score"
            )
        }
        verified: dict[tuple[int, int], tuple[int, Decimal]] = {
            (unit, indicator): (pk, score)
            for pk, unit, indicator, score in Verification.objects.filter(cycle=cycle).values_list(
                "id", "unit_id", "indicator_id", "score"
            )
        }
        user = user_of(self.actor)
        created, updated, dropped = [], [], []
        for score in self.data.indicator_scores:
            key = (self.units[score.unit], ids[(category_of[score.unit], score.indicator)])
            counted = verified.get(key) or department.get(key)
            if counted is not None and counted[1] == score.score:
                continue
            if key in verified:
                dropped.append(verified[key][0])
            if key in department:
                updated.append(IndicatorScore(id=department[key][0], score=score.score, entered_by=user))
            else:
                created.append(
                    IndicatorScore(
                        cycle=cycle, unit_id=key[0], indicator_id=key[1], score=score.score, entered_by=user
                    )
                )
        Verification.objects.filter(id__in=dropped).delete()
        IndicatorScore.objects.bulk_update(updated, ["score", "entered_by"], batch_size=BATCH)
        IndicatorScore.objects.bulk_create(created, batch_size=BATCH)
        self.counts["scores_changed"] = len(created) + len(updated)
        self.counts["verifications_replaced"] = len(dropped)

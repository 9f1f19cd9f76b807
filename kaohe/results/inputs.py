"""A cycle's data as the rules engine's ``AssessmentInput``: the one place the app's inputs are gathered.

Everyone who computes from a cycle (live preview, results, export) calls ``cycle_assessment_input``, so
they all apply the same precedence rules:

- settings: the plan's 参数 texts, parsed through ``kaohe.workbook.layout`` exactly as ``kaohe assess``
  reads the 参数 sheet (a blank or missing setting is its default); the year is the cycle's;
- who is assessed: ``AssessedUnit`` (the category that year, 先进单位) and ``AssessedCadre`` (the unit and
  post that year); anything recorded on a unit or cadre not assessed in the cycle is left out;
- 指标考评: for a unit whose category has indicators in the cycle, computed by the engine from the scores,
  each the assessor's ``Verification`` when there is one, else the department's ``IndicatorScore``
  (``missing_indicator_scores`` lists the gaps); otherwise ``AssessedUnit.indicator_score`` as given;
- 公众评议 and 领导评价 of a unit: the collected data (survey responses converted by the survey's values,
  their mean; the mean of the leader ratings) when there is any, else the value given on ``AssessedUnit``;
- only approved adjustments; every veto, joined when a target has several;
- marks of the evaluation sessions that are closed or sealed (never a rehearsal): a session still open
  would let anyone watching a preview read each new ballot by difference; a ballot is its 票号,
  qualified by the session's name when two counted sessions use the same 票号;
- sanctions of the assessed cadres up to the cycle's year (the engine applies each by its year), and 往年等次 from
  ``PriorGrade`` for years before the cycle's, overridden by the final results of earlier sealed cycles.

Province scale (5,000 units, 50,000 cadres, 1.5 million marks): every query is a ``values_list``, codes
are looked up in dictionaries keyed by id, and no model instance is built per row; the ballots and marks
are read as the driver gives them and looked up a chunk at a time, with the garbage collector paused.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from itertools import chain, groupby, starmap
from operator import itemgetter
from typing import Any

from django.db import connections
from django.db.models import Count, QuerySet

from kaohe.ballots.models import Ballot, EvaluationSession, Mark, SessionStatus
from kaohe.bulk import gc_paused
from kaohe.decimals import mean, plain_decimal
from kaohe.org.models import Unit as RosterUnit
from kaohe.performance.models import Adjustment as AdjustmentRow
from kaohe.performance.models import AdjustmentStatus, LeaderRating, Verification, Veto
from kaohe.performance.models import IndicatorScore as IndicatorScoreRow
from kaohe.performance.models import PriorGrade as PriorGradeRow
from kaohe.performance.models import Sanction as SanctionRow
from kaohe.plans.models import AssessedCadre, AssessedUnit, AssessmentCycle
from kaohe.plans.models import Indicator as IndicatorRow
from kaohe.plans.rule_settings import cycle_rule_settings
from kaohe.rules.model import (
    Adjustment,
    AdjustmentKind,
    AssessmentInput,
    Cadre,
    Indicator,
    IndicatorScore,
    PriorGrade,
    Sanction,
    Unit,
)
from kaohe.rules.model import Mark as RuleMark
from kaohe.surveys.models import PublicSurvey, Satisfaction, SurveyResponse

VETO_SEPARATOR = "；"
CHUNK = 20_000
_first, _second = itemgetter(0), itemgetter(1)


def cycle_assessment_input(cycle: AssessmentCycle) -> AssessmentInput:
    """Everything the rules engine needs to assess ``cycle``, by the precedence rules above."""
    with gc_paused():
        return _Gathering(cycle).gather()


def collected_unit_values(cycle: AssessmentCycle) -> tuple[dict[int, Decimal], dict[int, Decimal]]:
    """The collected 公众评议 and 领导评价 of the cycle's units, by unit id (only units with data)."""
    gathering = _Gathering(cycle)
    return gathering.survey_means(), gathering.leader_rating_means()


@dataclass(frozen=True)
class MissingScore:
    unit: str
    indicator: str


def missing_indicator_scores(data: AssessmentInput) -> list[MissingScore]:
    """The (unit, indicator) pairs without a score, for units whose category keeps indicators."""
    by_category: dict[str, list[str]] = defaultdict(list)
    for indicator in data.indicators:
        by_category[indicator.category].append(indicator.code)
    scored = {(s.unit, s.indicator) for s in data.indicator_scores}
    return [
        MissingScore(unit.code, code)
        for unit in data.units
        for code in by_category.get(unit.category, ())
        if (unit.code, code) not in scored
    ]


class _Gathering:
    def __init__(self, cycle: AssessmentCycle) -> None:
        self.cycle = cycle
        self.unit_codes: dict[int, str] = {}
        self.cadre_codes: dict[int, str] = {}

    def gather(self) -> AssessmentInput:
        settings = cycle_rule_settings(self.cycle)
        units = self.units()
        cadres = self.cadres()
        indicators, scores = self.indicators(units)
        return AssessmentInput(
            settings=settings,
            units=units,
            cadres=cadres,
            indicators=indicators,
            indicator_scores=scores,
            sanctions=self.sanctions(),
            adjustments=self.adjustments(),
            marks=self.marks(),
            prior_grades=self.prior_grades(),
        )

    def vetoes(self, field: str, codes: Mapping[int, str]) -> dict[int, str]:
        items: dict[int, list[str]] = defaultdict(list)
        rows = Veto.objects.filter(cycle=self.cycle, **{f"{field}__isnull": False}).order_by("id")
        for target, item in rows.values_list(field, "item"):
            if target in codes and item.strip():
                items[target].append(item.strip())
        return {target: VETO_SEPARATOR.join(found) for target, found in items.items()}

    def units(self) -> list[Unit]:
        rows = list(
            AssessedUnit.objects.filter(cycle=self.cycle)
            .order_by("unit__code")
            .values_list(
                "unit_id",
                "unit__code",
                "unit__name",
                "category__name",
                "advanced",
                "indicator_score",
                "public_survey",
                "leader_rating",
            )
        )
        self.unit_codes = {row[0]: row[1] for row in rows}
        surveys = self.survey_means()
        ratings = self.leader_rating_means()
        vetoes = self.vetoes("unit", self.unit_codes)
        units = []
        for unit_id, code, name, category, advanced, indicator, survey, rating in rows:
            collected_survey = surveys.get(unit_id)
            collected_rating = ratings.get(unit_id)
            units.append(
                Unit(
                    code=code,
                    name=name,
                    category=category,
                    advanced=advanced,
                    indicator_score=plain_decimal(indicator),
                    public_survey=collected_survey if collected_survey is not None else plain_decimal(survey),
                    leader_rating=collected_rating if collected_rating is not None else plain_decimal(rating),
                    veto=vetoes.get(unit_id),
                )
            )
        return units

    def survey_means(self) -> dict[int, Decimal]:
        values: dict[int, dict[str, Decimal]] = {}
        surveys = PublicSurvey.objects.filter(cycle=self.cycle).values_list(
            "id", "unit_id", "satisfied_value", "basic_value", "unsatisfied_value"
        )
        units: dict[int, int] = {}
        for survey, unit, satisfied, basic, unsatisfied in surveys:
            units[survey] = unit
            values[survey] = {
                Satisfaction.SATISFIED: satisfied,
                Satisfaction.BASIC: basic,
                Satisfaction.UNSATISFIED: unsatisfied,
            }
        counts: dict[int, list[tuple[Decimal, int]]] = defaultdict(list)
        answered = (
            SurveyResponse.objects.filter(survey__cycle=self.cycle)
            .values_list("survey_id", "choice")
            .annotate(n=Count("id"))
            .order_by()
        )
        for survey, choice, n in answered:
            value = values[survey].get(choice)
            if value is not None:
                counts[units[survey]].append((value, n))
        found = {unit: mean(pairs) for unit, pairs in counts.items()}
        return {unit: value for unit, value in found.items() if value is not None}

    def leader_rating_means(self) -> dict[int, Decimal]:
        scores: dict[int, list[tuple[Decimal, int]]] = defaultdict(list)
        for unit, score in LeaderRating.objects.filter(cycle=self.cycle).values_list("unit_id", "score"):
            scores[unit].append((score, 1))
        found = {unit: mean(pairs) for unit, pairs in scores.items()}
        return {unit: value for unit, value in found.items() if value is not None}

    def cadres(self) -> list[Cadre]:
        rows = list(
            AssessedCadre.objects.filter(cycle=self.cycle)
            .order_by("cadre__code")
            .values_list(
                "cadre_id",
                "cadre__code",
                "cadre__name",
                "unit_id",
                "post",
                "principal",
                "regular",
                "leader_rating",
                "probation",
                "investigation",
                "priority",
            )
        )
        self.cadre_codes = {row[0]: row[1] for row in rows}
        vetoes = self.vetoes("cadre", self.cadre_codes)
        unit_codes = self.unit_codes
        missing_units = {row[3] for row in rows} - unit_codes.keys()
        # A cadre's unit that year that is not itself assessed: named by its code all the same, and the
        # engine reports it.
        others = dict(RosterUnit.objects.filter(id__in=missing_units).values_list("id", "code"))
        cadres = []
        for row in rows:
            cadre_id, code, name, unit_id, post, principal, regular, rating, probation, investigation, why = (
                row
            )
            cadres.append(
                Cadre(
                    code=code,
                    name=name,
                    unit=unit_codes.get(unit_id) or others.get(unit_id, ""),
                    post=post,
                    principal=principal,
                    regular=plain_decimal(regular),
                    leader_rating=plain_decimal(rating),
                    probation=probation,
                    investigation=investigation,
                    veto=vetoes.get(cadre_id),
                    priority=why.strip() or None,
                )
            )
        return cadres

    def indicators(self, units: list[Unit]) -> tuple[list[Indicator], list[IndicatorScore]]:
        categories = {unit.category for unit in units}
        rows = (
            IndicatorRow.objects.filter(cycle=self.cycle)
            .order_by("category__order", "category__name", "code")
            .values_list("id", "category__name", "code", "name", "weight")
        )
        indicators: list[Indicator] = []
        kept: dict[int, tuple[str, str]] = {}  # indicator id → (category, code)
        for indicator_id, category, code, name, weight in rows:
            if category in categories:
                indicators.append(Indicator(category, code, name, plain_decimal(weight) or Decimal(0)))
                kept[indicator_id] = (category, code)
        if not kept:
            return indicators, []
        category_of = {unit.code: unit.category for unit in units}
        found: dict[tuple[str, str], Decimal] = {}
        # The department's scores first, then the assessors' verified scores over them.
        for model in (IndicatorScoreRow, Verification):
            for unit_id, indicator_id, value in model.objects.filter(
                cycle=self.cycle, indicator_id__in=kept
            ).values_list("unit_id", "indicator_id", "score"):
                unit = self.unit_codes.get(unit_id)
                category, code = kept[indicator_id]
                if unit is not None and category_of[unit] == category:
                    found[(unit, code)] = value
        order = {code: i for i, (_, code) in enumerate(kept.values())}
        scores = [
            IndicatorScore(unit, code, plain_decimal(value) or Decimal(0))
            for (unit, code), value in sorted(found.items(), key=lambda item: (item[0][0], order[item[0][1]]))
        ]
        return indicators, scores

    def sanctions(self) -> list[Sanction]:
        codes = self.cadre_codes
        assessed = AssessedCadre.objects.filter(cycle=self.cycle).values("cadre_id")
        # A sanction taking effect after this year cannot touch it; leaving it out keeps a sealed
        # year's inputs (and so `kaohe results verify`) unchanged by later records.
        rows = SanctionRow.objects.filter(cadre_id__in=assessed, year__lte=self.cycle.year).order_by(
            "cadre__code", "year", "id"
        )
        return [
            Sanction(codes[cadre], name, year)
            for cadre, name, year in rows.values_list("cadre_id", "name", "year")
            if cadre in codes
        ]

    def target(self, unit_id: int | None, cadre_id: int | None) -> str | None:
        if unit_id is not None:
            return self.unit_codes.get(unit_id)
        return None if cadre_id is None else self.cadre_codes.get(cadre_id)

    def adjustments(self) -> list[Adjustment]:
        rows = (
            AdjustmentRow.objects.filter(cycle=self.cycle, status=AdjustmentStatus.APPROVED)
            .order_by("id")
            .values_list("unit_id", "cadre_id", "kind", "points", "reason")
        )
        found = []
        for unit_id, cadre_id, kind, points, reason in rows:
            target = self.target(unit_id, cadre_id)
            if target is not None:
                found.append(
                    Adjustment(target, AdjustmentKind(kind), plain_decimal(points) or Decimal(0), reason)
                )
        return found

    def marks(self) -> list[RuleMark]:
        sessions = dict(
            EvaluationSession.objects.filter(
                cycle=self.cycle, rehearsal=False, status__in=(SessionStatus.CLOSED, SessionStatus.SEALED)
            ).values_list("id", "name")
        )
        if not sessions:
            return []
        # Ballot ids as the driver gives them, the same in both queries (no UUID built per mark).
        keys: dict[Any, str] = {}  # ballot id → its key
        groups: dict[Any, str] = {}  # ballot id → its rater group
        ballots = Ballot.objects.filter(session_id__in=sessions)
        rows = list(_raw(ballots.values_list("id", "session_id", "number", "rater_group")))
        sessions_of: dict[str, set[int]] = defaultdict(set)
        for _, session, number, _ in rows:
            sessions_of[number].add(session)
        names: dict[str, str] = {}
        for ballot, session, number, group in rows:
            keys[ballot] = number if len(sessions_of[number]) == 1 else f"{sessions[session]}:{number}"
            groups[ballot] = names.setdefault(group, group)
        del rows, sessions_of
        # A target by its (unit id, cadre id) pair, so that a whole chunk is looked up in C.
        targets: dict[tuple[int | None, int | None], str] = {(i, None): c for i, c in self.unit_codes.items()}
        targets.update(((None, i), c) for i, c in self.cadre_codes.items())
        choices: dict[str, str] = {}
        found: list[tuple[str, str, str | None, str]] = []
        query = (
            Mark.objects.filter(ballot__session_id__in=sessions)
            .values_list("ballot_id", "unit_id", "cadre_id", "choice")
            .order_by()
        )
        for chunk in _raw_chunks(query):
            ballot, unit, cadre, choice = zip(*chunk, strict=True)
            named = list(map(targets.get, zip(unit, cadre, strict=True)))
            batch = zip(
                map(keys.__getitem__, ballot),
                map(groups.__getitem__, ballot),
                named,
                map(choices.setdefault, choice, choice),
                strict=True,
            )
            if None in named:  # a target no longer assessed in this cycle
                batch = (row for row in batch if row[2] is not None)
            found += batch
        # In canonical order (sorted as tuples), which groups a ballot's marks for the engine and lets the
        # digest take the list as it is: by ballot first, then each ballot's few marks, costs half as
        # much as sorting the tuples at once when the ballots come in random order.
        found.sort(key=_first)
        ordered = chain.from_iterable(map(sorted, map(_second, groupby(found, _first))))
        return list(starmap(RuleMark, ordered))

    def prior_grades(self) -> list[PriorGrade]:
        """Grades of earlier years: the final results of earlier sealed cycles (less any declared void),
        and, for years the app did not keep, the 往年等次 recorded by hand or imported."""
        from kaohe.results.models import FinalResult, ResultVoid, Seal

        grades: dict[tuple[str, int], str] = {}
        rows = PriorGradeRow.objects.filter(year__lt=self.cycle.year)
        for unit_id, cadre_id, year, grade in rows.values_list("unit_id", "cadre_id", "year", "grade"):
            target = self.target(unit_id, cadre_id)
            if target is not None:
                grades[(target, year)] = grade
        newest: dict[int, Seal] = {}  # a year's newest seal holds its final results
        seals = Seal.objects.filter(cycle__year__lt=self.cycle.year).select_related("cycle")
        for seal in seals.order_by("-created_at", "-id"):
            newest.setdefault(seal.cycle.year, seal)
        for year, seal in newest.items():
            voided = {
                (kind, code)
                for codes in ResultVoid.objects.filter(seal=seal).values_list("codes", flat=True)
                for kind, code in codes
            }
            finals = FinalResult.objects.filter(seal=seal).values_list(
                "kind", "code", "unit_id", "cadre_id", "grade"
            )
            for kind, code, unit_id, cadre_id, grade in finals:
                if (kind, code) in voided:
                    continue
                target = self.target(unit_id, None) if kind == "team" else self.target(None, cadre_id)
                if target is not None:
                    grades[(target, year)] = grade
        return [PriorGrade(target, year, grade) for (target, year), grade in sorted(grades.items())]


def _raw_chunks(query: QuerySet[Any, Any]) -> Iterator[list[tuple[Any, ...]]]:
    """The rows of a ``values_list`` query as the database driver gives them, a chunk at a time: without
    Django's converters (a UUID object per row costs more than the rest of the gathering)."""
    sql, params = query.query.get_compiler(query.db).as_sql()
    with connections[query.db].chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(CHUNK):
            yield chunk


def _raw(query: QuerySet[Any, Any]) -> Iterator[tuple[Any, ...]]:
    for chunk in _raw_chunks(query):
        yield from chunk

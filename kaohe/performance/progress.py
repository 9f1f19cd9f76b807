"""What is still missing in a cycle's unit-performance inputs: per unit, per department, and the list to chase.

Everything is counted by a fixed handful of GROUP BY queries over the cycle, never one query per unit, so the
progress page stays fast at province scale (5,000 units, about ten indicators a category).

Who sees what (deny by default; the view gives 403 to the other roles):
- an organiser: every assessed unit and every department;
- an assessor: the units of the cycle's assessment groups they are a member of;
- a department clerk: the units of the categories where their department owns indicators, counting only the
  scores on those indicators.

What counts is what ``kaohe.results.inputs`` gives the rules engine:
- an indicator of the unit's category that year is scored when it has the assessor's ``Verification`` or,
  failing that, the department's ``IndicatorScore``;
- 指标考评 of a category without indicators, and 公众评议 / 领导评价 without collected data (responses,
  ratings), are the values given on ``AssessedUnit``;
- a unit's performance can be computed when its indicator scores are complete (or its category keeps none)
  and it has at least one component; a missing component's weight goes to the others (renormalised), as the
  engine does; a component whose weight in 绩效构成 is 0 is switched off and never missing.
"""

from __future__ import annotations

import enum
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import overload

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from kaohe.accounts.models import Role
from kaohe.performance.models import IndicatorScore, LeaderRating, SelfEvaluation, Verification
from kaohe.plans.models import AssessedUnit, AssessmentCycle, AssessmentGroup, Indicator
from kaohe.plans.rule_settings import cycle_rule_settings
from kaohe.rules.errors import InputError
from kaohe.rules.model import Component, RuleSettings
from kaohe.surveys.models import SurveyResponse

PROGRESS_ROLES = (Role.ORGANISER, Role.ASSESSOR, Role.CLERK)
COMPONENTS = (Component.INDICATORS, Component.PUBLIC_SURVEY, Component.LEADER_RATING)


class ScopeKind(enum.StrEnum):
    ALL = "all"  # organiser
    GROUPS = "groups"  # assessor: the units of their groups
    DEPARTMENT = "department"  # clerk: their department's indicators


@dataclass(frozen=True)
class Scope:
    kind: ScopeKind
    user_id: int
    department_id: int | None = None

    @property
    def full(self) -> bool:
        """Every column (self-evaluations, ratings, surveys, performance); a clerk sees only scores."""
        return self.kind is not ScopeKind.DEPARTMENT


def progress_scope(user) -> Scope | None:
    """The account's view of progress, or None for a role that has none."""
    if user.has_role(Role.ORGANISER):
        return Scope(ScopeKind.ALL, user.pk)
    if user.has_role(Role.ASSESSOR):
        return Scope(ScopeKind.GROUPS, user.pk)
    if user.has_role(Role.CLERK):
        return Scope(ScopeKind.DEPARTMENT, user.pk, user.department_id)
    return None


def scope_groups(scope: Scope, cycle: AssessmentCycle) -> QuerySet[AssessmentGroup]:
    """The groups the account may filter by: an assessor's own, everyone else's all of the cycle's."""
    groups = AssessmentGroup.objects.filter(cycle=cycle).order_by("name")
    if scope.kind is ScopeKind.GROUPS:
        groups = groups.filter(members=scope.user_id)
    return groups


# --- the figures -------------------------------------------------------------------------------------------


class Status(enum.StrEnum):
    COMPLETE = "complete"  # every component present
    RENORMALISED = "renormalised"  # computable; missing components' weights go to the others
    INCOMPLETE = "incomplete"  # indicator scores missing: not computable until they are entered
    NONE = "none"  # no component at all


COMPONENT_NAMES = {
    Component.INDICATORS: N_("指标考评"),
    Component.PUBLIC_SURVEY: N_("公众评议"),
    Component.LEADER_RATING: N_("领导评价"),
}


STATUS_LABELS = {
    Status.COMPLETE: N_("完整，可计算"),
    Status.RENORMALISED: N_("可计算（缺项按比例折算）"),
    Status.INCOMPLETE: N_("不可计算：缺指标得分"),
    Status.NONE: N_("不可计算：没有任何绩效构成项"),
}


@dataclass(frozen=True)
class ChaseItem:
    """One missing thing: what, how many, who enters it and on which page."""

    what: str
    count: int
    who: str
    url: str


@dataclass(slots=True)
class UnitProgress:
    unit_id: int
    code: str
    name: str
    category_id: int
    category: str
    indicators: int = 0  # expected: the indicators of the unit's category (a clerk's: their department's)
    self_evaluations: int = 0
    scores: int = 0  # the departments' scores
    verifications: int = 0
    scored: int = 0  # indicators with a score the rules count (verified, else the department's)
    leader_ratings: int = 0
    survey_responses: int = 0
    given_indicators: bool = False
    given_survey: bool = False
    given_rating: bool = False
    missing_components: tuple[Component, ...] = ()  # renormalised: their weights go to the others
    status: Status = Status.NONE
    chase: list[ChaseItem] = field(default_factory=list)

    @property
    def missing_self_evaluations(self) -> int:
        return max(self.indicators - self.self_evaluations, 0)

    @property
    def missing_scores(self) -> int:
        return max(self.indicators - self.scored, 0)

    @property
    def computable(self) -> bool:
        return self.status in (Status.COMPLETE, Status.RENORMALISED)

    @property
    def status_label(self) -> str:
        return _(STATUS_LABELS[self.status])

    @property
    def missing_names(self) -> str:
        return "、".join(_(COMPONENT_NAMES[c]) for c in self.missing_components)


@dataclass
class IndicatorProgress:
    indicator_id: int
    code: str
    name: str
    category: str
    expected: int = 0
    entered: int = 0

    @property
    def missing(self) -> int:
        return max(self.expected - self.entered, 0)


@dataclass
class DepartmentProgress:
    department_id: int | None
    code: str
    name: str
    indicators: list[IndicatorProgress] = field(default_factory=list)
    url: str = ""

    @property
    def expected(self) -> int:
        return sum(i.expected for i in self.indicators)

    @property
    def entered(self) -> int:
        return sum(i.entered for i in self.indicators)

    @property
    def missing(self) -> int:
        return max(self.expected - self.entered, 0)


@dataclass(frozen=True)
class Total:
    label: str
    done: int
    expected: int

    @property
    def percent(self) -> int:
        return 100 if not self.expected else int(100 * self.done / self.expected)


class UnitRows(Sequence[UnitProgress]):
    """The units' figures as plain tuples, made into ``UnitProgress`` (with the list to chase) only when read.

    A page shows 100 of 5,000 units: building every unit's objects cost more than counting them.
    """

    def __init__(self, rows: list[tuple], build: Callable[[tuple], UnitProgress]) -> None:
        self.rows = rows
        self.build = build

    def __len__(self) -> int:
        return len(self.rows)

    @overload
    def __getitem__(self, index: int) -> UnitProgress: ...
    @overload
    def __getitem__(self, index: slice) -> list[UnitProgress]: ...
    def __getitem__(self, index: int | slice) -> UnitProgress | list[UnitProgress]:
        if isinstance(index, slice):
            return [self.build(row) for row in self.rows[index]]
        return self.build(self.rows[index])

    def to_chase(self) -> UnitRows:
        return UnitRows([row for row in self.rows if row[_CHASE]], self.build)


@dataclass
class Progress:
    cycle: AssessmentCycle
    scope: Scope
    units: UnitRows
    departments: list[DepartmentProgress]
    totals: list[Total]
    settings_errors: list[str]
    performance_weights: dict[str, int]

    @property
    def units_to_chase(self) -> UnitRows:
        return self.units.to_chase()

    @property
    def departments_to_chase(self) -> list[DepartmentProgress]:
        return [d for d in self.departments if d.missing]


def cycle_progress(
    scope: Scope, cycle: AssessmentCycle, *, category_id: int | None = None, group_id: int | None = None
) -> Progress:
    """The progress of ``cycle`` as ``scope`` may see it, narrowed to a category and an assessment group."""
    return _Counting(scope, cycle, category_id, group_id).run()


def _fetch(queryset: QuerySet) -> list[tuple]:
    """The rows of an ORM-built query of ids, counts and nullable values, as the database returns them.

    Skips Django's per-row converters, which cost more than the queries themselves on the ~30,000 rows of a
    province-scale page. Only for columns whose raw value is used as is (ids, counts) or only tested for None.
    """
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # e.g. `__in` an empty list: a clerk whose department owns nothing that year
        return []
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _by_unit(rows: Iterable[tuple[int, int, int]], categories: dict[int, int]) -> dict[int, int]:
    """(unit, indicator's category, n) rows → n by unit, keeping rows of the unit's own category that year."""
    return {unit_id: n for unit_id, category_id, n in rows if categories.get(unit_id) == category_id}


class _Counting:
    def __init__(
        self, scope: Scope, cycle: AssessmentCycle, category_id: int | None, group_id: int | None
    ) -> None:
        self.scope = scope
        self.cycle = cycle
        self.category_id = category_id
        self.group_id = group_id

    # -- the queries

    def assessed(self) -> QuerySet[AssessedUnit]:
        units = AssessedUnit.objects.filter(cycle=self.cycle)
        if self.scope.kind is ScopeKind.GROUPS:
            mine = AssessmentGroup.objects.filter(
                cycle=self.cycle, members=self.scope.user_id, units=OuterRef("unit")
            )
            units = units.filter(Exists(mine))
        if self.group_id is not None:
            units = units.filter(
                Exists(
                    AssessmentGroup.objects.filter(cycle=self.cycle, pk=self.group_id, units=OuterRef("unit"))
                )
            )
        if self.category_id is not None:
            units = units.filter(category_id=self.category_id)
        return units

    def restricted(self) -> bool:
        return (
            self.scope.kind is ScopeKind.GROUPS or self.group_id is not None or self.category_id is not None
        )

    def rows(self, model, *, department: bool = False) -> QuerySet:
        """``model``'s rows of the cycle within the scope, ready for GROUP BY (unit, indicator's category)."""
        rows = model.objects.filter(cycle=self.cycle)
        if self.restricted():
            rows = rows.filter(unit_id__in=self.assessed().values("unit_id"))
        if department:
            rows = rows.filter(indicator__department_id=self.scope.department_id or -1)
        return rows

    @staticmethod
    def per_unit_and_category(rows: QuerySet, **more) -> list[tuple]:
        return _fetch(
            rows.values_list("unit_id", "indicator__category_id").annotate(n=Count("*"), **more).order_by()
        )

    def run(self) -> Progress:
        scope, cycle = self.scope, self.cycle
        clerk = scope.kind is ScopeKind.DEPARTMENT
        settings, errors = self.settings() if scope.full else (None, [])
        weights = _weights(settings)

        indicators = Indicator.objects.filter(cycle=cycle)
        if clerk:
            # A clerk without a department owns nothing.
            indicators = indicators.filter(department_id=scope.department_id or -1)
        indicator_rows = list(
            indicators.order_by("department__code", "category__order", "category__name", "code").values_list(
                "id", "category_id", "category__name", "code", "name", "department_id", "department__code",
                "department__name",
            )
        )  # fmt: skip
        per_category: dict[int, int] = defaultdict(int)
        for row in indicator_rows:
            per_category[row[1]] += 1

        units_query = self.assessed()
        if clerk:
            units_query = units_query.filter(category_id__in=list(per_category))
        # Given values only tested for None: fetched raw, without building a Decimal per row.
        unit_rows = _fetch(
            units_query.order_by("category__order", "category__name", "unit__code").values_list(
                "unit_id", "unit__code", "unit__name", "category_id", "category__name",
                "indicator_score", "public_survey", "leader_rating",
            )
        )  # fmt: skip
        categories = {row[0]: row[3] for row in unit_rows}
        units_in_category: dict[int, int] = defaultdict(int)
        for row in unit_rows:
            units_in_category[row[3]] += 1

        score_rows = self.per_unit_and_category(self.rows(IndicatorScore, department=clerk))
        scores = _by_unit(score_rows, categories)
        # Scores on a unit not assessed that year, or not in the indicator's category (left by a change of the
        # participants): rare, and then the departments' counts need the slower exact query.
        strays = any(categories.get(unit_id) != category_id for unit_id, category_id, _ in score_rows)
        evaluations: dict[int, int] = {}
        verifications: dict[int, int] = {}
        verified_only: dict[int, int] = {}
        ratings: dict[int, int] = {}
        responses: dict[int, int] = {}
        if scope.full:
            evaluations = _by_unit(self.per_unit_and_category(self.rows(SelfEvaluation)), categories)
            # Verified where the department has not scored: with the department's scores, what the rules count.
            department_score = IndicatorScore.objects.filter(
                unit_id=OuterRef("unit_id"), indicator_id=OuterRef("indicator_id")
            )
            # Two queries rather than a filtered count: PostgreSQL then anti-joins instead of probing per row.
            verifications = _by_unit(self.per_unit_and_category(self.rows(Verification)), categories)
            verified_only = _by_unit(
                self.per_unit_and_category(self.rows(Verification).filter(~Exists(department_score))),
                categories,
            )
            ratings = dict(
                _fetch(self.rows(LeaderRating).values_list("unit_id").annotate(n=Count("*")).order_by())
            )
            # Counted from the responses' side: their survey index covers it, no response row is read.
            answers = SurveyResponse.objects.filter(survey__cycle=cycle)
            if self.restricted():
                answers = answers.filter(survey__unit_id__in=self.assessed().values("unit_id"))
            responses = dict(_fetch(answers.values_list("survey__unit_id").annotate(n=Count("*")).order_by()))

        places = _Places(cycle.year)
        if scope.full:
            rows, totals = _judge_units(
                unit_rows,
                per_category,
                (evaluations, scores, verifications, verified_only, ratings, responses),
                tuple(bool(weights.get(c)) for c in COMPONENTS),
            )
        else:
            rows, totals = _clerk_units(unit_rows, per_category, scores)

        def build(row: tuple) -> UnitProgress:
            unit = UnitProgress(*row[:_CHASE])
            unit.chase = _unit_chase(unit, places) if scope.full else _clerk_chase(unit, places)
            return unit

        departments = self.departments(indicator_rows, units_in_category, strays)
        if not scope.full:
            entered, expected = (sum(d.entered for d in departments), sum(d.expected for d in departments))
            totals.insert(0, Total(_("部门评分"), entered, expected))
        return Progress(
            cycle=cycle,
            scope=scope,
            units=UnitRows(rows, build),
            departments=departments,
            totals=totals,
            settings_errors=errors,
            performance_weights={str(c): w for c, w in weights.items()},
        )

    def settings(self) -> tuple[RuleSettings | None, list[str]]:
        try:
            return cycle_rule_settings(self.cycle), []
        except InputError as error:
            return None, error.messages

    def departments(
        self, indicator_rows: list[tuple], units_in_category: dict[int, int], strays: bool
    ) -> list[DepartmentProgress]:
        if not indicator_rows:
            return []
        # The departments' own scores, on units assessed that year in the indicator's category; found by their
        # indicators (a covering index), the cycle's or the clerk's department's.
        rows = IndicatorScore.objects.filter(indicator_id__in=[row[0] for row in indicator_rows])
        if self.restricted():
            rows = rows.filter(unit_id__in=self.assessed().values("unit_id"))
        if strays:
            assessed = self.assessed().filter(
                unit_id=OuterRef("unit_id"), category_id=OuterRef("indicator__category_id")
            )
            rows = rows.filter(Exists(assessed))
        entered = dict(_fetch(rows.values_list("indicator_id").annotate(n=Count("*")).order_by()))
        by_department: dict[int | None, DepartmentProgress] = {}
        url = reverse("performance:score_grid", args=[self.cycle.year])
        for (
            indicator_id,
            category_id,
            category,
            code,
            name,
            department_id,
            dept_code,
            dept_name,
        ) in indicator_rows:
            expected = units_in_category.get(category_id, 0)
            if not expected:
                continue  # no unit of that category in view
            department = by_department.get(department_id)
            if department is None:
                department = by_department[department_id] = DepartmentProgress(
                    department_id,
                    dept_code or "",
                    dept_name or _("（未指定归口部门）"),
                    url=url if department_id is not None else "",
                )
            department.indicators.append(
                IndicatorProgress(indicator_id, code, name, category, expected, entered.get(indicator_id, 0))
            )
        # Departments by code; indicators without a department last.
        return sorted(by_department.values(), key=lambda d: (d.department_id is None, d.code))


def _weights(settings: RuleSettings | None) -> dict[Component, int]:
    """绩效构成 as the engine uses it; the defaults when the plan's settings cannot be read."""
    from kaohe.rules.arithmetic import integer_weights

    weights = (settings or RuleSettings(year=0)).performance_weights
    return integer_weights({c: weights.get(c, 0) for c in COMPONENTS})


def _judge(
    active: tuple[bool, bool, bool],
    kept: bool,
    incomplete: bool,
    has_indicators: bool,
    has_survey: bool,
    has_rating: bool,
) -> tuple[Status, tuple[Component, ...], bool]:
    """Whether a unit's performance can be computed, which components the rules would renormalise, and
    whether something other than self-evaluations is to be chased.

    ``active``: whether 指标考评, 公众评议 and 领导评价 have a weight above 0 (in ``COMPONENTS`` order);
    ``kept``: whether the unit's category keeps indicators; ``incomplete``: whether their scores are.
    """  # fmt: skip
    on_indicators, on_survey, on_rating = active
    missing = []
    if on_indicators and not has_indicators:
        missing.append(_INDICATORS)
    if on_survey and not has_survey:
        missing.append(_SURVEY)
    if on_rating and not has_rating:
        missing.append(_RATING)
    if on_indicators and incomplete:
        status = _INCOMPLETE
    elif not ((on_indicators and has_indicators) or (on_survey and has_survey) or (on_rating and has_rating)):
        status = _NONE
    elif missing:
        status = _RENORMALISED
    else:
        status = _COMPLETE
    chase = (
        status is _INCOMPLETE
        or _SURVEY in missing
        or _RATING in missing
        or (not kept and _INDICATORS in missing)
    )
    return status, tuple(missing), chase


_CHASE = 17  # a unit row: UnitProgress's fields up to its status, then whether it has something to chase


def _judge_units(
    unit_rows: list[tuple],
    per_category: dict[int, int],
    counts: tuple[dict[int, int], ...],
    active: tuple[bool, bool, bool],
) -> tuple[list[tuple], list[Total]]:
    """Each unit's row (see ``_CHASE``) and the totals, in one plain loop over the units: it runs for each of
    5,000 units on every page, so the judgement comes from a table of the 32 cases, not a call per unit."""  # fmt: skip
    evaluations, scores, verifications, verified_only, ratings, responses = counts
    cases = {
        case: _judge(active, *case)
        for case in itertools.product((False, True), repeat=5)
    }  # fmt: skip
    rows = []
    indicators = evaluated = entered = verified = counted = rated = surveyed = computable = complete = 0
    for unit_id, code, name, category_id, category, indicator_score, survey, rating in unit_rows:
        expected = per_category.get(category_id, 0)
        own = evaluations.get(unit_id, 0)
        department = scores.get(unit_id, 0)
        checked = verifications.get(unit_id, 0)
        scored = department + verified_only.get(unit_id, 0)
        leaders = ratings.get(unit_id, 0)
        answers = responses.get(unit_id, 0)
        given_indicators, given_survey, given_rating = (
            indicator_score is not None, survey is not None, rating is not None
        )  # fmt: skip
        kept = expected > 0
        incomplete = kept and scored < expected
        has_survey = answers > 0 or given_survey
        has_rating = leaders > 0 or given_rating
        status, missing, chase = cases[
            (kept, incomplete, (not incomplete) if kept else given_indicators, has_survey, has_rating)
        ]
        rows.append(
            (
                unit_id, code, name, category_id, category, expected, own, department, checked, scored, leaders,
                answers, given_indicators, given_survey, given_rating, missing, status, chase or own < expected,
            )
        )  # fmt: skip
        indicators += expected
        evaluated += own if own < expected else expected
        entered += department if department < expected else expected
        verified += checked if checked < expected else expected
        counted += scored if scored < expected else expected
        rated += has_rating
        surveyed += has_survey
        computable += status is _COMPLETE or status is _RENORMALISED
        complete += status is _COMPLETE
    n = len(rows)
    return rows, [
        Total(_("自评"), evaluated, indicators),
        Total(_("部门评分"), entered, indicators),
        Total(_("现场核验"), verified, indicators),
        Total(_("计分指标（核验或部门评分）"), counted, indicators),
        Total(_("有领导评价的单位"), rated, n),
        Total(_("有公众评议的单位"), surveyed, n),
        Total(_("绩效可计算的单位"), computable, n),
        Total(_("绩效构成完整的单位"), complete, n),
    ]


def _clerk_units(
    unit_rows: list[tuple], per_category: dict[int, int], scores: dict[int, int]
) -> tuple[list[tuple], list[Total]]:
    """A clerk's rows: their department's scores only; the department's total goes first (see ``run``)."""
    rows = []
    for unit_id, code, name, category_id, category, indicator_score, survey, rating in unit_rows:
        expected = per_category.get(category_id, 0)
        department = scores.get(unit_id, 0)
        rows.append(
            (
                unit_id, code, name, category_id, category, expected, 0, department, 0, department, 0, 0,
                indicator_score is not None, survey is not None, rating is not None, (), Status.NONE,
                department < expected,
            )
        )  # fmt: skip
    done = sum(1 for row in rows if row[7] >= row[5])
    return rows, [Total(_("评分齐全的单位"), done, len(rows))]


_INDICATORS, _SURVEY, _RATING = COMPONENTS
_COMPLETE, _RENORMALISED, _INCOMPLETE, _NONE = (
    Status.COMPLETE,
    Status.RENORMALISED,
    Status.INCOMPLETE,
    Status.NONE,
)


class _Places:
    """Who enters each input and on which page: translated and reversed once per page, not per unit."""

    def __init__(self, year: int) -> None:
        self.self_evaluation = (
            _("自评"),
            _("单位联络员"),
            reverse("performance:self_evaluation_list", args=[year]),
        )
        grid = reverse("performance:score_grid", args=[year])
        self.scores = (_("指标得分"), _("归口部门（或考核组现场核验）"), grid)
        self.own_scores = (_("指标得分"), _("本部门"), grid)
        self.survey = (_("公众评议"), _("考核办"), reverse("surveys:survey_list", args=[year]))
        self.given = (_("指标考评"), _("考核办"), reverse("plans:unit_list", args=[year]))
        self.rating = (_("领导评价"), _("领导"))
        # The rating page of unit 0, to put each unit's id in (reverse() per unit costs ~0.3 ms, 5,000 times).
        sample = reverse("performance:rating_edit", args=[year, 0])
        assert sample.endswith("/0/")  # noqa: S101 — the URL's shape this relies on
        self.rating_prefix = sample[:-2]

    def rating_url(self, unit_id: int) -> str:
        return f"{self.rating_prefix}{unit_id}/"


def _item(place: tuple[str, str, str], count: int) -> ChaseItem:
    what, who, url = place
    return ChaseItem(what, count, who, url)


def _unit_chase(unit: UnitProgress, places: _Places) -> list[ChaseItem]:
    items = []
    if unit.missing_self_evaluations:
        items.append(_item(places.self_evaluation, unit.missing_self_evaluations))
    if unit.status is _INCOMPLETE:
        items.append(_item(places.scores, unit.missing_scores))
    missing = unit.missing_components
    if Component.PUBLIC_SURVEY in missing:
        items.append(_item(places.survey, 1))
    if Component.LEADER_RATING in missing:
        what, who = places.rating
        items.append(ChaseItem(what, 1, who, places.rating_url(unit.unit_id)))
    if unit.indicators == 0 and Component.INDICATORS in missing:
        items.append(_item(places.given, 1))
    return items


def _clerk_chase(unit: UnitProgress, places: _Places) -> list[ChaseItem]:
    missing = max(unit.indicators - unit.scores, 0)
    return [_item(places.own_scores, missing)] if missing else []

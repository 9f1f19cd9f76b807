"""A cycle in and out as an assessment workbook (format v1): ``cycle_import`` and ``cycle_export``.

Import creates or updates the cycle of the book's 年度, all or nothing, in one transaction with one audit
entry. What the book says about the year replaces what the cycle had, with the least change that makes
``cycle_assessment_input`` give the book's data back:

- roster: categories, units and cadres missing from the roster are created (a new cadre with a current
  position at the book's unit and post); an existing unit or cadre is never changed or moved: the cycle's
  ``AssessedUnit``/``AssessedCadre`` snapshot records the book's category, unit and post;
- the plan's settings, the assessed units and cadres, and the indicators are replaced (an indicator kept
  by its category and code keeps its department, targets and entered scores);
- 指标得分: where the score the cycle counts (verified, else the department's) differs from the book's, the
  book's becomes the department's score and a verification of that pair is removed;
- sanctions are added when new (a sanction is the cadre's, not the cycle's); earlier grades are set;
- approved adjustments and all vetoes of the cycle are replaced (proposed and rejected ones stay);
- the ballots go into one evaluation session of kind imported, 「工作簿导入」, replaced on re-import; a
  ballot already counted in another session of the cycle, identical, is not imported twice.

Collected data the app prefers to a given value (survey responses, leader ratings) is never deleted: the
summary names the units where it differs from the book. The plan is frozen from 评定 on, and an import
into a frozen cycle is refused.

Province scale (5,000 units, 50,000 cadres, 1.5 million marks): bulk inserts in batches, marks with COPY
on PostgreSQL and executemany on SQLite, and no model instance per mark.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.db import connection, transaction
from django.utils import timezone

from kaohe.accounts.actors import Actor, user_of
from kaohe.audit.actions import audit_record
from kaohe.ballots import storage
from kaohe.ballots.models import Ballot, EvaluationSession, Mark, SessionKind, SessionStatus
from kaohe.bulk import large_sqlite_cache, lock_roster
from kaohe.crypto.configured import content_hasher
from kaohe.crypto.modes import Digested, shown
from kaohe.org.codes import code_clashes
from kaohe.org.models import Cadre, LeadershipTeam, Position, Unit, UnitCategory, pinyin_full, pinyin_initials
from kaohe.performance.models import (
    Adjustment,
    AdjustmentStatus,
    IndicatorScore,
    PriorGrade,
    Sanction,
    Verification,
    Veto,
)
from kaohe.plans.models import (
    AssessedCadre,
    AssessedUnit,
    AssessmentCycle,
    AssessmentPlan,
    Indicator,
)
from kaohe.records.regular import regular_scores
from kaohe.results.inputs import collected_unit_values
from kaohe.rules import validation
from kaohe.rules.errors import InputError
from kaohe.rules.model import AssessmentInput, RuleSettings
from kaohe.workbook import layout
from kaohe.workbook.book_writer import setting_text
from kaohe.workbook.reader import read_assessment_workbook
from kaohe.workbook.sheets import MAX_BYTES, Problem, WorkbookError

IMPORTED_SESSION = "工作簿导入"
BATCH = 2000


@dataclass(frozen=True)
class ImportSummary:
    year: int
    file_name: str
    digest: str  # of the file, under digest_algorithm (sha256, or sm3 in 国密 mode); blank without a file
    digest_algorithm: str
    cycle_created: bool
    categories_created: tuple[str, ...]
    units_created: int  # in the roster
    cadres_created: int
    units: int  # assessed in the cycle
    cadres: int
    indicators: int
    indicators_removed: int
    scores_changed: int
    verifications_replaced: int
    sanctions_added: int
    adjustments: int
    vetoes: int
    ballots: int
    ballots_already_counted: int
    marks: int
    prior_grades: int
    # Roster names that differ from the book's (the roster is not changed), and units whose collected
    # survey or leader ratings take precedence over the book's value.
    renamed: tuple[str, ...] = ()
    collected: tuple[str, ...] = ()

    def document(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def digest_shown(self) -> str:
        """The file's digest as people see it: "SM3: 66c7…"."""
        return shown(self.digest_algorithm, self.digest) if self.digest else ""


# --- checks before writing -----------------------------------------------------------------------------

# Column lengths of the models the book's text goes into.
_LENGTHS = (
    ("单位", "单位编码", lambda d: ((u.code, u.code) for u in d.units), Unit, "code"),
    ("单位", "单位名称", lambda d: ((u.code, u.name) for u in d.units), Unit, "name"),
    ("单位", "单位类别", lambda d: ((u.code, u.category) for u in d.units), UnitCategory, "name"),
    ("单位", "一票否决", lambda d: ((u.code, u.veto) for u in d.units), Veto, "item"),
    ("指标", "指标编码", lambda d: ((i.code, i.code) for i in d.indicators), Indicator, "code"),
    ("指标", "指标名称", lambda d: ((i.code, i.name) for i in d.indicators), Indicator, "name"),
    ("干部", "干部编码", lambda d: ((c.code, c.code) for c in d.cadres), Cadre, "code"),
    ("干部", "姓名", lambda d: ((c.code, c.name) for c in d.cadres), Cadre, "name"),
    ("干部", "职务", lambda d: ((c.code, c.post) for c in d.cadres), AssessedCadre, "post"),
    ("干部", "一票否决", lambda d: ((c.code, c.veto) for c in d.cadres), Veto, "item"),
    ("干部", "表现突出", lambda d: ((c.code, c.priority) for c in d.cadres), AssessedCadre, "priority"),
    ("测评票", "票号", lambda d: ((m.ballot, m.ballot) for m in _ballots(d)), Ballot, "number"),
    (
        "测评票",
        "评价人类别",
        lambda d: ((m.ballot, m.rater_group) for m in _ballots(d)),
        Ballot,
        "rater_group",
    ),
)


def _ballots(data: AssessmentInput) -> Iterator[Any]:
    seen: set[str] = set()
    for mark in data.marks:
        if mark.ballot not in seen:
            seen.add(mark.ballot)
            yield mark


def _length_problems(data: AssessmentInput) -> list[Problem]:
    problems = []
    for sheet, column, values, model, name in _LENGTHS:
        limit = model._meta.get_field(name).max_length
        for code, value in values(data):
            if value and len(value) > limit:
                problems.append(Problem(sheet, None, column, value, f"「{code}」的{column}超过{limit}个字"))
    return problems


def check_import(data: AssessmentInput) -> None:
    """What the engine would refuse, and what the database cannot hold; raises with every problem."""
    problems = _length_problems(data)
    clashes = code_clashes(unit_codes=(u.code for u in data.units), cadre_codes=(c.code for c in data.cadres))
    problems += [Problem("", None, None, None, message) for message in clashes]
    if problems:
        raise WorkbookError(problems)
    errors = validation.check(data)
    if errors:
        raise InputError(errors)


# --- import ----------------------------------------------------------------------------------------------


def file_digest(source: str | os.PathLike[str] | IO[bytes]) -> Digested:
    """The file's digest under the active mode (SHA-256 or SM3), with its algorithm."""
    digest = content_hasher()
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as file:
            for block in iter(lambda: file.read(1 << 20), b""):
                digest.update(block)
    else:
        start = source.tell()
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
        source.seek(start)
    return Digested(digest.algorithm.value, digest.hexdigest())


def cycle_import_file(
    *, source: str | os.PathLike[str] | IO[bytes], actor: Actor, file_name: str, max_bytes: int = MAX_BYTES
) -> ImportSummary:
    """Read the workbook at ``source`` and import it: raises ``WorkbookError`` or ``InputError``, saving
    nothing, when anything is wrong."""
    digest = file_digest(source)
    data = read_assessment_workbook(source, max_bytes=max_bytes)
    return cycle_import(data=data, actor=actor, file_name=file_name, digest=digest)


def cycle_import(
    *, data: AssessmentInput, actor: Actor, file_name: str, digest: Digested | None = None
) -> ImportSummary:
    """Create or update the cycle of ``data.settings.year`` from a read workbook, all or nothing."""
    check_import(data)
    with large_sqlite_cache(), transaction.atomic():
        lock_roster()  # the book's units and cadres are created or updated as a roster import would
        summary = _Import(data, actor).run(file_name, digest)
        audit_record(
            actor=actor,
            action="cycle.import",
            object_type="plans.assessmentcycle",
            object_id=str(summary_cycle_id(summary.year)),
            object_repr=f"{summary.year}年度考核 ← {file_name}"[:200],
            after=summary.document(),
        )
    return summary


def summary_cycle_id(year: int) -> int:
    return AssessmentCycle.objects.values_list("id", flat=True).get(year=year)


def frozen_problem(cycle: AssessmentCycle) -> Problem:
    return Problem(
        "参数",
        None,
        "年度",
        cycle.year,
        f"{cycle.year}年度考核已进入{cycle.get_phase_display()}阶段，考核方案已锁定，不能导入工作簿",
    )


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


@dataclass
class _Import:
    data: AssessmentInput
    actor: Actor
    counts: dict[str, Any] = field(default_factory=dict)
    categories: dict[str, int] = field(default_factory=dict)
    units: dict[str, int] = field(default_factory=dict)
    cadres: dict[str, int] = field(default_factory=dict)
    renamed: list[str] = field(default_factory=list)
    unit_codes: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.unit_codes = {u.code for u in self.data.units}

    def run(self, file_name: str, digest: Digested | None) -> ImportSummary:
        data = self.data
        year = data.settings.year
        cycle = AssessmentCycle.objects.select_for_update().filter(year=year).first()
        if cycle is not None and cycle.plan_frozen:
            raise WorkbookError([frozen_problem(cycle)])
        created = cycle is None
        new_categories = self.write_categories()
        units_created = self.write_units()
        cadres_created = self.write_cadres()
        if cycle is None:
            cycle = AssessmentCycle.objects.create(year=year, name=f"{year}年度考核")
        plan, _ = AssessmentPlan.objects.get_or_create(cycle=cycle)
        plan.settings = plan_settings(data.settings)
        plan.save(update_fields=["settings"])
        self.write_assessed(cycle)
        self.write_indicators(cycle)
        self.write_records(cycle)
        self.write_ballots(cycle)
        collected = self.collected(cycle)
        c = self.counts
        return ImportSummary(
            year=year,
            file_name=file_name,
            digest=digest.value if digest else "",
            digest_algorithm=digest.algorithm if digest else "",
            cycle_created=created,
            categories_created=new_categories,
            units_created=units_created,
            cadres_created=cadres_created,
            units=len(data.units),
            cadres=len(data.cadres),
            indicators=len(data.indicators),
            indicators_removed=c["indicators_removed"],
            scores_changed=c["scores_changed"],
            verifications_replaced=c["verifications_replaced"],
            sanctions_added=c["sanctions_added"],
            adjustments=len(data.adjustments),
            vetoes=c["vetoes"],
            ballots=c["ballots"],
            ballots_already_counted=c["ballots_already_counted"],
            marks=c["marks"],
            prior_grades=len(data.prior_grades),
            renamed=tuple(self.renamed),
            collected=collected,
        )

    # --- the roster ------------------------------------------------------------------------------------

    def write_categories(self) -> tuple[str, ...]:
        self.categories = dict(UnitCategory.objects.values_list("name", "id"))
        names = list(
            dict.fromkeys(
                [*(u.category for u in self.data.units), *(i.category for i in self.data.indicators)]
            )
        )
        new = [name for name in names if name not in self.categories]
        order = max(UnitCategory.objects.values_list("order", flat=True), default=0)
        for offset, name in enumerate(new, start=1):
            self.categories[name] = UnitCategory.objects.create(name=name, order=order + offset).pk
        return tuple(new)

    def write_units(self) -> int:
        stored = {
            code: (pk, name) for pk, code, name in Unit.objects.values_list("id", "code", "name").iterator()
        }
        created = []
        for unit in self.data.units:
            found = stored.get(unit.code)
            if found is None:
                created.append(
                    Unit(
                        code=unit.code,
                        name=unit.name,
                        category_id=self.categories[unit.category],
                        pinyin_initials=pinyin_initials(unit.name),
                    )
                )
            elif found[1] != unit.name:
                self.renamed.append(f"单位「{unit.code}」名册中为「{found[1]}」，工作簿中为「{unit.name}」")
        Unit.objects.bulk_create(created, batch_size=BATCH)
        self.units = {code: pk for code, (pk, _) in stored.items()}
        if created:
            ids = dict(Unit.objects.filter(code__in=[u.code for u in created]).values_list("code", "id"))
            self.units.update(ids)
            LeadershipTeam.objects.bulk_create(
                [LeadershipTeam(unit_id=ids[u.code]) for u in created], batch_size=BATCH
            )
        return len(created)

    def write_cadres(self) -> int:
        stored = {
            code: (pk, name)
            for pk, code, name in Cadre.objects.values_list("id", "code", "name").iterator(chunk_size=5000)
        }
        names: dict[str, tuple[str, str]] = {}
        created = []
        for cadre in self.data.cadres:
            found = stored.get(cadre.code)
            if found is None:
                if cadre.name not in names:
                    names[cadre.name] = (pinyin_initials(cadre.name), pinyin_full(cadre.name))
                initials, full = names[cadre.name]
                created.append(
                    Cadre(
                        code=cadre.code,
                        name=cadre.name,
                        pinyin_initials=initials,
                        pinyin=full,
                        current_unit_id=self.units[cadre.unit],
                    )
                )
            elif found[1] != cadre.name:
                self.renamed.append(f"干部「{cadre.code}」名册中为「{found[1]}」，工作簿中为「{cadre.name}」")
        Cadre.objects.bulk_create(created, batch_size=BATCH)
        self.cadres = {code: pk for code, (pk, _) in stored.items()}
        if created:
            new_codes = {c.code for c in created}
            ids = {
                code: pk
                for code, pk in Cadre.objects.values_list("code", "id").iterator(chunk_size=5000)
                if code in new_codes
            }
            self.cadres.update(ids)
            Position.objects.bulk_create(
                (
                    Position(
                        cadre_id=ids[c.code], unit_id=self.units[c.unit], title=c.post, principal=c.principal
                    )
                    for c in self.data.cadres
                    if c.code in new_codes
                ),
                batch_size=BATCH,
            )
        return len(created)

    # --- the cycle -------------------------------------------------------------------------------------

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

    # --- ballots -----------------------------------------------------------------------------------------

    def write_ballots(self, cycle: AssessmentCycle) -> None:
        old = list(
            EvaluationSession.objects.filter(
                cycle=cycle, kind=SessionKind.IMPORTED, name=IMPORTED_SESSION
            ).values_list("id", flat=True)
        )
        for session in old:
            _delete_session(session)
        by_ballot: dict[str, list[Any]] = defaultdict(list)
        for mark in self.data.marks:
            by_ballot[mark.ballot].append(mark)
        already = self.counted_elsewhere(cycle, by_ballot)
        self.counts["ballots_already_counted"] = len(already)
        self.counts["ballots"] = self.counts["marks"] = 0
        if len(by_ballot) == len(already):
            return
        session = EvaluationSession.objects.create(
            cycle=cycle, name=IMPORTED_SESSION, kind=SessionKind.IMPORTED, status=SessionStatus.CLOSED
        )
        numbers = [number for number in by_ballot if number not in already]
        units, cadres = self.units, self.cadres
        unit_codes = self.unit_codes
        # Through the one module that stores ballots: random ids, rows in their order, not the book's.
        stored = storage.ballots_store(
            session.id,
            (
                storage.OpenBallot(
                    number,
                    by_ballot[number][0].rater_group,
                    [
                        (units[m.target], None, m.choice)
                        if m.target in unit_codes
                        else (None, cadres[m.target], m.choice)
                        for m in by_ballot[number]
                    ],
                )
                for number in numbers
            ),
        )
        self.counts["ballots"] = len(by_ballot) - len(already)
        self.counts["marks"] = stored.marks

    def counted_elsewhere(self, cycle: AssessmentCycle, by_ballot: dict[str, list[Any]]) -> set[str]:
        """Book ballots identical to one already counted in another session of the cycle (an exported
        cycle read back); a different ballot under the same 票号 is a problem."""
        sessions = dict(
            EvaluationSession.objects.filter(cycle=cycle)
            .exclude(status=SessionStatus.VOID)
            .values_list("id", "name")
        )
        if not sessions:
            return set()
        found: dict[str, tuple[Any, str]] = {}
        for pk, session, number, group in Ballot.objects.filter(session_id__in=sessions).values_list(
            "id", "session_id", "number", "rater_group"
        ):
            for key in (number, f"{sessions[session]}:{number}"):
                if key in by_ballot:
                    found[key] = (pk, group)
        if not found:
            return set()
        codes = {pk: code for code, pk in self.units.items()}
        cadre_codes = {pk: code for code, pk in self.cadres.items()}
        stored: dict[Any, Counter[tuple[str, str]]] = defaultdict(Counter)
        wanted = {pk for pk, _ in found.values()}
        for ballot, unit, cadre, choice in Mark.objects.filter(ballot_id__in=wanted).values_list(
            "ballot_id", "unit_id", "cadre_id", "choice"
        ):
            target = codes.get(unit) if unit is not None else cadre_codes.get(cadre)
            stored[ballot][(target or "", choice)] += 1
        problems = []
        for key, (pk, group) in found.items():
            marks = by_ballot[key]
            if group != marks[0].rater_group or stored[pk] != Counter((m.target, m.choice) for m in marks):
                problems.append(
                    Problem(
                        "测评票",
                        None,
                        "票号",
                        key,
                        f"票号「{key}」已在本年度的测评会中计入，内容与工作簿中的不同；请改用新的票号，或先作废该测评会",
                    )
                )
        if problems:
            raise WorkbookError(problems)
        return set(found)

    def collected(self, cycle: AssessmentCycle) -> tuple[str, ...]:
        survey, rating = collected_unit_values(cycle)
        notes = []
        for unit in self.data.units:
            pk = self.units[unit.code]
            for label, values, given in (
                ("公众评议", survey, unit.public_survey),
                ("领导评价", rating, unit.leader_rating),
            ):
                value = values.get(pk)
                if value is not None and value != given:
                    notes.append(
                        f"单位「{unit.code}」的{label}按系统中已收集的数据计为{value}（工作簿中为{given if given is not None else '空'}）"
                    )
        return tuple(notes)


def _delete_session(session: int) -> None:
    """An imported session with its ballots and marks, in three statements rather than row by row."""
    quote = connection.ops.quote_name
    marks, ballots = quote(Mark._meta.db_table), quote(Ballot._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {marks} WHERE ballot_id IN (SELECT id FROM {ballots} WHERE session_id = %s)",  # noqa: S608
            [session],
        )
        cursor.execute(f"DELETE FROM {ballots} WHERE session_id = %s", [session])  # noqa: S608
    EvaluationSession.objects.filter(id=session).delete()

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
from dataclasses import asdict, dataclass
from typing import IO, Any

from django.db import transaction

from kaohe.accounts.actors import Actor
from kaohe.audit.actions import audit_record
from kaohe.bulk import large_sqlite_cache, lock_roster
from kaohe.crypto.configured import content_hasher
from kaohe.crypto.modes import Digested, shown
from kaohe.cycle_workbook.actions.ballots import BallotsPart
from kaohe.cycle_workbook.actions.checks import check_import, frozen_problem
from kaohe.cycle_workbook.actions.cycle import CyclePart, plan_settings
from kaohe.cycle_workbook.actions.inputs import InputsPart
from kaohe.cycle_workbook.actions.roster import RosterPart
from kaohe.plans.models import AssessmentCycle, AssessmentPlan
from kaohe.results.inputs import collected_unit_values
from kaohe.rules.model import AssessmentInput
from kaohe.workbook.reader import read_assessment_workbook
from kaohe.workbook.sheets import MAX_BYTES, WorkbookError


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


class _Import(RosterPart, CyclePart, InputsPart, BallotsPart):
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

"""The roster workbook imported whole: read and checked by ``org.roster``, then written here in one
transaction with bulk queries and one audit entry, or nothing at all.

The file is read into plain rows (``roster.read_roster``), checked against itself and against a snapshot
of the database taken under the roster lock (``roster.Stored.load``, ``roster.check_roster``), and only when
no problem at all was found written, so the province roster (5,000 units, 50,000 cadres) imports in
seconds. Re-importing updates by code; see ``org.roster`` for what a blank cell or absent column means.
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, field
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kaohe.accounts.actors import Actor
from kaohe.audit.actions import audit_record
from kaohe.bulk import lock_roster, update_rows
from kaohe.org.models import Cadre, LeadershipTeam, Position, Unit, UnitCategory, pinyin_full, pinyin_initials
from kaohe.org.roster import RosterFile, Stored, StoredUnit, check_roster, read_roster, sorted_problems
from kaohe.workbook.sheets import Problems, WorkbookError

BATCH = 1000


@dataclass(frozen=True)
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class RosterImportResult:
    units: Counts
    cadres: Counts
    categories_created: tuple[str, ...]
    moves: int
    ended: int = 0  # current positions ended without a new one (离任)

    def summary(self) -> dict[str, Any]:
        return asdict(self)


def roster_import(
    *,
    actor: Actor,
    source: IO[bytes] | bytes,
    file_name: str,
    max_bytes: int | None = None,
) -> RosterImportResult:
    """Import a roster workbook whole, or raise ``WorkbookError`` listing every problem and save nothing."""
    limit = settings.UPLOAD_MAX_BYTES if max_bytes is None else max_bytes
    data = source if isinstance(source, bytes) else source.read(limit + 1)
    problems = Problems()
    roster = read_roster(data, problems, max_bytes=limit)
    if roster is None:
        raise WorkbookError(sorted_problems(problems), problems.total)
    today = timezone.localdate()
    with transaction.atomic():
        lock_roster()
        stored = Stored.load()
        check_roster(roster, stored, problems, today=today)
        if problems:
            raise WorkbookError(sorted_problems(problems), problems.total)
        result = _Writer(roster, stored, today).write()
        audit_record(
            actor=actor,
            action="roster.import",
            object_type="org.roster",
            object_id=roster.digest[:16],
            object_repr=file_name[:200],
            after={
                "file": file_name,
                "size": roster.size,
                "digest": roster.digest,
                "digest_algorithm": roster.digest_algorithm,
                **result.summary(),
            },
        )
    return result


@dataclass
class _Writer:
    roster: RosterFile
    stored: Stored
    today: datetime.date

    names: dict[str, tuple[str, str]] = field(default_factory=dict)

    def pinyin(self, name: str) -> tuple[str, str]:
        """Once per distinct name: Cadre.save() would do it, but bulk_create bypasses save()."""
        found = self.names.get(name)
        if found is None:
            found = self.names[name] = (pinyin_initials(name), pinyin_full(name))
        return found

    def write(self) -> RosterImportResult:
        new_categories = self.write_categories()
        unit_counts = self.write_units()
        cadre_counts, moves, ended = self.write_cadres()
        return RosterImportResult(unit_counts, cadre_counts, new_categories, moves, ended)

    def write_categories(self) -> tuple[str, ...]:
        names = list(dict.fromkeys(u.category for u in self.roster.units if u.category))
        new = [name for name in names if name not in self.stored.categories]
        order = max((c.order for c in UnitCategory.objects.only("order")), default=0)
        for offset, name in enumerate(new, start=1):
            self.stored.categories[name] = UnitCategory.objects.create(name=name, order=order + offset).pk
        return tuple(new)

    def write_units(self) -> Counts:
        stored, has_parent = self.stored, "上级单位编码" in self.roster.unit_columns
        created: list[Unit] = []
        changed: dict[str, Unit] = {}
        unchanged = 0
        for row in self.roster.units:
            assert row.code and row.name and row.category  # checked
            category_id = stored.categories[row.category]
            old = stored.units.get(row.code)
            if old is None:
                created.append(
                    Unit(
                        code=row.code,
                        name=row.name,
                        category_id=category_id,
                        pinyin_initials=pinyin_initials(row.name),
                    )
                )
                continue
            parent = row.parent if has_parent else stored.parent_code(row.code)
            if (old.name, old.category_id, stored.parent_code(row.code)) == (row.name, category_id, parent):
                unchanged += 1
                continue
            changed[row.code] = Unit(
                id=old.id,
                code=row.code,
                name=row.name,
                category_id=category_id,
                parent_id=old.parent_id,
                pinyin_initials=pinyin_initials(row.name),
            )
        Unit.objects.bulk_create(created, batch_size=BATCH)
        if created:
            ids = dict(Unit.objects.values_list("code", "id"))
            for unit in created:
                unit.id = ids[unit.code]
                stored.units[unit.code] = StoredUnit(unit.id, unit.name, unit.category_id, None)
                stored.unit_codes[unit.id] = unit.code
            LeadershipTeam.objects.bulk_create(
                [LeadershipTeam(unit_id=u.id) for u in created], batch_size=BATCH
            )
        # Parents last: a unit may name a parent further down the sheet.
        parented: list[Unit] = []
        if has_parent:
            new_codes = {u.code for u in created}
            for row in self.roster.units:
                assert row.code
                parent_id = None if row.parent is None else stored.units[row.parent].id
                if row.code in changed:
                    changed[row.code].parent_id = parent_id
                elif row.code in new_codes and parent_id is not None:
                    parented.append(Unit(id=stored.units[row.code].id, parent_id=parent_id))
        update_rows(Unit, ["name", "category", "parent", "pinyin_initials"], list(changed.values()))
        update_rows(Unit, ["parent"], parented)
        return Counts(created=len(created), updated=len(changed), unchanged=unchanged)

    def write_cadres(self) -> tuple[Counts, int, int]:
        stored, columns = self.stored, self.roster.cadre_columns
        has_gender, has_birth = "性别" in columns, "出生年月" in columns
        has_principal, has_start = "主要负责人" in columns, "任职时间" in columns
        created: list[Cadre] = []
        new_positions: list[tuple[str, Position]] = []  # by the code of a cadre not yet saved
        moved: list[Cadre] = []
        renamed: list[Cadre] = []
        closed: list[Position] = []
        corrected: list[Position] = []
        opened: list[Position] = []
        unchanged = moves = ended = 0
        for row in self.roster.cadres:
            assert row.code and row.name  # checked, and 单位编码 and 职务 are both given or both blank
            unit_id = None if row.unit is None else stored.units[row.unit].id
            old = stored.cadres.get(row.code)
            if old is None:
                initials, full = self.pinyin(row.name)
                created.append(
                    Cadre(
                        code=row.code,
                        name=row.name,
                        gender=row.gender,
                        birth_month=row.birth_month,
                        pinyin_initials=initials,
                        pinyin=full,
                        current_unit_id=unit_id,
                    )
                )
                if unit_id is not None:
                    assert row.title
                    position = Position(
                        unit_id=unit_id, title=row.title, principal=row.principal, start=row.start
                    )
                    new_positions.append((row.code, position))
                continue
            gender = row.gender if has_gender else old.gender
            birth = row.birth_month if has_birth else old.birth_month
            current = stored.positions.get(old.id)
            principal = row.principal if has_principal else (current.principal if current else False)
            start = row.start if has_start else (current.start if current else None)
            changed = False
            if unit_id is None:
                if current is not None:  # 离任: checked to have a 离任时间
                    closed.append(Position(id=current.id, end=row.end))
                    ended += 1
                    changed = True
            elif current is None or current.unit_id != unit_id or current.title != row.title:
                assert row.title
                # The new post starts on 任职时间; without one the old post ends today.
                start = row.start if has_start else None
                if current is not None:
                    closed.append(Position(id=current.id, end=start or self.today))
                    moves += 1
                opened.append(
                    Position(
                        cadre_id=old.id, unit_id=unit_id, title=row.title, principal=principal, start=start
                    )
                )
                changed = True
            elif (current.principal, current.start) != (principal, start):
                corrected.append(Position(id=current.id, principal=principal, start=start))
                changed = True
            if (old.name, old.gender, old.birth_month, old.current_unit_id) != (
                row.name,
                gender,
                birth,
                unit_id,
            ):
                update = Cadre(
                    id=old.id, name=row.name, gender=gender, birth_month=birth, current_unit_id=unit_id
                )
                if row.name == old.name:
                    moved.append(update)
                else:
                    update.pinyin_initials, update.pinyin = self.pinyin(row.name)
                    renamed.append(update)
                changed = True
            unchanged += not changed
        Cadre.objects.bulk_create(created, batch_size=BATCH)
        if created:
            ids = dict(Cadre.objects.values_list("code", "id").iterator(chunk_size=5000))
            for code, position in new_positions:
                position.cadre_id = ids[code]
                opened.append(position)
        fields = ["name", "gender", "birth_month", "current_unit"]
        update_rows(Cadre, fields, moved)
        update_rows(Cadre, [*fields, "pinyin_initials", "pinyin"], renamed)
        # Close before opening: a cadre holds one current position at a time.
        update_rows(Position, ["end"], closed)
        update_rows(Position, ["principal", "start"], corrected)
        Position.objects.bulk_create(opened, batch_size=BATCH)
        updated = len(self.roster.cadres) - len(created) - unchanged
        return Counts(created=len(created), updated=updated, unchanged=unchanged), moves, ended

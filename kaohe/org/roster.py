"""The roster (名册) as xlsx: the 单位 and 干部 sheets read, checked, imported, and written back.

Import is all or nothing. The file is read into plain rows (``read_roster``), checked against itself and
against a snapshot of the database (``check_roster``), and only when no problem at all was found written
in one transaction with bulk queries and one audit entry (``roster_import``), so the province roster
(5,000 units, 50,000 cadres) imports in seconds. Re-importing updates by code.

An optional column that is absent from a sheet leaves the stored value alone; a column that is present
is the truth, so a blank cell there clears the value (a blank 主要负责人 means 否).

A cadre row with both 单位编码 and 职务 blank is a cadre without a current position (retired, removed,
or not yet appointed). It ends a position still held only with a 离任时间, so that a cell left blank by
mistake ends nobody's post; for a cadre without a current position, 离任时间 is left alone.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import IO, Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from openpyxl import Workbook as XlsxWorkbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from kaohe.accounts.actors import Actor
from kaohe.audit.actions import audit_record
from kaohe.bulk import lock_roster, update_rows
from kaohe.crypto.configured import content_digest
from kaohe.org.models import (
    Cadre,
    LeadershipTeam,
    Position,
    Unit,
    UnitCategory,
    pinyin_full,
    pinyin_initials,
)
from kaohe.workbook.archive import Limits
from kaohe.workbook.cells import append_row
from kaohe.workbook.sheets import (
    CellError,
    Problem,
    Problems,
    Row,
    WorkbookError,
    choice,
    date,
    open_workbook,
    show,
    text,
    yes_no,
)

UNIT_SHEET = "单位"
CADRE_SHEET = "干部"
GUIDE_SHEET = "说明"

UNIT_REQUIRED = ("单位编码", "单位名称", "单位类别")
UNIT_OPTIONAL = ("上级单位编码",)
# 单位编码 and 职务 must be columns, but may both be blank (no current position).
CADRE_REQUIRED = ("干部编码", "姓名", "单位编码", "职务")
CADRE_OPTIONAL = ("主要负责人", "性别", "出生年月", "任职时间", "离任时间")

UNIT_COLUMNS = (*UNIT_REQUIRED, *UNIT_OPTIONAL)
CADRE_COLUMNS = (
    "干部编码",
    "姓名",
    "性别",
    "出生年月",
    "单位编码",
    "职务",
    "主要负责人",
    "任职时间",
    "离任时间",
)

BATCH = 1000


# --- reading ---------------------------------------------------------------------------------------------


def _bounded(limit: int) -> Callable[[object], str]:
    def parse(value: object) -> str:
        word = text(value)
        if len(word) > limit:
            raise CellError(f"{show(value)}超过{limit}个字")
        return word

    return parse


code_text = _bounded(32)
text_50 = _bounded(50)
text_100 = _bounded(100)
gender_choice = choice(("男", "女"))


def _sane(day: datetime.date, value: object) -> datetime.date:
    if not 1900 <= day.year <= 2100:
        raise CellError(f"{show(value)}不是有效的日期（年份应在1900到2100之间）")
    return day


def month_until(today: datetime.date) -> Callable[[object], datetime.date]:
    """出生年月: any date or month up to ``today``; kept as the first of the month."""

    def parse(value: object) -> datetime.date:
        day = _sane(date(value), value).replace(day=1)
        if day > today:
            raise CellError(f"{show(value)}晚于今天，不是有效的出生年月")
        return day

    return parse


def start_date(value: object) -> datetime.date:
    return _sane(date(value), value)


@dataclass(slots=True)
class UnitRow:
    row: int
    code: str | None
    name: str | None
    category: str | None
    parent: str | None  # a unit's code; None for a top-level unit (or when the column is absent)


@dataclass(slots=True)
class CadreRow:
    row: int
    code: str | None
    name: str | None
    unit: str | None  # with title, both None for a cadre without a current position
    title: str | None
    principal: bool
    gender: str
    birth_month: datetime.date | None
    start: datetime.date | None
    end: datetime.date | None


# A province has ≈5,000 units and 50,000 cadres: four times that, and the rows' XML with room to spare.
ROSTER_LIMITS = Limits(expanded_bytes=512 * 1024 * 1024, sheet_rows=200_000, total_rows=250_000)


@dataclass
class RosterFile:
    units: list[UnitRow]
    cadres: list[CadreRow]
    unit_columns: frozenset[str]  # the optional columns present in each sheet
    cadre_columns: frozenset[str]
    size: int
    digest: str  # of the file, under digest_algorithm (sha256, or sm3 in 国密 mode)
    digest_algorithm: str


def read_roster(data: bytes, problems: Problems, *, max_bytes: int) -> RosterFile | None:
    """The rows of both sheets, each cell parsed; problems are added, not raised.

    A file that cannot be opened raises ``WorkbookError``; None means a sheet or a required column is
    missing, so that checking the rows against each other and the database would mislead.
    """
    with open_workbook(io.BytesIO(data), max_bytes=max_bytes, limits=ROSTER_LIMITS) as book:
        unit_sheet = book.sheet(
            UNIT_SHEET, problems, required=UNIT_REQUIRED, optional=UNIT_OPTIONAL, must_exist=True
        )
        cadre_sheet = book.sheet(
            CADRE_SHEET, problems, required=CADRE_REQUIRED, optional=CADRE_OPTIONAL, must_exist=True
        )
        # A sheet that can be read is, even when the other cannot: its bad cells are listed too.
        units = [_unit_row(row) for row in unit_sheet or ()]
        birth_month = month_until(timezone.localdate())
        cadres = [_cadre_row(row, birth_month) for row in cadre_sheet or ()]
        if unit_sheet is None or cadre_sheet is None:
            return None
        digested = content_digest(data)
        roster = RosterFile(
            units=units,
            cadres=cadres,
            unit_columns=frozenset(unit_sheet.columns) & set(UNIT_OPTIONAL),
            cadre_columns=frozenset(cadre_sheet.columns) & set(CADRE_OPTIONAL),
            size=len(data),
            digest=digested.value,
            digest_algorithm=digested.algorithm,
        )
    if not units and not cadres:
        problems.add("", None, None, None, "文件中没有数据：「单位」和「干部」工作表都只有表头")
    return roster


def _unit_row(row: Row) -> UnitRow:
    return UnitRow(
        row=row.number,
        code=row.get("单位编码", code_text, required=True),
        name=row.get("单位名称", text_100, required=True),
        category=row.get("单位类别", text_50, required=True),
        parent=row.get("上级单位编码", code_text),
    )


def _cadre_row(row: Row, birth_month: Callable[[object], datetime.date]) -> CadreRow:
    # Both blank is a cadre without a current position; one blank is a mistake.
    has_post = row["单位编码"] is not None or row["职务"] is not None
    cadre = CadreRow(
        row=row.number,
        code=row.get("干部编码", code_text, required=True),
        name=row.get("姓名", text_50, required=True),
        unit=row.get("单位编码", code_text),
        title=row.get("职务", text_100),
        principal=row.get("主要负责人", yes_no, default=False),
        gender=row.get("性别", gender_choice, default=""),
        birth_month=row.get("出生年月", birth_month),
        start=row.get("任职时间", start_date),
        end=row.get("离任时间", start_date),
    )
    if has_post:
        for column in ("单位编码", "职务"):
            if row[column] is None:
                row.problem(column, "不能为空（单位编码和职务都留空表示该干部无现任职务）")
        if cadre.end is not None:
            row.problem("离任时间", "填写了单位编码和职务的干部有现任职务，离任时间应留空", row["离任时间"])
    else:
        if cadre.principal:
            row.problem(
                "主要负责人", "无现任职务（单位编码和职务为空）的干部不能是主要负责人", row["主要负责人"]
            )
        if cadre.start is not None:
            row.problem(
                "任职时间",
                "无现任职务（单位编码和职务为空）的干部不填任职时间；免去现任职务的日期请填在「离任时间」",
                row["任职时间"],
            )
    return cadre


# --- what is stored ------------------------------------------------------------------------------------


@dataclass(slots=True)
class StoredUnit:
    id: int
    name: str
    category_id: int
    parent_id: int | None


@dataclass(slots=True)
class StoredCadre:
    id: int
    name: str
    gender: str
    birth_month: datetime.date | None
    current_unit_id: int | None


@dataclass(slots=True)
class StoredPosition:
    id: int
    unit_id: int
    title: str
    principal: bool
    start: datetime.date | None


@dataclass
class Stored:
    """A snapshot of the roster in the database, loaded in a handful of queries."""

    categories: dict[str, int] = field(default_factory=dict)
    units: dict[str, StoredUnit] = field(default_factory=dict)
    unit_codes: dict[int, str] = field(default_factory=dict)
    cadres: dict[str, StoredCadre] = field(default_factory=dict)
    positions: dict[int, StoredPosition] = field(default_factory=dict)  # current, by cadre id

    @classmethod
    def load(cls) -> Stored:
        stored = cls(categories=dict(UnitCategory.objects.values_list("name", "id")))
        for pk, code, name, category_id, parent_id in Unit.objects.values_list(
            "id", "code", "name", "category_id", "parent_id"
        ).iterator(chunk_size=5000):
            stored.units[code] = StoredUnit(pk, name, category_id, parent_id)
            stored.unit_codes[pk] = code
        for pk, code, name, gender, birth, unit_id in Cadre.objects.values_list(
            "id", "code", "name", "gender", "birth_month", "current_unit_id"
        ).iterator(chunk_size=5000):
            stored.cadres[code] = StoredCadre(pk, name, gender, birth, unit_id)
        for pk, cadre_id, unit_id, title, principal, start in (
            Position.objects.filter(end__isnull=True)
            .values_list("id", "cadre_id", "unit_id", "title", "principal", "start")
            .iterator(chunk_size=5000)
        ):
            stored.positions[cadre_id] = StoredPosition(pk, unit_id, title, principal, start)
        return stored

    def parent_code(self, code: str) -> str | None:
        parent_id = self.units[code].parent_id
        return None if parent_id is None else self.unit_codes[parent_id]


# --- checking --------------------------------------------------------------------------------------------


def check_roster(roster: RosterFile, stored: Stored, problems: Problems, *, today: datetime.date) -> None:
    """Add every problem of the rows against each other and against what is stored."""
    unit_rows: dict[str, int] = {}
    for unit in roster.units:
        if unit.code is None:
            continue
        if unit.code in unit_rows:
            problems.add(
                UNIT_SHEET, unit.row, "单位编码", unit.code,
                f"{show(unit.code)}与第{unit_rows[unit.code]}行重复",
            )  # fmt: skip
            continue
        unit_rows[unit.code] = unit.row
        if unit.code in stored.cadres:
            problems.add(
                UNIT_SHEET, unit.row, "单位编码", unit.code,
                f"{show(unit.code)}已是系统中一名干部的编码（单位和干部的编码不能相同）",
            )  # fmt: skip

    def is_unit(code: str) -> bool:
        return code in unit_rows or code in stored.units

    if "上级单位编码" in roster.unit_columns:
        for unit in roster.units:
            if unit.parent is not None and not is_unit(unit.parent):
                problems.add(
                    UNIT_SHEET, unit.row, "上级单位编码", unit.parent,
                    f"{show(unit.parent)}不存在（本文件的「单位」表和系统中都没有这个单位）",
                )  # fmt: skip
        _check_cycles(roster, stored, unit_rows, problems)

    cadre_rows: dict[str, int] = {}
    for cadre in roster.cadres:
        if cadre.code is not None:
            if cadre.code in cadre_rows:
                problems.add(
                    CADRE_SHEET, cadre.row, "干部编码", cadre.code,
                    f"{show(cadre.code)}与第{cadre_rows[cadre.code]}行重复",
                )  # fmt: skip
            elif cadre.code in unit_rows:
                problems.add(
                    CADRE_SHEET, cadre.row, "干部编码", cadre.code,
                    f"{show(cadre.code)}与「单位」表第{unit_rows[cadre.code]}行的单位编码相同"
                    "（单位和干部的编码不能相同）",
                )  # fmt: skip
            elif cadre.code in stored.units:
                problems.add(
                    CADRE_SHEET, cadre.row, "干部编码", cadre.code,
                    f"{show(cadre.code)}已是系统中一个单位的编码（单位和干部的编码不能相同）",
                )  # fmt: skip
            cadre_rows.setdefault(cadre.code, cadre.row)
        if cadre.unit is not None and not is_unit(cadre.unit):
            problems.add(
                CADRE_SHEET, cadre.row, "单位编码", cadre.unit,
                f"{show(cadre.unit)}不存在（本文件的「单位」表和系统中都没有这个单位）",
            )  # fmt: skip
        _check_move(cadre, roster, stored, problems, today)


def _check_move(
    cadre: CadreRow, roster: RosterFile, stored: Stored, problems: Problems, today: datetime.date
) -> None:
    """A move or a 离任 closes the current position: it cannot end before it began."""
    if cadre.code is None or (cadre.unit is None) != (cadre.title is None):
        return
    existing = stored.cadres.get(cadre.code)
    position = stored.positions.get(existing.id) if existing else None
    if position is None:
        return
    if cadre.unit is None:
        _check_end(cadre, roster, stored, position, problems, today)
        return
    if position.start is None:
        return
    if stored.unit_codes[position.unit_id] == cadre.unit and position.title == cadre.title:
        return
    if "任职时间" in roster.cadre_columns and cadre.start is not None:
        if cadre.start < position.start:
            problems.add(
                CADRE_SHEET, cadre.row, "任职时间", cadre.start,
                f"{show(cadre.start)}早于该干部现任职务（{stored.unit_codes[position.unit_id]} {position.title}）"
                f"的任职时间 {position.start.isoformat()}，无法结束现任职务",
            )  # fmt: skip
    elif position.start > today:
        problems.add(
            CADRE_SHEET, cadre.row, "任职时间", None,
            f"该干部现任职务的任职时间 {position.start.isoformat()} 晚于今天，调整职务时请填写新的任职时间",
        )  # fmt: skip


def _check_end(
    cadre: CadreRow,
    roster: RosterFile,
    stored: Stored,
    position: StoredPosition,
    problems: Problems,
    today: datetime.date,
) -> None:
    held = f"{stored.unit_codes[position.unit_id]} {position.title}"
    if cadre.end is None:
        where = "填写离任时间" if "离任时间" in roster.cadre_columns else "添加「离任时间」列并填写"
        problems.add(
            CADRE_SHEET, cadre.row, "离任时间", None,
            f"该干部现任 {held}；单位编码和职务留空表示免去现任职务，请{where}（否则请填写现任单位编码和职务）",
        )  # fmt: skip
    elif cadre.end > today:
        problems.add(
            CADRE_SHEET, cadre.row, "离任时间", cadre.end,
            f"{show(cadre.end)}晚于今天，请在离任后再导入",
        )  # fmt: skip
    elif position.start is not None and cadre.end < position.start:
        problems.add(
            CADRE_SHEET, cadre.row, "离任时间", cadre.end,
            f"{show(cadre.end)}早于该干部现任职务（{held}）的任职时间 {position.start.isoformat()}",
        )  # fmt: skip


def _check_cycles(roster: RosterFile, stored: Stored, unit_rows: dict[str, int], problems: Problems) -> None:
    """Refuse a parent chain that loops, with the stored parents of units not in the file."""
    parents: dict[str, str | None] = {}
    for unit in roster.units:
        if unit.code is not None and unit.code not in parents:
            parents[unit.code] = unit.parent

    def parent_of(code: str) -> str | None:
        if code in parents:
            return parents[code]
        return stored.parent_code(code) if code in stored.units else None

    done: set[str] = set()
    for start in parents:
        path: list[str] = []
        on_path: set[str] = set()
        code: str | None = start
        while code is not None and code not in done:
            if code in on_path:
                loop = path[path.index(code) :]
                chain = " → ".join([*loop, code])
                for member in loop:
                    if member in unit_rows:
                        problems.add(
                            UNIT_SHEET, unit_rows[member], "上级单位编码", parents[member],
                            f"上级单位形成循环：{chain}",
                        )  # fmt: skip
                break
            path.append(code)
            on_path.add(code)
            code = parent_of(code)
        done.update(path)


# --- importing -------------------------------------------------------------------------------------------


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


_SHEET_ORDER = {"": 0, UNIT_SHEET: 1, CADRE_SHEET: 2}
_COLUMN_ORDER = {
    UNIT_SHEET: {name: i for i, name in enumerate(UNIT_COLUMNS)},
    CADRE_SHEET: {name: i for i, name in enumerate(CADRE_COLUMNS)},
}


def sorted_problems(problems: Iterable[Problem]) -> list[Problem]:
    """In the order a person reads the file: sheet, row, then column."""
    return sorted(
        problems,
        key=lambda p: (
            _SHEET_ORDER.get(p.sheet, 9),
            p.row or 0,
            _COLUMN_ORDER.get(p.sheet, {}).get(p.column or "", 99),
        ),
    )


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


# --- writing ---------------------------------------------------------------------------------------------

_HEADER_FONT = Font(bold=True)
_UNIT_WIDTHS = (14, 30, 14, 14)
_CADRE_WIDTHS = (14, 10, 6, 10, 14, 24, 10, 12, 12)


def _sheet(book: XlsxWorkbook, name: str, columns: Iterable[str], widths: Iterable[float]) -> Any:
    sheet = book.create_sheet(name)
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column)
        cell.font = _HEADER_FONT
        header.append(cell)
    append_row(sheet, header)
    return sheet


def _dated(sheet: Any, value: datetime.date | None, number_format: str) -> Any:
    if value is None:
        return None
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell


def _cadre_rows(sheet: Any, unit_codes: dict[int, str]) -> Iterator[list[Any]]:
    positions = {
        cadre_id: (unit_id, title, principal, start)
        for cadre_id, unit_id, title, principal, start in Position.objects.filter(end__isnull=True)
        .values_list("cadre_id", "unit_id", "title", "principal", "start")
        .iterator(chunk_size=5000)
    }
    # For a cadre without a current position, when the last one ended: shown, and read back as unchanged.
    ended = dict(
        Position.objects.filter(end__isnull=False)
        .order_by()
        .values("cadre_id")
        .annotate(last=models.Max("end"))
        .values_list("cadre_id", "last")
    )
    for pk, code, name, gender, birth in (
        Cadre.objects.order_by("code")
        .values_list("id", "code", "name", "gender", "birth_month")
        .iterator(chunk_size=5000)
    ):
        unit_id, title, principal, start = positions.get(pk, (None, None, None, None))
        yield [
            code,
            name,
            gender or None,
            _dated(sheet, birth, "yyyy-mm"),
            unit_codes.get(unit_id) if unit_id else None,
            title,
            None if principal is None else ("是" if principal else "否"),
            _dated(sheet, start, "yyyy-mm-dd"),
            None if unit_id else _dated(sheet, ended.get(pk), "yyyy-mm-dd"),
        ]


def write_roster(target: Any) -> tuple[int, int]:
    """Write the stored roster (current positions) to ``target``, a path or a binary file; streams rows.

    Returns the numbers of units and cadres written.
    """
    book = XlsxWorkbook(write_only=True)
    units = _sheet(book, UNIT_SHEET, UNIT_COLUMNS, _UNIT_WIDTHS)
    cadres = _sheet(book, CADRE_SHEET, CADRE_COLUMNS, _CADRE_WIDTHS)
    unit_codes = dict(Unit.objects.values_list("id", "code"))
    unit_count = cadre_count = 0
    for code, name, category, parent_id in (
        Unit.objects.order_by("code").values_list("code", "name", "category__name", "parent_id").iterator()
    ):
        append_row(units, [code, name, category, unit_codes.get(parent_id) if parent_id else None])
        unit_count += 1
    for row in _cadre_rows(cadres, unit_codes):
        append_row(cadres, row)
        cadre_count += 1
    book.save(target)
    return unit_count, cadre_count


GUIDE = (
    ("单位", "单位编码", "必填", "单位的唯一编码，最长32个字符。单位编码和干部编码不能相同。"),
    ("单位", "单位名称", "必填", "最长100个字。"),
    ("单位", "单位类别", "必填", "如 乡镇街道、党群部门、政府部门；系统中没有的类别会自动新建。"),
    (
        "单位",
        "上级单位编码",
        "选填",
        "上级单位的单位编码，可以是本表中（前后均可）或系统中已有的单位；留空表示没有上级单位。不能形成循环。",
    ),
    ("干部", "干部编码", "必填", "干部的唯一编码，最长32个字符。"),
    ("干部", "姓名", "必填", "最长50个字。"),
    ("干部", "性别", "选填", "男 或 女。"),
    ("干部", "出生年月", "选填", "Excel 日期，或文字如 1980-05、1980-05-01、1980.05、1980年5月。"),
    (
        "干部",
        "单位编码",
        "有现任职务时必填",
        "现任职务所在单位的编码，须在「单位」表或系统中。与职务同时留空表示该干部无现任职务（见下方说明）。",
    ),
    ("干部", "职务", "有现任职务时必填", "现任职务名称，如 党委书记、局长。"),
    ("干部", "主要负责人", "选填", "是 或 否（也可填 Y、N）；留空表示否。"),
    (
        "干部",
        "任职时间",
        "选填",
        "现任职务的任职时间，格式同出生年月。调整单位或职务时，原职务以此日期结束（留空则以导入当天结束）。",
    ),
    (
        "干部",
        "离任时间",
        "选填",
        "免去现任职务（退休、免职、调出等）的日期，格式同出生年月，不能晚于今天；此时单位编码、职务、任职时间留空。"
        "已无现任职务的干部，导出时此列为最近一次离任的日期，再导入时不会修改。",
    ),
)

GUIDE_NOTES = (
    "本模板用于导入单位和干部名册。工作表「单位」和「干部」必须保留，列按表头文字识别，顺序不限，多余的列会被忽略，空行会被跳过。",
    "再次导入时按编码更新：编码已存在的单位或干部会被更新，不存在的会被新建，文件中没有的不会被删除。",
    "干部的单位编码或职务与系统中不同时，视为职务调整：原职务结束并保留在任职经历中，新职务开始。",
    "干部的单位编码和职务都留空，表示该干部无现任职务。该干部在系统中仍有现任职务时，必须填写离任时间才会免去现任职务"
    "（原职务以离任时间结束并保留在任职经历中），以免误留空单元格而结束职务；新干部可以这样导入而不任职。",
    "选填列如果整列不存在，系统中的原值保持不变；如果该列存在而单元格为空，则清空原值。",
    "文件中只要有一处错误，整个文件都不会导入，并列出所有问题（工作表、行号、列、值）。",
)


def write_template(target: Any) -> None:
    """An empty roster workbook with a first sheet 说明 explaining every column."""
    book = XlsxWorkbook(write_only=True)
    guide = _sheet(book, GUIDE_SHEET, ("工作表", "列名", "是否必填", "格式与说明"), (10, 14, 10, 90))
    wrap = Alignment(wrap_text=True, vertical="top")
    for line in (*GUIDE, ()):
        guide.append(list(line))
    for note in GUIDE_NOTES:
        cell = WriteOnlyCell(guide, value=note)
        cell.alignment = wrap
        guide.append([None, None, None, cell])
    _sheet(book, UNIT_SHEET, UNIT_COLUMNS, _UNIT_WIDTHS)
    _sheet(book, CADRE_SHEET, CADRE_COLUMNS, _CADRE_WIDTHS)
    book.save(target)

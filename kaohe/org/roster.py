"""The roster (名册) as xlsx, read: the 单位 and 干部 sheets read into plain rows and checked.

Import is all or nothing. The file is read into plain rows (``read_roster``), checked against itself and
against a snapshot of the database (``Stored.load``, ``check_roster``); every problem is named by sheet, row,
column and value, in the order a person reads the file (``sorted_problems``). Only when no problem at all
was found does ``org.actions.roster_import`` write it, in one transaction. Re-importing updates by code.
The roster written back as xlsx (export, template) is ``org.roster_writer``.

An optional column that is absent from a sheet leaves the stored value alone; a column that is present
is the truth, so a blank cell there clears the value (a blank 主要负责人 means 否).

A cadre row with both 单位编码 and 职务 blank is a cadre without a current position (retired, removed,
or not yet appointed). It ends a position still held only with a 离任时间, so that a cell left blank by
mistake ends nobody's post; for a cadre without a current position, 离任时间 is left alone.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils import timezone

from kaohe.crypto.configured import content_digest
from kaohe.org.models import Cadre, Position, Unit, UnitCategory
from kaohe.workbook.archive import Limits
from kaohe.workbook.sheets import (
    CellError,
    Problem,
    Problems,
    Row,
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

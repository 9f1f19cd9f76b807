"""Reading workbook sheets (.xlsx, .ods, .xls) as plain rows, and collecting every problem found in them.

No Django here: the batch command, the web import and the roster import all read through this module.

    problems = Problems()
    with open_workbook(path_or_file) as book:
        sheet = book.sheet("单位", problems, required=("单位编码", "单位名称"), optional=("先进单位",))
        for row in sheet or ():
            code = row.get("单位编码", required=True)
            advanced = row.get("先进单位", yes_no, default=False)
    problems.check()  # raises WorkbookError listing all of them

Columns are found by their header text in row 1, in any order; extra columns are ignored and blank rows
skipped. A parser turns one non-blank cell into a value or raises ``CellError`` with a Chinese message;
``Row.get`` records that message as a ``Problem`` naming the sheet, row, column and value, and returns the
default, so reading goes on and every problem is reported at once.

The public API:
- ``open_workbook(path_or_file, max_bytes=MAX_BYTES) -> Workbook`` refuses a file that is missing, empty,
  too big or not a workbook (.xlsx, .ods, .xls: Excel, WPS and LibreOffice save them), raising
  ``WorkbookError`` with one Chinese problem.
- ``Workbook.sheet(name, problems, required=, optional=, must_exist=False) -> Sheet | None``; ``has(name)``;
  ``sheet_names``. None means missing (a problem only if ``must_exist``) or lacking a required column.
- ``Sheet``: iterate for ``Row``s (once); ``tuples(columns)`` is the fast path for sheets of millions of
  rows; ``problem(row, column, message, value)``.
- ``Row``: ``number`` (as Excel shows it), ``row[column]`` (raw cell, None when blank), ``as_dict()``,
  ``get(column, parse=text, required=False, default=None)``, ``problem(column, message, value)``.
- ``Problem(sheet, row, column, value, message)``, ``Problems`` (``add``, ``check``, iterable),
  ``WorkbookError(problems)``, ``CellError(message)``.
- Parsers, each from one non-blank cell: ``text``, ``yes_no``, ``decimal``, ``score`` (0–100), ``positive``,
  ``non_negative``, ``integer``, ``year``, ``ratio`` ("20%", 0.2 and 20 alike), ``threshold`` (also "2/3",
  exact ``Fraction``), ``date`` (Excel dates, 2019-05, 2019-05-01, 2019.05, 2019年5月); factories
  ``choice(options)`` and ``pairs(parse_value, names)`` for ``名=值,名=值``; ``show(value)`` quotes a value
  as 「…」 for messages.

python-calamine reads the files: on the province benchmark (bench/assess_province.py) it reads the
1.5-million-row ballot sheet more than ten times faster than openpyxl's read-only mode.
"""

from __future__ import annotations

import datetime
import io
import operator
import os
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import IO, Any, NoReturn, TypeVar
from xml.parsers import expat

import python_calamine

from kaohe.workbook.archive import Limits, Scan, TooLarge, is_ods, scan, scan_ods
from kaohe.workbook.archive import column_letters as archive_column_letters
from kaohe.workbook.biff import CFB_SIGNATURE, NotBiff8, scan_xls

T = TypeVar("T")

MAX_BYTES = 200 * 1024 * 1024
# What a workbook may inflate to, well above a province (≈5,000 units, 50,000 cadres, 1.5 M ballot marks in
# 29 MB that inflate to about 400 MB); each import may pass its own, smaller Limits.
LIMITS = Limits(expanded_bytes=2 * 1024**3, sheet_rows=1_048_576, total_rows=6_000_000)
# Workbooks as people have them: what Excel, WPS and LibreOffice save (the format is told by the bytes).
FORMATS = ".xlsx、.xls、.ods"
NOT_A_WORKBOOK = f"不是 Excel 或 WPS/LibreOffice 工作簿（{FORMATS}）文件"
MAX_PROBLEMS = 500  # kept and shown; the rest are counted
YES = ("是", "Y")
NO = ("否", "N")


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a workbook. ``row`` is the row number as Excel shows it."""

    sheet: str
    row: int | None
    column: str | None
    value: object
    message: str

    def __str__(self) -> str:
        place = self.sheet
        if self.row is not None:
            place += f" 第{self.row}行"
        if self.column:
            place += f" {self.column}"
        return f"{place.strip()}: {self.message}" if place.strip() else self.message

    def as_row(self) -> dict[str, Any]:
        """The problem as a page's table row (and a job's stored outcome) shows it."""
        value = "" if self.value is None else text(self.value)
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": value,
            "message": self.message,
        }


class WorkbookError(Exception):
    """A workbook that cannot be used; ``problems`` lists what is wrong with it, the first ``MAX_PROBLEMS``
    of ``total`` (a hostile file may hold millions; the command line and the job page show the count)."""

    def __init__(self, problems: Iterable[Problem], total: int | None = None) -> None:
        found = list(problems)
        self.total = max(total or 0, len(found))
        self.problems = found[:MAX_PROBLEMS]
        lines = [str(p) for p in self.problems]
        if self.more:
            lines.append(self.more)
        super().__init__("\n".join(lines))

    def job_outcome(self) -> dict[str, Any]:
        """What a job page shows: the first problems as rows and how many there were in all."""
        return {"problems": [problem.as_row() for problem in self.problems], "problem_total": self.total}

    @property
    def more(self) -> str:
        """A line saying how many problems are not listed, or ""."""
        hidden = self.total - len(self.problems)
        return f"……共 {self.total:,} 个问题，仅列出前 {len(self.problems):,} 个" if hidden > 0 else ""


class CellError(ValueError):
    """Raised by a parser with a Chinese message that names the value, e.g. 「abc」不是数字."""


class Problems:
    """Collects problems while reading; ``check()`` raises them all together."""

    def __init__(self) -> None:
        self.items: list[Problem] = []  # the first MAX_PROBLEMS
        self.total = 0

    def add(self, sheet: str, row: int | None, column: str | None, value: object, message: str) -> None:
        self.total += 1
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(Problem(sheet, row, column, value, message))

    def check(self) -> None:
        if self.items:
            raise WorkbookError(self.items, self.total)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)


# --- cells ---------------------------------------------------------------------------------------------


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def show(value: object) -> str:
    """A cell value as a user typed it, in 「」 for messages."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, float):
        value = _float_decimal(value)
    elif isinstance(value, datetime.datetime) and value.time() == datetime.time():
        value = value.date()
    text = str(value).strip()
    if len(text) > 40:
        text = text[:40] + "…"
    return f"「{text}」"


def _float_decimal(value: float) -> Decimal:
    # Excel keeps 15 significant digits; this turns 0.30000000000000004 back into the 0.3 it displays.
    return Decimal(format(value, ".15g"))


def text(value: object) -> str:
    """Any cell as text; a whole number typed as a number (codes like 1001) loses its ".0"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()
    return str(value).strip()


def yes_no(value: object) -> bool:
    """是/否 columns: 是, 否, Y, N (blank means 否: pass ``default=False`` to ``Row.get``)."""
    if isinstance(value, bool):
        return value
    word = text(value).upper()
    if word in YES:
        return True
    if word in NO:
        return False
    raise CellError(f"{show(value)}不是有效的选项（是、否）")


def decimal(value: object) -> Decimal:
    if isinstance(value, bool):
        raise CellError(f"{show(value)}不是数字")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        number = _float_decimal(value)
    else:
        raw = text(value).replace(",", "").replace("，", "")
        try:
            number = Decimal(raw)
        except InvalidOperation:
            raise CellError(f"{show(value)}不是数字") from None
    if not number.is_finite():
        raise CellError(f"{show(value)}不是数字")
    return number


def score(value: object) -> Decimal:
    """A score from 0 to 100."""
    number = decimal(value)
    if not 0 <= number <= 100:
        raise CellError(f"{show(value)}不在0到100之间")
    return number


def positive(value: object) -> Decimal:
    number = decimal(value)
    if number <= 0:
        raise CellError(f"{show(value)}应大于0")
    return number


def non_negative(value: object) -> Decimal:
    number = decimal(value)
    if number < 0:
        raise CellError(f"{show(value)}不能为负数")
    return number


def integer(value: object) -> int:
    """A whole number of zero or more (a count)."""
    number = decimal(value)
    if number != number.to_integral_value() or number < 0:
        raise CellError(f"{show(value)}不是非负整数")
    return int(number)


def year(value: object) -> int:
    try:
        number = decimal(text(value).removesuffix("年"))
    except CellError:
        number = Decimal(-1)
    if number != number.to_integral_value() or not 1900 <= number <= 2200:
        raise CellError(f"{show(value)}不是有效的年度")
    return int(number)


def ratio(value: object) -> Decimal:
    """A ratio from 0 to 1: "20%", 0.2 and 20 all mean one fifth; a number above 1 is a percentage."""
    raw = text(value) if isinstance(value, str) else value
    if isinstance(raw, str) and raw.endswith(("%", "％")):
        number = decimal(raw[:-1]) / 100
    else:
        number = decimal(raw)
        if number > 1:
            number /= 100
    if number < 0:
        raise CellError(f"{show(value)}不能为负数")
    if number > 1:
        raise CellError(f"{show(value)}超过100%")
    return number


def threshold(value: object) -> Fraction:
    """A ratio kept exact: "2/3", "20%", 0.2 or 20."""
    raw = text(value)
    if "/" in raw:
        top, _, bottom = raw.partition("/")
        try:
            fraction = Fraction(int(top.strip()), int(bottom.strip()))
        except (ValueError, ZeroDivisionError):
            raise CellError(f"{show(value)}不是有效的比例（如 2/3 或 20%）") from None
        if not 0 <= fraction <= 1:
            raise CellError(f"{show(value)}应在0到100%之间")
        return fraction
    try:
        return Fraction(ratio(value))
    except CellError as error:
        if "不是数字" in str(error):
            raise CellError(f"{show(value)}不是有效的比例（如 2/3 或 20%）") from None
        raise


def choice(options: Iterable[str]) -> Callable[[object], str]:
    """A parser that accepts one of ``options`` exactly."""
    allowed = tuple(options)

    def parse(value: object) -> str:
        word = text(value)
        if word not in allowed:
            raise CellError(f"{show(value)}不是有效的选项（{'、'.join(allowed)}）")
        return word

    return parse


_PAIR_SEPARATORS = re.compile(r"[,，、;；\n]")


def pairs(
    parse_value: Callable[[object], T], names: Sequence[str] | None = None
) -> Callable[[object], dict[str, T]]:
    """A parser for ``名=值,名=值`` lists, e.g. 上级=30,同级=30,下级=40; ``names`` restricts the names."""

    def parse(value: object) -> dict[str, T]:
        found: dict[str, T] = {}
        for part in _PAIR_SEPARATORS.split(text(value)):
            if not part.strip():
                continue
            name, equals, raw = part.replace("＝", "=").partition("=")
            name = name.strip()
            if not equals or not name or not raw.strip():
                raise CellError(f"{show(part)}应写成「名=值」，多项用逗号分隔")
            if names is not None and name not in names:
                raise CellError(f"{show(name)}不是有效的名称（{'、'.join(names)}）")
            if name in found:
                raise CellError(f"{show(name)}重复")
            try:
                found[name] = parse_value(raw.strip())
            except CellError as error:
                raise CellError(f"{name}: {error}") from None
        if not found:
            raise CellError(f"{show(value)}应写成「名=值」，多项用逗号分隔")
        return found

    return parse


_DATE = re.compile(r"(\d{4})\s*[-./年]\s*(\d{1,2})\s*(?:月\s*)?(?:[-./]?\s*(\d{1,2})\s*日?)?")


def date(value: object) -> datetime.date:
    """An Excel date, or text like 2019-05, 2019-05-01, 2019.05, 2019/5/1, 2019年5月 (a month means its 1st)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    raw = text(value)
    match = _DATE.fullmatch(raw)
    if match:
        year_, month, day = match.groups()
        try:
            return datetime.date(int(year_), int(month), int(day or 1))
        except ValueError:
            pass
    raise CellError(f"{show(value)}不是有效的日期（如 2019-05-01、2019.05、2019年5月）")


# --- workbooks, sheets and rows ------------------------------------------------------------------------


def _header(value: object) -> str:
    return "" if is_blank(value) else text(value).replace("（", "(").replace("）", ")").replace(" ", "")


class Row:
    """One non-blank data row: cells by column name, the Excel row ``number``, and a way to report."""

    __slots__ = ("sheet", "number", "_cells", "_index", "_problems")

    def __init__(
        self, sheet: str, number: int, cells: Sequence[object], index: Mapping[str, int], problems: Problems
    ) -> None:
        self.sheet = sheet
        self.number = number
        self._cells = cells
        self._index = index
        self._problems = problems

    def __getitem__(self, column: str) -> object:
        """The raw cell, or None when blank or when the sheet has no such column."""
        position = self._index.get(column)
        if position is None or position >= len(self._cells):
            return None
        value = self._cells[position]
        return None if is_blank(value) else value

    def as_dict(self) -> dict[str, object]:
        return {column: self[column] for column in self._index}

    def get(
        self,
        column: str,
        parse: Callable[[object], Any] = text,
        *,
        required: bool = False,
        default: Any = None,
    ) -> Any:
        """The parsed cell; on a blank or bad cell, records the problem and returns ``default``."""
        value = self[column]
        if value is None:
            if required:
                self.problem(column, "不能为空", value)
            return default
        try:
            return parse(value)
        except CellError as error:
            self.problem(column, str(error), value)
            return default

    def problem(self, column: str | None, message: str, value: object = None) -> None:
        self._problems.add(self.sheet, self.number, column, value, message)


class Sheet:
    """The rows of one sheet, with the columns found in row 1."""

    def __init__(self, name: str, rows: Iterator[list[Any]], index: dict[str, int], problems: Problems):
        self.name = name
        self.index = index
        self._rows = rows
        self._problems = problems

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(self.index)

    def __iter__(self) -> Iterator[Row]:
        positions = tuple(self.index.values())
        width = max(positions, default=-1) + 1
        for number, cells in enumerate(self._rows, start=2):
            if len(cells) < width:
                cells = list(cells) + [None] * (width - len(cells))
            if all(is_blank(cells[p]) for p in positions):
                continue
            yield Row(self.name, number, cells, self.index, self._problems)

    def tuples(self, columns: Sequence[str]) -> Iterator[tuple[int, tuple[Any, ...]]]:
        """The fast path for long sheets: (row number, cells of ``columns`` in that order).

        Cells are as read, except that an empty cell or a missing column is None; rows with all of
        ``columns`` blank are skipped. A cell of only spaces is passed on as it is. Report with ``problem``.
        """
        found = [self.index.get(c) for c in columns]
        positions = [p for p in found if p is not None]
        width = max(positions, default=-1) + 1
        pick: Callable[[Sequence[Any]], tuple[Any, ...]]
        if len(positions) == len(found) > 1:
            pick = operator.itemgetter(*positions)
        else:  # a missing column reads as an empty one
            pick = lambda cells: tuple(None if p is None else cells[p] for p in found)  # noqa: E731
        for number, cells in enumerate(self._rows, start=2):
            if len(cells) < width:
                cells = list(cells) + [None] * (width - len(cells))
            picked = pick(cells)
            if "" in picked or None in picked:
                picked = tuple(None if is_blank(v) else v for v in picked)
                if picked.count(None) == len(picked):
                    continue
            yield number, picked

    def problem(self, row: int | None, column: str | None, message: str, value: object = None) -> None:
        self._problems.add(self.name, row, column, value, message)


class Workbook:
    """An open workbook. Use ``open_workbook``."""

    def __init__(self, book: python_calamine.CalamineWorkbook, found: Scan | None = None) -> None:
        self._book = book
        self._scan = found or Scan()
        self.sheet_names: list[str] = [name.strip() for name in book.sheet_names]
        self._names = dict(zip(self.sheet_names, book.sheet_names, strict=True))

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            self._book.close()
        except python_calamine.WorkbookClosed:
            pass

    def has(self, name: str) -> bool:
        return name in self._names

    def sheet(
        self,
        name: str,
        problems: Problems,
        *,
        required: Sequence[str],
        optional: Sequence[str] = (),
        must_exist: bool = False,
    ) -> Sheet | None:
        """The sheet with its columns, or None when it is missing or lacks a required column.

        A missing sheet is a problem only when ``must_exist``; missing required columns always are, except
        in a sheet that is entirely empty and need not exist.
        """
        if name not in self._names:
            if must_exist:
                problems.add("", None, None, name, f"缺少工作表「{name}」")
            return None
        raw = self._book.get_sheet_by_name(self._names[name])
        start = raw.start
        if start is None and not must_exist:
            return None  # an optional sheet left entirely empty, headers and all, is as good as absent
        rows: Iterator[list[Any]] = raw.iter_rows()
        header: list[object] = []
        if start is not None and start[0] == 0:
            header = [None] * start[1] + list(next(rows, []))
            # iter_rows starts at the first non-empty column; pad so cells line up with the header
            if start[1]:
                rows = ([None] * start[1] + r for r in rows)
        index: dict[str, int] = {}
        for position, cell in enumerate(header):
            column = _header(cell)
            if column in (*required, *optional):
                if column in index:
                    problems.add(name, 1, None, column, f"列「{column}」重复")
                else:
                    index[column] = position
        missing = [column for column in required if column not in index]
        for column in missing:
            problems.add(name, 1, None, column, f"缺少列「{column}」")
        if missing:
            return None
        self._refuse_formulas(name, index, problems)
        return Sheet(name, rows, index, problems)

    def _refuse_formulas(self, name: str, index: dict[str, int], problems: Problems) -> None:
        """A formula in a column the import reads: the file holds only its last cached value, which need
        not be what Excel shows. Formulas in other columns (a clerk's 合计) are ignored."""
        formulas = self._scan.formulas.get(name, {})
        counts = self._scan.formula_counts.get(name, {})
        for column, position in index.items():
            letters = archive_column_letters(position + 1)
            rows = formulas.get(letters, [])
            for row in rows:
                problems.add(
                    name, row, column, None, f"单元格 {letters}{row} 是公式，导入不读公式，请粘贴为数值"
                )
            hidden = counts.get(letters, 0) - len(rows)
            if hidden > 0:
                problems.add(
                    name, None, column, None, f"{letters} 列另有 {hidden:,} 个公式单元格，请粘贴为数值"
                )


def open_workbook(
    source: str | os.PathLike[str] | IO[bytes], *, max_bytes: int = MAX_BYTES, limits: Limits = LIMITS
) -> Workbook:
    """Open a workbook (.xlsx, .ods or .xls) from a path or a binary file object; refuse anything else with
    a WorkbookError.

    The file is inflated once within ``limits`` (archive.scan, archive.scan_ods, biff.scan_xls) before the
    reader loads it."""
    if isinstance(source, str | os.PathLike):
        try:
            size = os.path.getsize(source)
        except OSError:
            raise WorkbookError([Problem("", None, None, str(source), f"找不到文件「{source}」")]) from None
        if size > max_bytes:
            _refuse(too_big_message(size, max_bytes))
        with open(source, "rb") as file:
            data = file.read()
    else:
        data = source.read(max_bytes + 1)
        if len(data) > max_bytes:
            _refuse(too_big_message(len(data), max_bytes))
    if not data:
        _refuse("文件为空")
    found = _scan(data, limits)
    try:
        return Workbook(python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)), found)
    except python_calamine.CalamineError as error:
        _refuse(f"无法读取工作簿，文件可能已损坏（{error}）")


def _scan(data: bytes, limits: Limits) -> Scan:
    """What the file is, by its bytes whatever its name says (.xlsx, .ods or .xls), inflated within
    ``limits`` before the reader is let near it."""
    if data.startswith(CFB_SIGNATURE):
        try:
            return scan_xls(data, limits)
        except (TooLarge, NotBiff8) as error:
            _refuse(str(error))
    if not data.startswith(b"PK"):
        _refuse(NOT_A_WORKBOOK)
    buffer = io.BytesIO(data)
    try:
        with zipfile.ZipFile(buffer) as archive:
            names = set(archive.namelist())
            xlsx = "xl/workbook.xml" in names
            ods = not xlsx and "content.xml" in names and is_ods(archive)
            # The reader tries xlsx, xlsb and ods in turn: a file holding another format's parts beside the
            # one scanned could be read as the one that was not.
            mixed = "xl/workbook.bin" in names or (ods and any(name.startswith("xl/") for name in names))
            is_workbook = (xlsx or ods) and not mixed
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError):
        is_workbook = ods = False
    if not is_workbook:
        _refuse(f"{NOT_A_WORKBOOK}，或文件已损坏")
    buffer.seek(0)
    try:
        return scan_ods(buffer, limits) if ods else scan(buffer, limits)
    except TooLarge as error:
        _refuse(str(error))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, expat.ExpatError):
        _refuse(f"{NOT_A_WORKBOOK}，或文件已损坏")


def too_big_message(size: int, max_bytes: int) -> str:
    return f"文件过大（{size / 1048576:.1f} MB），上限为 {max_bytes / 1048576:.0f} MB"


def _refuse(message: str) -> NoReturn:
    raise WorkbookError([Problem("", None, None, None, message)])

"""A first look inside an uploaded xlsx or ods before the fast reader loads it: sizes, rows and formulas.

An xlsx is a zip of XML. A few hundred KB can inflate to gigabytes (500,000 identical rows compress to
almost nothing), and the sizes the archive declares can lie. ``scan`` inflates every member in 1 MB
chunks, counting the bytes that actually come out and the rows of every sheet, and stops at the first
limit passed, so memory stays bounded whatever the file. python-calamine only reads the file afterwards.

The reader builds every cell of the rectangle from A1 to the farthest cell (a sheet with cells at A1 and
XFD1048576 is 17 billion cells from a 1.5 KB file), so ``scan`` also finds the used range while it
inflates, from the cells themselves (``<dimension ref>`` is the file's own claim): the farthest row and
column of every ``<row r>`` and ``<c r>``, and refuses a rectangle past the limits as ``scan_ods`` and
``biff`` do. Written by Excel, WPS, LibreOffice or a library, every row and cell names its place (``<row
r="7">``, ``<c r="B7">``, rows ascending): then a chunk costs a few searches at C speed. A sheet where one
does not (or with prefixed tags, quotes of another kind) is read again, placing every cell the way calamine
does: by byte searches where no tag names its place, tag by tag (a regex) where some do, with expat where a
comment or CDATA could hide a tag.

It also notes the cells holding a formula (``<f>``): the file keeps only the value last computed, which
need not be what Excel shows after recalculating (``<f>"显示"&"名称"</f><v>伪造</v>``), and calamine
cannot tell them apart. A sheet without ``<f`` costs a byte search; only a sheet with one is parsed.

An OpenDocument spreadsheet (.ods, LibreOffice's and WPS's own) is a zip too, every sheet in one
``content.xml``; ``scan_ods`` parses it while inflating it. There a row or cell may say it repeats a
million times (``table:number-rows-repeated``), and the reader builds every cell of the rectangle up to the
last one with a value, so the rows counted are up to the last row holding a value, repeats included,
and the rectangle's cells count against the inflated bytes at ``CELL_BYTES`` each. A cell with
``table:formula`` is a formula, its cached value what the reader would take.

No Django here.
"""

from __future__ import annotations

import functools
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from posixpath import dirname, join, normpath
from typing import IO
from xml.etree import ElementTree
from xml.parsers import expat

CHUNK = 1024 * 1024
FORMULAS_KEPT = 50  # per column of a sheet: enough to name them, bounded for a hostile file
_ROW = (b"<row ", b"<row>", b"<row/", b":row ", b":row>")
# A formula cell: <f>, or <x:f> (looked for only where ":f" is, a search at memchr speed).
_FORMULA = re.compile(rb"<f[\s>/]")
_PREFIXED_FORMULA = re.compile(rb"<\w+:f[\s>/]")
_CELL_REFERENCE = re.compile(r"([A-Z]+)(\d+)")
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
# What one cell of the rectangle a reader builds costs in memory: counted against ``expanded_bytes``.
CELL_BYTES = 32


@dataclass(frozen=True)
class Limits:
    """What one import accepts: inflated bytes of the whole file, rows of one sheet, rows of all sheets."""

    expanded_bytes: int
    sheet_rows: int
    total_rows: int


class TooLarge(ValueError):
    """A limit passed, or an archive that lies about itself; the message is Chinese and names the limit."""


# A prefixed row or cell tag (<x:c>): the sheet is read again, exactly. ``:c`` and ``:row`` are searched
# first, at memchr speed.
_PREFIXED = re.compile(rb"<\w+:(?:c|row)[\s>/]")
# For a sheet read again: every row and cell tag, opening or closing; an attribute r (not x:r), quoted either way.
_TAG = re.compile(rb"<(/?)(?:[\w.-]+:)?(c|row)(?=[\s>/])([^>]*)>")
_R_ATTRIBUTE = re.compile(rb"""\sr\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ODD = re.compile(rb'<(?:c|row)(?=[\s>/])(?! r=")')
_ROW_REFERENCE = re.compile(rb'<row r="(\d+)"')
_CELL_PLACE = re.compile(rb'<c r="([A-Za-z]+)(\d+)"')
_TAIL_KEPT = 64 * 1024  # a tag longer than this (no writer makes one) sends the sheet to the exact reading
_REFERENCE = re.compile(r"([A-Za-z]{1,3})([1-9]\d{0,6})")


@dataclass
class Scan:
    rows: dict[str, int] = field(default_factory=dict)  # sheet name → rows in its XML
    # sheet name → column letters → row numbers of formula cells (the first FORMULAS_KEPT) and their count
    formulas: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    formula_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    expanded_bytes: int = 0


def scan(file: IO[bytes], limits: Limits) -> Scan:
    """Inflate every member of the zip ``file`` within ``limits``; raises ``TooLarge`` or ``zipfile.BadZipFile``."""
    result = Scan()
    with zipfile.ZipFile(file) as archive:
        members = archive.infolist()
        declared = sum(member.file_size for member in members)
        if declared > limits.expanded_bytes:
            raise TooLarge(_too_large(declared, limits))
        sheets = _sheet_paths(archive, limits)
        total_rows = 0
        for member in members:
            sheet = sheets.get(member.filename)
            extent = None if sheet is None else _Extent(sheet, result, limits)
            rows, has_formula = _inflate(archive, member, result, limits, extent=extent)
            if sheet is None or extent is None:
                continue
            if rows > limits.sheet_rows:
                raise TooLarge(f"工作表「{sheet}」超过 {limits.sheet_rows:,} 行，超出本导入的上限")
            if extent.irregular:
                extent.reread(archive, member)
            extent.count()
            total_rows += rows
            if total_rows > limits.total_rows:
                raise TooLarge(f"工作簿共超过 {limits.total_rows:,} 行，超出本导入的上限")
            result.rows[sheet] = rows
            if has_formula:
                result.formulas[sheet], result.formula_counts[sheet] = _formula_cells(archive, member)
    return result


def check_grid(result: Scan, sheet: str, rows: int, columns: int, limits: Limits) -> None:
    """A sheet whose values reach row ``rows`` and column ``columns``: counted, and refused past a limit."""
    if rows > limits.sheet_rows:
        raise TooLarge(f"工作表「{sheet}」超过 {limits.sheet_rows:,} 行，超出本导入的上限")
    result.rows[sheet] = rows
    if sum(result.rows.values()) > limits.total_rows:
        raise TooLarge(f"工作簿共超过 {limits.total_rows:,} 行，超出本导入的上限")
    result.expanded_bytes += rows * columns * CELL_BYTES
    if result.expanded_bytes > limits.expanded_bytes:
        raise TooLarge(_too_large(result.expanded_bytes, limits))


def is_ods(archive: zipfile.ZipFile) -> bool:
    try:
        with archive.open("mimetype") as stream:
            return stream.read(len(ODS_MIMETYPE) + 1).strip() == ODS_MIMETYPE
    except KeyError:
        return False


def scan_ods(file: IO[bytes], limits: Limits) -> Scan:
    """``scan`` for an OpenDocument spreadsheet; raises ``TooLarge``, ``zipfile.BadZipFile`` or
    ``expat.ExpatError``."""
    result = Scan()
    with zipfile.ZipFile(file) as archive:
        members = archive.infolist()
        declared = sum(member.file_size for member in members)
        if declared > limits.expanded_bytes:
            raise TooLarge(_too_large(declared, limits))
        for member in members:
            if member.filename == "content.xml":
                _OdsContent(result, limits).read(archive, member)
            else:
                _inflate(archive, member, result, limits, extent=None)
    return result


class _OdsContent:
    """The sheets of content.xml, parsed as they inflate: rows and columns reached, formula cells."""

    def __init__(self, result: Scan, limits: Limits) -> None:
        self.result, self.limits = result, limits
        self.tables = 0  # depth of table:table elements; a table inside a cell is not a sheet
        self.name = ""
        self.row = self.used_rows = self.used_columns = 0
        self.row_repeat = self.column = self.cell_repeat = 0
        self.row_used = self.in_cell = self.cell_used = self.cell_formula = False
        self.row_formulas: list[int] = []  # columns (1-based) of the formula cells in this row
        self.formulas: dict[str, list[int]] = defaultdict(list)
        self.counts: dict[str, int] = defaultdict(int)

    def read(self, archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        with archive.open(member) as stream:
            while chunk := stream.read(CHUNK):
                self.result.expanded_bytes += len(chunk)
                if self.result.expanded_bytes > self.limits.expanded_bytes:
                    raise TooLarge(_too_large(self.result.expanded_bytes, self.limits))
                parser.Parse(chunk, False)
            parser.Parse(b"", True)

    @staticmethod
    def _repeat(attributes: dict[str, str], name: str) -> int:
        value = attributes.get(f"{_TABLE} {name}", "1")
        return int(value) if value.isdigit() and int(value) > 0 else 1

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if name == f"{_TABLE} table":
            self.tables += 1
            if self.tables == 1:
                self.name = attributes.get(f"{_TABLE} name", "").strip()
                self.row = self.used_rows = self.used_columns = 0
                self.formulas, self.counts = defaultdict(list), defaultdict(int)
            return
        if self.tables != 1:
            return
        if name == f"{_TABLE} table-row":
            self.row_repeat = self._repeat(attributes, "number-rows-repeated")
            self.column, self.row_used, self.row_formulas = 0, False, []
        elif name in (f"{_TABLE} table-cell", f"{_TABLE} covered-table-cell") and not self.in_cell:
            self.in_cell = True
            self.cell_repeat = self._repeat(attributes, "number-columns-repeated")
            self.cell_formula = f"{_TABLE} formula" in attributes
            self.cell_used = self.cell_formula or f"{_OFFICE} value-type" in attributes
        elif self.in_cell:
            self.cell_used = True  # text:p and the like: the cell shows something

    def end(self, name: str) -> None:
        if name == f"{_TABLE} table":
            if self.tables == 1:
                check_grid(self.result, self.name, self.used_rows, self.used_columns, self.limits)
                if self.counts:
                    self.result.formulas[self.name] = dict(self.formulas)
                    self.result.formula_counts[self.name] = dict(self.counts)
            self.tables -= 1
            return
        if self.tables != 1:
            return
        if name in (f"{_TABLE} table-cell", f"{_TABLE} covered-table-cell") and self.in_cell:
            self.in_cell = False
            first = self.column + 1
            self.column += self.cell_repeat
            if self.cell_used:
                self.row_used = True
                self.used_columns = max(self.used_columns, self.column)
                if self.cell_formula:
                    self.row_formulas.extend(range(first, min(self.column, first + FORMULAS_KEPT - 1) + 1))
        elif name == f"{_TABLE} table-row":
            if self.row_used:
                self.used_rows = self.row + self.row_repeat
                if self.used_rows > self.limits.sheet_rows:  # before a million repeats are walked
                    check_grid(self.result, self.name, self.used_rows, self.used_columns, self.limits)
            for number in self.row_formulas:
                letters = column_letters(number)
                self.counts[letters] += self.row_repeat
                kept = self.formulas[letters]
                for row in range(self.row + 1, self.row + self.row_repeat + 1):
                    if len(kept) >= FORMULAS_KEPT:
                        break
                    kept.append(row)
            self.row += self.row_repeat


def _too_large(size: int, limits: Limits) -> str:
    return f"文件解压后过大（超过 {limits.expanded_bytes / 1048576:,.0f} MB），超出本导入的上限"


class _Extent:
    """The used range of one worksheet: the farthest row and column its rows and cells name, refused past
    the limits with the far cell named.

    ``feed`` reads a regular sheet (every row and cell tag opening with ``r="``) at C speed, with two
    searches per chunk: a row past the farthest so far; a cell past the farthest column, or whose row has
    more digits than the farthest row or a greater first digit. Only a chunk where one is found is read
    reference by reference. A cell row of the same length and first digit is not looked for: it is at
    most ``_bound(rows)``, and the rectangle is checked with that bound. A sheet ``feed`` cannot trust
    (``irregular``: a tag without ``r`` first, a prefixed tag, a bound past the limits) is placed cell
    by cell by ``reread``, exactly."""

    def __init__(self, sheet: str, result: Scan, limits: Limits) -> None:
        self.sheet, self.result, self.limits = sheet, result, limits
        self.rows = self.columns = 0
        self.irregular = False

    def feed(self, window: bytes, end: int) -> None:
        """The tags of ``window`` that open before ``end`` (each ends before it)."""
        if self.irregular:
            return
        if (window.find(b":c", 0, end) != -1 or window.find(b":row", 0, end) != -1) and _PREFIXED.search(
            window, 0, end
        ):
            self.irregular = True
            return
        last = window.rfind(b'<row r="', 0, end)
        if last != -1:  # rows ascend: the last one is the farthest, unless the search below finds another
            quote = window.find(b'"', last + 8, end)
            if quote != -1 and window[last + 8 : quote].isdigit():
                self.rows = max(self.rows, int(window[last + 8 : quote]))
        rows, cells = _beyond(self.rows, self.columns)
        found = [pattern.search(window, 0, end) for pattern in (rows, cells)]
        if any(match and match.group("odd") is not None for match in found):
            self.irregular = True
            return
        if any(found):  # the first found need not be the only one: an odd tag may follow
            if _ODD.search(window, 0, end):
                self.irregular = True
                return
            for row in _ROW_REFERENCE.findall(window, 0, end):
                self.rows = max(self.rows, int(row))
            for letters, row in _CELL_PLACE.findall(window, 0, end):
                self.columns = max(self.columns, _column_number(letters.upper().decode()))
                self.rows = max(self.rows, int(row))
        self.check()
        if self._cost(_bound(self.rows)) > self.limits.expanded_bytes:
            self.irregular = True  # the bound is too loose here: place every cell

    def place(self, row: int, column: int) -> None:
        if row > self.rows or column > self.columns:
            self.rows, self.columns = max(self.rows, row), max(self.columns, column)
            self.check()

    def _cost(self, rows: int) -> int:
        return self.result.expanded_bytes + rows * self.columns * CELL_BYTES

    def check(self) -> None:
        if self.rows > self.limits.sheet_rows or self._cost(self.rows) > self.limits.expanded_bytes:
            column = column_letters(max(self.columns, 1))
            raise TooLarge(f"工作表“{self.sheet}”的单元格 {column}{max(self.rows, 1)} 超出可读范围")

    def count(self) -> None:
        """The rectangle the reader will build, counted against the inflated bytes as ``check_grid`` does."""
        rows = self.rows if self.irregular else _bound(self.rows)
        self.check()
        self.result.expanded_bytes += rows * self.columns * CELL_BYTES

    def reread(self, archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
        """Place every cell as calamine does: a row without ``r`` follows the one before, a cell without
        ``r`` the cell before it in its row. The row and cell tags are found by a regex, a chunk at a time;
        a sheet with a comment or CDATA (where a tag may be text) or a tag longer than 64 KB is parsed
        with expat instead, calling Python for every element (several times slower)."""
        if not self._retokenize(archive, member):
            self._parse(archive, member)

    def _retokenize(self, archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
        self.rows = self.columns = 0
        row = column = 0  # calamine's own count, from 0
        rows = columns = 0
        tail = b""
        with archive.open(member) as stream:
            while True:
                chunk = stream.read(CHUNK)
                window = tail + chunk
                end = window.rfind(b"<") if chunk else len(window)
                if end == -1:
                    end = len(window)
                if len(window) - end > _TAIL_KEPT or window.find(b"<!", 0, end) != -1:
                    return False
                if _without_places(window, end):
                    # No tag names its place: rows follow each other, cells each other; counted by "</row>".
                    segments = window[:end].split(b"</row>")
                    counts = [_cell_tags(segment) for segment in segments]
                    counts[0] += column
                    columns = max(columns, *counts)
                    last_segment = segments[-1]
                    if counts[-1] or b"<row" in last_segment:
                        rows = max(rows, row + len(segments))
                    elif len(segments) > 1:
                        rows = max(rows, row + len(segments) - 1)
                    row, column = row + len(segments) - 1, counts[-1]
                    self.place(rows, columns)
                    tail = window[end:]
                    if not chunk:
                        return True
                    continue
                for closing, name, attributes in _TAG.findall(window, 0, end):
                    self_closing = attributes.endswith(b"/")
                    if name == b"row":
                        if not closing:
                            named = _R_ATTRIBUTE.search(attributes)
                            if named:
                                row = self._reference_row((named.group(1) or named.group(2)).decode()) - 1
                            rows = max(rows, row + 1)
                        if closing or self_closing:
                            row, column = row + 1, 0
                    elif not closing:
                        named = _R_ATTRIBUTE.search(attributes)
                        if named:
                            at_row, at_column = self._reference((named.group(1) or named.group(2)).decode())
                            rows, column = max(rows, at_row), at_column - 1
                        else:
                            rows = max(rows, row + 1)
                        column += 1
                        columns = max(columns, column)
                self.place(rows, columns)
                tail = window[end:]
                if not chunk:
                    return True

    def _parse(self, archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
        self.rows = self.columns = 0
        # calamine's own count, from 0: the row a cell without "r" goes to, and its column.
        place = {"row": 0, "column": 0}

        def start(name: str, attributes: dict[str, str]) -> None:
            local = name.rpartition(":")[2]
            if local == "row":
                if "r" in attributes:
                    place["row"] = self._reference_row(attributes["r"]) - 1
                self.place(place["row"] + 1, 0)
            elif local == "c":
                if "r" in attributes:
                    row, column = self._reference(attributes["r"])
                    row, place["column"] = row - 1, column - 1
                else:
                    row = place["row"]
                self.place(row + 1, place["column"] + 1)
                place["column"] += 1

        def end(name: str) -> None:
            if name.rpartition(":")[2] == "row":
                place["row"] += 1
                place["column"] = 0

        parser = expat.ParserCreate()
        parser.StartElementHandler = start
        parser.EndElementHandler = end
        with archive.open(member) as stream:
            while chunk := stream.read(CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)

    def _reference(self, text: str) -> tuple[int, int]:
        match = _REFERENCE.fullmatch(text.strip())
        if match is None:
            raise TooLarge(f"工作表“{self.sheet}”的单元格引用“{text[:20]}”无效")
        return int(match.group(2)), _column_number(match.group(1).upper())

    def _reference_row(self, text: str) -> int:
        if not text.strip().isdigit() or not 0 < int(text) < 10_000_000:
            raise TooLarge(f"工作表“{self.sheet}”的行号“{text[:20]}”无效")
        return int(text)


_R_ANY = re.compile(rb"\sr\s*=")
_SELF_CLOSING_ROW = re.compile(rb"<row(?:\s[^>]*)?/>")


def _without_places(window: bytes, end: int) -> bool:
    """No tag names a place (no attribute r), no prefixed tag, no self-closing row: rows and cells are
    counted with byte searches."""
    return (
        _R_ANY.search(window, 0, end) is None
        and window.find(b":c", 0, end) == -1
        and window.find(b":row", 0, end) == -1
        and _SELF_CLOSING_ROW.search(window, 0, end) is None
    )


def _cell_tags(segment: bytes) -> int:
    return segment.count(b"<c>") + segment.count(b"<c ") + segment.count(b"<c/")


def _bound(rows: int) -> int:
    """The farthest row a cell can name without a search of ``_beyond`` finding it: as many digits as
    ``rows``, the same first digit (199,999 for 150,000; 9 for 0)."""
    text = str(rows)
    return int((int(text[0]) + 1) * 10 ** (len(text) - 1) - 1)


@functools.lru_cache(maxsize=256)
def _beyond(rows: int, columns: int) -> tuple[re.Pattern[bytes], re.Pattern[bytes]]:
    """Two searches, for a row tag and for a cell tag, finding one that is odd (group ``odd``: no
    ``r="`` first: the sheet is then read again, exactly), a row past ``rows``, or a cell past column
    ``columns`` or past ``_bound(rows)``."""
    text = str(rows)
    row = _greater(text, "0123456789")
    column = _greater(column_letters(columns), "ABCDEFGHIJKLMNOPQRSTUVWXYZ") if columns else "[A-Za-z]"
    letters = f"[A-Za-z]{{1,{max(len(column_letters(columns)), 1)}}}+"
    cell_row = f"\\d{{{len(text) + 1}}}"
    if text[0] != "9":
        cell_row += f"|[{int(text[0]) + 1}-9]\\d{{{len(text) - 1}}}"
    return (
        re.compile(f'<row(?: r="{row}"|(?=[\\s>/])(?! r=")(?P<odd>))'.encode()),
        re.compile(f'<c(?: r="(?:{column}|{letters}(?:{cell_row}))|(?=[\\s>/])(?! r=")(?P<odd>))'.encode()),
    )


def _greater(text: str, alphabet: str) -> str:
    """A pattern for the strings of ``alphabet`` (digits, or column letters) past ``text``, in its order:
    longer, or as long and greater at the first place they differ."""
    any_one = "\\d" if alphabet[0] == "0" else "[A-Za-z]"
    options = [f"{any_one}{{{len(text) + 1},}}"]
    for place, character in enumerate(text):
        above = alphabet[alphabet.index(character) + 1 :]
        if not above:
            continue
        if any_one == "\\d":
            higher = f"[{above[0]}-{above[-1]}]"
            prefix = re.escape(text[:place])
        else:
            higher = f"[{above[0]}-{above[-1]}{above[0].lower()}-{above[-1].lower()}]"
            prefix = "".join(f"[{c}{c.lower()}]" for c in text[:place])
        rest = len(text) - place - 1
        options.append(prefix + higher + (f"{any_one}{{{rest}}}" if rest else ""))
    return "(?:" + "|".join(options) + ")"


def _inflate(
    archive: zipfile.ZipFile,
    member: zipfile.ZipInfo,
    result: Scan,
    limits: Limits,
    *,
    extent: _Extent | None,
) -> tuple[int, bool]:
    """Inflate one member chunk by chunk, counting actual bytes (and, in a sheet, its rows, whether it has
    a formula, and its used range)."""
    rows = 0
    has_formula = False
    tail = b""
    # zipfile stops at the declared size and checks the CRC at the end: a member that inflates to more
    # than it declares is refused (BadZipFile) rather than read on.
    with archive.open(member) as stream:
        while chunk := stream.read(CHUNK):
            result.expanded_bytes += len(chunk)
            if result.expanded_bytes > limits.expanded_bytes:
                raise TooLarge(_too_large(result.expanded_bytes, limits))
            if extent is None:
                continue
            # Up to the last "<": every tag opened before it ends before it; the rest waits for the next
            # chunk. A mark is counted once, in the part read.
            window = tail + chunk
            end = window.rfind(b"<")
            if end <= 0 or len(window) - end > _TAIL_KEPT:
                end = len(window)
            rows += sum(window.count(mark, 0, end) for mark in _ROW)
            if rows > limits.sheet_rows:
                return rows, has_formula
            has_formula = has_formula or _has_formula(window, end)
            extent.feed(window, end)
            tail = window[end:]
    if extent is not None and tail:
        rows += sum(tail.count(mark) for mark in _ROW)
        has_formula = has_formula or _has_formula(tail, len(tail))
        extent.feed(tail, len(tail))
    return rows, has_formula


def _has_formula(window: bytes, end: int) -> bool:
    if _FORMULA.search(window, 0, end):
        return True
    return window.find(b":f", 0, end) != -1 and _PREFIXED_FORMULA.search(window, 0, end) is not None


def _sheet_paths(archive: zipfile.ZipFile, limits: Limits) -> dict[str, str]:
    """Zip member → sheet name, from xl/workbook.xml and its relationships."""
    try:
        workbook = _small_xml(archive, "xl/workbook.xml", limits)
        relations = _small_xml(archive, "xl/_rels/workbook.xml.rels", limits)
    except KeyError:
        return {}
    targets = {
        relation.get("Id"): relation.get("Target", "")
        for relation in relations.iter(f"{_NS_PACKAGE_REL}Relationship")
    }
    paths: dict[str, str] = {}
    for sheet in workbook.iter(f"{_NS_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_NS_REL}id"))
        if target:
            path = (
                target.lstrip("/")
                if target.startswith("/")
                else normpath(join(dirname("xl/workbook.xml"), target))
            )
            paths[path] = (sheet.get("name") or "").strip()
    return paths


def _small_xml(archive: zipfile.ZipFile, name: str, limits: Limits) -> ElementTree.Element:
    member = archive.getinfo(name)
    if member.file_size > 16 * 1024 * 1024:
        raise TooLarge(f"工作簿结构文件「{name}」过大")
    with archive.open(member) as stream:
        data = stream.read(16 * 1024 * 1024 + 1)
    if len(data) > 16 * 1024 * 1024:
        raise TooLarge(f"工作簿结构文件「{name}」过大")
    try:
        return ElementTree.fromstring(data)  # noqa: S314  (expat refuses entity expansion attacks)
    except ElementTree.ParseError:
        raise zipfile.BadZipFile(name) from None


def _formula_cells(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo
) -> tuple[dict[str, list[int]], dict[str, int]]:
    """The cells of one sheet that hold a formula, by column letter: their first rows, and how many."""
    kept: dict[str, list[int]] = defaultdict(list)
    counts: dict[str, int] = defaultdict(int)
    # Where the parser is: the row, the column of the current cell (a cell may leave out its "r").
    place = {"row": 0, "column": 0, "in_cell": 0}

    def start(name: str, attributes: dict[str, str]) -> None:
        local = name.rpartition(":")[2]
        if local == "row":
            place["row"] = int(attributes.get("r") or place["row"] + 1)
            place["column"] = 0
        elif local == "c":
            match = _CELL_REFERENCE.fullmatch(attributes.get("r") or "")
            place["column"] = _column_number(match.group(1)) if match else place["column"] + 1
            place["in_cell"] = 1
        elif local == "f" and place["in_cell"]:
            column = column_letters(place["column"])
            counts[column] += 1
            if len(kept[column]) < FORMULAS_KEPT:
                kept[column].append(place["row"])
            place["in_cell"] = 0  # one formula per cell

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    with archive.open(member) as stream:
        while chunk := stream.read(CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    return dict(kept), dict(counts)


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters

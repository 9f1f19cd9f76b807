"""A first look inside an uploaded .xls (Excel 97–2003, BIFF8) before the fast reader loads it: rows,
columns and formulas, as ``archive`` does for xlsx and ods.

An .xls is a compound file (olefile reads its directory and refuses a broken one) whose ``Workbook`` stream
is a run of records: BOUNDSHEET names each sheet and where its records start; a sheet's cell records each
begin with the cell's row and column. A FORMULA record keeps the value last computed, which the reader
would take for the cell (the same forgery as an xlsx's ``<f>`` with a false ``<v>``). The reader builds
every cell of the rectangle up to the last one with a value, so that rectangle is what is counted.

No Django here.
"""

from __future__ import annotations

import io
import struct
from collections import defaultdict
from collections.abc import Iterator

import olefile  # type: ignore[import-untyped]

from kaohe.workbook.archive import FORMULAS_KEPT, Limits, Scan, TooLarge, check_grid, column_letters

CFB_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
BOF, EOF, BOUNDSHEET = 0x0809, 0x000A, 0x0085
FORMULA = 0x0006
# Records of one cell holding a value: (row, column, …)
CELLS = frozenset({FORMULA, 0x0203, 0x027E, 0x00FD, 0x0204, 0x00D6, 0x0205})
MULRK = 0x00BD  # several numbers in a row: (row, first column, …, last column)


class NotBiff8(ValueError):
    """Not an Excel 97–2003 workbook: the message is Chinese."""


def scan_xls(data: bytes, limits: Limits) -> Scan:
    """Raises ``TooLarge`` past a limit, ``NotBiff8`` for a compound file that is not a BIFF8 workbook or
    is broken."""
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            if ole.exists("EncryptedPackage"):
                raise NotBiff8("工作簿设置了打开密码，请取消密码后另存再上传")
            if not ole.exists("Workbook"):
                if ole.exists("Book"):
                    raise NotBiff8("这是 Excel 95 或更早版本的 .xls 文件，请另存为 .xlsx 后再使用")
                raise NotBiff8("不是 Excel 工作簿，或文件已损坏")
            size = ole.get_size("Workbook")
            if size > limits.expanded_bytes:
                raise TooLarge(
                    f"文件解压后过大（超过 {limits.expanded_bytes / 1048576:,.0f} MB），超出本导入的上限"
                )
            stream = ole.openstream("Workbook").read()
    except (NotBiff8, TooLarge):
        raise
    except Exception:  # olefile's refusals of a broken directory take many forms
        raise NotBiff8("不是 Excel 工作簿，或文件已损坏") from None
    result = Scan(expanded_bytes=len(stream))
    for name, offset in _sheets(stream):
        _sheet(stream, offset, name, result, limits)
    return result


def _records(stream: bytes, offset: int) -> Iterator[tuple[int, memoryview]]:
    """(type, body) from ``offset`` to the substream's EOF."""
    end = len(stream)
    while offset + 4 <= end:
        kind, length = struct.unpack_from("<HH", stream, offset)
        body_start = offset + 4
        if body_start + length > end:
            raise NotBiff8("不是 Excel 工作簿，或文件已损坏")
        yield kind, memoryview(stream)[body_start : body_start + length]
        if kind == EOF:
            return
        offset = body_start + length


def _sheets(stream: bytes) -> list[tuple[str, int]]:
    """The worksheets' names and the offsets of their records, from the workbook's globals."""
    found = []
    records = _records(stream, 0)
    first = next(records, None)
    if first is None or first[0] != BOF:
        raise NotBiff8("不是 Excel 工作簿，或文件已损坏")
    for kind, body in records:
        if kind != BOUNDSHEET or len(body) < 8:
            continue
        offset, _state, sheet_type, length, flags = struct.unpack_from("<IBBBB", body)
        if sheet_type != 0:  # charts, macro sheets: no cells to import
            continue
        raw = bytes(body[8 : 8 + length * (2 if flags & 1 else 1)])
        name = raw.decode("utf-16-le" if flags & 1 else "latin-1", errors="replace").strip()
        if not 0 <= offset < len(stream):
            raise NotBiff8("不是 Excel 工作簿，或文件已损坏")
        found.append((name, offset))
    return found


def _sheet(stream: bytes, offset: int, name: str, result: Scan, limits: Limits) -> None:
    rows = columns = 0
    formulas: dict[str, list[int]] = defaultdict(list)
    counts: dict[str, int] = defaultdict(int)
    for kind, body in _records(stream, offset):
        if kind in CELLS and len(body) >= 4:
            row, column = struct.unpack_from("<HH", body)
            last = column
            if kind == FORMULA:
                letters = column_letters(column + 1)
                counts[letters] += 1
                if len(formulas[letters]) < FORMULAS_KEPT:
                    formulas[letters].append(row + 1)
        elif kind == MULRK and len(body) >= 6:
            row, column = struct.unpack_from("<HH", body)
            (last,) = struct.unpack_from("<H", body, len(body) - 2)
        else:
            continue
        rows, columns = max(rows, row + 1), max(columns, last + 1)
    check_grid(result, name, rows, columns, limits)
    if counts:
        result.formulas[name], result.formula_counts[name] = dict(formulas), dict(counts)

"""Hostile xlsx files, written byte by byte: rows repeated by the hundred thousand, sizes that lie,
formulas with a forged cached value. Small to store, fast to make."""

from __future__ import annotations

import io
import re
import struct
import zipfile
from collections.abc import Iterable, Sequence

_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    "{sheets}</Types>"
)
_SHEET_TYPE = (
    '<Override PartName="/xl/worksheets/sheet{n}.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _cell(reference: str, value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple):  # (formula, cached value)
        formula, cached = value
        return f'<c r="{reference}" t="str"><f>{_escape(formula)}</f><v>{_escape(cached)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{reference}"><v>{value}</v></c>'
    return f'<c r="{reference}" t="inlineStr"><is><t>{_escape(value)}</t></is></c>'


def _escape(value: object) -> str:
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def row_xml(number: int, cells: Sequence[object]) -> str:
    body = "".join(_cell(f"{_letters(i)}{number}", value) for i, value in enumerate(cells, start=1))
    return f'<row r="{number}">{body}</row>'


def book(sheets: dict[str, Iterable[str | Sequence[object]]]) -> bytes:
    """An xlsx of ``sheets``: each a list of rows (cell values, or (formula, cached) pairs), or row XML."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        names = list(sheets)
        archive.writestr(
            "[Content_Types].xml",
            _TYPES.format(sheets="".join(_SHEET_TYPE.format(n=n) for n in range(1, len(names) + 1))),
        )
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
            + "".join(
                f'<sheet name="{name}" sheetId="{n}" r:id="rId{n}"/>' for n, name in enumerate(names, 1)
            )
            + "</sheets></workbook>",
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(
                f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
                for n in range(1, len(names) + 1)
            )
            + "</Relationships>",
        )
        for n, name in enumerate(names, start=1):
            with archive.open(f"xl/worksheets/sheet{n}.xml", "w") as sheet:
                sheet.write(
                    f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}"><sheetData>'.encode()
                )
                for number, row in enumerate(sheets[name], start=1):
                    sheet.write((row if isinstance(row, str) else row_xml(number, row)).encode())
                sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def repeated(header: Sequence[object], row: Sequence[object], count: int) -> Iterable[str]:
    """A header and ``count`` byte-identical copies of ``row`` (rows and cells may leave out their
    references): compresses to almost nothing."""
    yield row_xml(1, header)
    copy = re.sub(r' r="[A-Z]*\d+"', "", row_xml(2, row))
    for _ in range(count):
        yield copy


def declaring(data: bytes, member: str, size: int) -> bytes:
    """``data`` with ``member``'s inflated size, in its local header and the central directory, set to
    ``size``: an archive that lies about itself."""
    out = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(member)
    struct.pack_into("<I", out, info.header_offset + 22, size)
    central = out.find(b"PK\x01\x02")
    while central != -1:
        name_length = struct.unpack_from("<H", out, central + 28)[0]
        if bytes(out[central + 46 : central + 46 + name_length]).decode() == member:
            struct.pack_into("<I", out, central + 24, size)
            break
        central = out.find(b"PK\x01\x02", central + 4)
    return bytes(out)


_ODS_CONTENT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">'
    "<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"
)
_ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def ods_cell(value: object, repeat: int = 1, formula: str = "") -> str:
    repeated = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    if value is None:
        return f"<table:table-cell{repeated}/>"
    written = f' table:formula="of:={_escape(formula).replace(chr(34), "&quot;")}"' if formula else ""
    if isinstance(value, int | float):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}"{written}{repeated}>'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    return (
        f'<table:table-cell office:value-type="string"{written}{repeated}>'
        f"<text:p>{_escape(value)}</text:p></table:table-cell>"
    )


def ods_row(cells: Sequence[object] | str, repeat: int = 1) -> str:
    """A row of cell values (or of cell XML, given as one string), repeated ``repeat`` times."""
    body = cells if isinstance(cells, str) else "".join(ods_cell(value) for value in cells)
    repeated = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{repeated}>{body}</table:table-row>"


def ods(
    sheets: dict[str, Iterable[str | Sequence[object]]],
    mimetype: str = "application/vnd.oasis.opendocument.spreadsheet",
) -> bytes:
    """An OpenDocument spreadsheet of ``sheets``: each a list of rows (cell values, or row XML)."""
    tables = "".join(
        f'<table:table table:name="{_escape(name)}">'
        + "".join(row if isinstance(row, str) else ods_row(row) for row in rows)
        + "</table:table>"
        for name, rows in sheets.items()
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", _ODS_MANIFEST)
        archive.writestr("content.xml", _ODS_CONTENT.format(tables=tables))
    return buffer.getvalue()

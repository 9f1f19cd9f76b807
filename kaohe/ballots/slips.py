"""Printable 测评码: an A4 PDF of QR slips with cut lines, and a plain list (group, code, URL).

Plain data in, bytes out; no Django. The codes exist in plaintext only here, when generated: the database
keeps their hashes. The QR code is drawn as vector squares and the Chinese text uses reportlab's built-in
STSong-Light CID font, so no font file is needed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

CJK_FONT = "STSong-Light"
CODE_FONT = "Courier-Bold"
COLUMNS, ROWS = 3, 4
MARGIN = 8 * mm
QR_SIZE = 34 * mm


@dataclass(frozen=True)
class Slip:
    group: str  # the rater group: slips are handed out within it
    code: str  # as printed, grouped: K7QM-2XHP-…
    url: str  # the link in the QR code, with the code


def _font() -> str:
    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    return CJK_FONT


def _fit(text: str, font: str, size: float, width: float) -> str:
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def _draw_qr(canvas: Canvas, data: str, x: float, y: float, size: float) -> None:
    qr = segno.make(data, error="m", micro=False)
    matrix = qr.matrix
    border = 2
    module = size / (len(matrix) + 2 * border)
    for row_index, row in enumerate(matrix):
        top = y + size - (row_index + border + 1) * module
        column = 0
        while column < len(row):
            if row[column]:
                start = column
                while column < len(row) and row[column]:
                    column += 1
                canvas.rect(
                    x + (start + border) * module, top, (column - start) * module, module, stroke=0, fill=1
                )
            else:
                column += 1


def slips_pdf(*, title: str, page_url: str, slips: Sequence[Slip], rehearsal: bool = False) -> bytes:
    """A4 pages of COLUMNS × ROWS slips separated by dashed cut lines; each rater group starts a new page."""
    font = _font()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(title)
    page_width, page_height = A4
    width = (page_width - 2 * MARGIN) / COLUMNS
    height = (page_height - 2 * MARGIN) / ROWS
    per_page = COLUMNS * ROWS
    pages: list[Sequence[Slip]] = []
    groups: dict[str, list[Slip]] = {}
    for slip in slips:
        groups.setdefault(slip.group, []).append(slip)
    for group_slips in groups.values():
        pages += [group_slips[i : i + per_page] for i in range(0, len(group_slips), per_page)]
    for page in pages or [[]]:
        _cut_lines(canvas, width, height)
        for index, slip in enumerate(page):
            column, row = index % COLUMNS, index // COLUMNS
            left = MARGIN + column * width
            top = page_height - MARGIN - row * height
            _slip(canvas, font, slip, left, top, width, title=title, page_url=page_url, rehearsal=rehearsal)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _cut_lines(canvas: Canvas, width: float, height: float) -> None:
    page_width, page_height = A4
    canvas.saveState()
    canvas.setDash(3, 3)
    canvas.setLineWidth(0.4)
    canvas.setStrokeGray(0.55)
    for column in range(COLUMNS + 1):
        x = MARGIN + column * width
        canvas.line(x, MARGIN / 2, x, page_height - MARGIN / 2)
    for row in range(ROWS + 1):
        y = MARGIN + row * height
        canvas.line(MARGIN / 2, y, page_width - MARGIN / 2, y)
    canvas.restoreState()


def _slip(
    canvas: Canvas,
    font: str,
    slip: Slip,
    left: float,
    top: float,
    width: float,
    *,
    title: str,
    page_url: str,
    rehearsal: bool,
) -> None:
    inner = width - 8 * mm
    center = left + width / 2
    y = top - 7 * mm
    canvas.setFont(font, 9)
    canvas.drawCentredString(center, y, _fit(title, font, 9, inner))
    y -= 6 * mm
    canvas.setFont(font, 12)
    heading = f"{slip.group} · 测评码" + ("（演练）" if rehearsal else "")
    canvas.drawCentredString(center, y, _fit(heading, font, 12, inner))
    y -= 1.5 * mm + QR_SIZE
    _draw_qr(canvas, slip.url, center - QR_SIZE / 2, y, QR_SIZE)
    y -= 5 * mm
    canvas.setFont(CODE_FONT, 10.5)
    canvas.drawCentredString(center, y, slip.code)
    y -= 4.5 * mm
    canvas.setFont(font, 7.5)
    canvas.drawCentredString(center, y, _fit("扫码测评；或打开下列网址并输入测评码", font, 7.5, inner))
    y -= 3.2 * mm
    canvas.setFont("Helvetica", 6.5)
    canvas.drawCentredString(center, y, _fit(page_url, "Helvetica", 6.5, inner))
    y -= 3.6 * mm
    canvas.setFont(font, 6.5)
    canvas.drawCentredString(
        center, y, _fit("测评匿名：系统不知道谁持有哪个测评码。限用一次。", font, 6.5, inner)
    )


def codes_csv(slips: Sequence[Slip], *, bom: bool = True) -> bytes:
    """One line per code: rater group, code, URL (UTF-8; with a BOM, Excel reads the Chinese)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for slip in slips:
        writer.writerow([slip.group, slip.code, slip.url])
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode()

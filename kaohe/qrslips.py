"""A4 sheets of QR slips drawn with reportlab: the pieces shared by ballot codes and survey codes.

No Django. The QR code is drawn as vector squares (crisp at any printer resolution) and the Chinese text
is set in the bundled CJK font (``kaohe.fonts``), embedded in the PDF: reportlab's built-in STSong-Light
is not embedded and lacks characters such as the middle dot 「·」, which printed as a wrong glyph.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from kaohe.fonts import CJK_FONT_FILE, CJK_FONT_NAME

CJK_FONT = CJK_FONT_NAME
CODE_FONT = "Courier-Bold"
COLUMNS, ROWS = 3, 4
PER_PAGE = COLUMNS * ROWS
MARGIN = 8 * mm

Slip = TypeVar("Slip")


def cjk_font() -> str:
    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(CJK_FONT, str(CJK_FONT_FILE)))
    return CJK_FONT


def fit(text: str, font: str, size: float, width: float) -> str:
    """`text` cut with an ellipsis so it fits in `width`."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def draw_title(canvas: Canvas, text: str, font: str, center: float, y: float, width: float) -> None:
    """A slip's title centred at ``y``: on one line at 9 pt, or, when long, whole on two lines at 7.5 pt
    (cut with an ellipsis only beyond that) — a long session name is no longer cut to its first words."""
    if pdfmetrics.stringWidth(text, font, 9) <= width:
        canvas.setFont(font, 9)
        canvas.drawCentredString(center, y, text)
        return
    lines = title_lines(text, font, 7.5, width)
    canvas.setFont(font, 7.5)
    canvas.drawCentredString(center, y + 1.6 * mm, lines[0])
    if len(lines) > 1:
        canvas.drawCentredString(center, y - 1.3 * mm, lines[1])


def title_lines(text: str, font: str, size: float, width: float) -> list[str]:
    """``text`` wrapped on at most two lines of ``width``; the second cut with an ellipsis if need be."""
    lines = wrap(text, font, size, width)
    if len(lines) <= 2:
        return lines
    return [lines[0], fit("".join(lines[1:]), font, size, width)]


def draw_qr(canvas: Canvas, data: str, x: float, y: float, size: float) -> None:
    """The QR code of `data` with its bottom-left corner at (x, y), `size` wide with the quiet zone."""
    qr = segno.make(data, error="m", micro=False)
    matrix = qr.matrix
    border = 2  # modules of quiet zone; the slip's white margin adds more
    count = len(matrix) + 2 * border
    module = size / count
    for row_index, row in enumerate(matrix):
        top = y + size - (row_index + border + 1) * module
        column = 0
        while column < len(row):
            if row[column]:
                start = column
                while column < len(row) and row[column]:
                    column += 1
                left = x + (start + border) * module
                canvas.rect(left, top, (column - start) * module, module, stroke=0, fill=1)
            else:
                column += 1


def draw_pages(
    canvas: Canvas, pages: Sequence[Sequence[Slip]], draw: Callable[[Slip, float, float, float], None]
) -> None:
    """Each page's slips on an A4 sheet of COLUMNS × ROWS cells between dashed cut lines (an empty sheet when
    there is none); ``draw(slip, left, top, width)`` draws one cell."""
    page_width, page_height = A4
    width = (page_width - 2 * MARGIN) / COLUMNS
    height = (page_height - 2 * MARGIN) / ROWS
    for page in pages or [[]]:
        cut_lines(canvas, width, height)
        for index, slip in enumerate(page):
            column, row = index % COLUMNS, index // COLUMNS
            draw(slip, MARGIN + column * width, page_height - MARGIN - row * height, width)
        canvas.showPage()


def cut_lines(canvas: Canvas, width: float, height: float) -> None:
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


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    lines, line = [], ""
    for char in text:
        if line and pdfmetrics.stringWidth(line + char, font, size) > width:
            lines.append(line)
            line = ""
        line += char
    return [*lines, line] if line else lines

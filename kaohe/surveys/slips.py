"""Printable survey codes: an A4 PDF of QR slips with cut lines, and an .xlsx list (code, link).

Plain data in, bytes out; no Django. The QR code is drawn as vector squares (crisp at any printer
resolution) and the Chinese text uses reportlab's built-in STSong-Light CID font, so no font file is needed.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from kaohe.qrslips import CODE_FONT, PER_PAGE, cjk_font, draw_pages, draw_qr, draw_title, fit, wrap
from kaohe.workbook.cells import append_row

QR_SIZE = 32 * mm


@dataclass(frozen=True)
class Slip:
    code: str  # as printed, grouped: K7QM-2XHP-…
    url: str  # the link in the QR code, with the code
    batch: int = 1


def slips_pdf(*, title: str, unit: str, page_url: str, slips: Sequence[Slip]) -> bytes:
    """A4 pages of COLUMNS × ROWS slips, each with the unit, the QR code, the code and how to answer.

    The slips of a page are separated by dashed cut lines."""
    font = cjk_font()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(f"{unit} {title}")
    pages = [slips[start : start + PER_PAGE] for start in range(0, len(slips), PER_PAGE)]

    def draw(slip: Slip, left: float, top: float, width: float) -> None:
        _slip(canvas, font, slip, left, top, width, title=title, unit=unit, page_url=page_url)

    draw_pages(canvas, pages, draw)
    canvas.save()
    return buffer.getvalue()


def _slip(
    canvas: Canvas,
    font: str,
    slip: Slip,
    left: float,
    top: float,
    width: float,
    *,
    title: str,
    unit: str,
    page_url: str,
) -> None:
    inner = width - 8 * mm
    center = left + width / 2
    y = top - 7 * mm
    draw_title(canvas, title, font, center, y, inner)
    y -= 6 * mm
    canvas.setFont(font, 12)
    canvas.drawCentredString(center, y, fit(unit, font, 12, inner))
    y -= 1.5 * mm + QR_SIZE
    draw_qr(canvas, slip.url, center - QR_SIZE / 2, y, QR_SIZE)
    y -= 5 * mm
    canvas.setFont(CODE_FONT, 10.5)
    canvas.drawCentredString(center, y, slip.code)
    y -= 4.5 * mm
    canvas.setFont(font, 7.5)
    canvas.drawCentredString(center, y, fit("扫码评议；或打开下列网址并输入评议码", font, 7.5, inner))
    canvas.setFont("Helvetica", 6.5)
    # The whole address, on two lines if need be: someone may type it.
    for line in wrap(page_url, "Helvetica", 6.5, inner):
        y -= 3.2 * mm
        canvas.drawCentredString(center, y, line)


def codes_xlsx(*, unit: str, slips: Sequence[Slip], used: Sequence[bool]) -> bytes:
    """The codes as a sheet: 序号, 单位, 评议码, 链接, 批次, 状态."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("评议码")
    sheet.append(["序号", "单位", "评议码", "链接", "批次", "状态"])
    for number, (slip, is_used) in enumerate(zip(slips, used, strict=True), start=1):
        append_row(sheet, [number, unit, slip.code, slip.url, slip.batch, "已使用" if is_used else "未使用"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

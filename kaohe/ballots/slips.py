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

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from kaohe.qrslips import CODE_FONT, PER_PAGE, cjk_font, draw_pages, draw_qr, draw_title, fit

QR_SIZE = 34 * mm


@dataclass(frozen=True)
class Slip:
    group: str  # the rater group: slips are handed out within it
    code: str  # as printed, grouped: K7QM-2XHP-…
    url: str  # the link in the QR code, with the code


def slips_pdf(*, title: str, page_url: str, slips: Sequence[Slip], rehearsal: bool = False) -> bytes:
    """A4 pages of COLUMNS × ROWS slips separated by dashed cut lines; each rater group starts a new page."""
    font = cjk_font()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(title)
    pages: list[Sequence[Slip]] = []
    groups: dict[str, list[Slip]] = {}
    for slip in slips:
        groups.setdefault(slip.group, []).append(slip)
    for group_slips in groups.values():
        pages += [group_slips[i : i + PER_PAGE] for i in range(0, len(group_slips), PER_PAGE)]

    def draw(slip: Slip, left: float, top: float, width: float) -> None:
        _slip(canvas, font, slip, left, top, width, title=title, page_url=page_url, rehearsal=rehearsal)

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
    page_url: str,
    rehearsal: bool,
) -> None:
    inner = width - 8 * mm
    center = left + width / 2
    y = top - 7 * mm
    draw_title(canvas, title, font, center, y, inner)
    y -= 6 * mm
    canvas.setFont(font, 12)
    heading = f"{slip.group} · 测评码" + ("（演练）" if rehearsal else "")
    canvas.drawCentredString(center, y, fit(heading, font, 12, inner))
    y -= 1.5 * mm + QR_SIZE
    draw_qr(canvas, slip.url, center - QR_SIZE / 2, y, QR_SIZE)
    y -= 5 * mm
    canvas.setFont(CODE_FONT, 10.5)
    canvas.drawCentredString(center, y, slip.code)
    y -= 4.5 * mm
    canvas.setFont(font, 7.5)
    canvas.drawCentredString(center, y, fit("扫码测评；或打开下列网址并输入测评码", font, 7.5, inner))
    y -= 3.2 * mm
    canvas.setFont("Helvetica", 6.5)
    canvas.drawCentredString(center, y, fit(page_url, "Helvetica", 6.5, inner))
    y -= 3.6 * mm
    canvas.setFont(font, 6.5)
    canvas.drawCentredString(
        center, y, fit("测评匿名：系统不知道谁持有哪个测评码。限用一次。", font, 6.5, inner)
    )


def codes_csv(slips: Sequence[Slip], *, bom: bool = True) -> bytes:
    """One line per code: rater group, code, URL (UTF-8; with a BOM, Excel reads the Chinese)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for slip in slips:
        writer.writerow([slip.group, slip.code, slip.url])
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode()

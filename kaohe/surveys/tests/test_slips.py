"""The printable codes: A4 pages of QR slips, and the sheet of codes and links."""

import io
import re

import segno
from openpyxl import load_workbook

from kaohe import qrslips
from kaohe.surveys import slips
from kaohe.surveys.forms import code_display, normalise_code
from kaohe.surveys.slips import Slip


def some_slips(n: int) -> list[Slip]:
    return [
        Slip(f"AAAA-BBBB-CCCC-{i:04d}", f"https://pingyi.example.cn/s/token/?c=AAAABBBBCCCC{i:04d}")
        for i in range(n)
    ]


def pages_of(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b", pdf))


def test_twelve_slips_fill_an_a4_page_and_the_thirteenth_starts_another():
    one = slips.slips_pdf(
        title="2025年度考核 · 公众评议", unit="东城街道", page_url="https://x/s/t/", slips=some_slips(12)
    )
    two = slips.slips_pdf(
        title="2025年度考核 · 公众评议", unit="东城街道", page_url="https://x/s/t/", slips=some_slips(13)
    )
    assert one.startswith(b"%PDF") and pages_of(one) == 1 and pages_of(two) == 2
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in one  # A4


def test_no_codes_still_give_a_printable_empty_page():
    assert pages_of(slips.slips_pdf(title="t", unit="u", page_url="https://x/", slips=[])) == 1


def test_a_long_unit_name_is_shortened_and_a_long_address_wrapped_whole():
    font = qrslips.cjk_font()
    fitted = qrslips.fit("一个名称非常非常长的单位" * 3, font, 12, 150)
    assert fitted.endswith("…") and qrslips.pdfmetrics.stringWidth(fitted, font, 12) <= 150
    address = "https://pingyi.example.gov.cn/s/Abcdefghijklmnopqrstuv/"
    lines = qrslips.wrap(address, "Helvetica", 6.5, 60)
    assert len(lines) > 1 and "".join(lines) == address


def test_the_qr_code_drawn_is_segnos_code_of_the_link():
    link = "https://pingyi.example.cn/s/token/?c=AAAABBBBCCCC0001"
    matrix = segno.make(link, error="m").matrix
    size = 100.0
    module = size / (len(matrix) + 4)

    class Recorder:
        dark = set()

        def rect(self, x, y, width, height, stroke, fill):
            row = round((size - (y + height)) / module) - 2
            first = round(x / module) - 2
            for column in range(first, first + round(width / module)):
                self.dark.add((row, column))

    recorder = Recorder()
    qrslips.draw_qr(recorder, link, 0, 0, size)
    expected = {(r, c) for r, row in enumerate(matrix) for c, dark in enumerate(row) if dark}
    assert recorder.dark == expected


def test_the_sheet_lists_code_link_batch_and_state():
    found = some_slips(2)
    content = slips.codes_xlsx(unit="东城街道", slips=found, used=[False, True])
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert rows == [
        ("序号", "单位", "评议码", "链接", "批次", "状态"),
        (1, "东城街道", found[0].code, found[0].url, 1, "未使用"),
        (2, "东城街道", found[1].code, found[1].url, 1, "已使用"),
    ]


def test_a_code_is_read_back_however_it_was_typed():
    code = "K7QM2XHP0123ABCD"
    assert code_display(code) == "K7QM-2XHP-0123-ABCD"
    for typed in ("k7qm-2xhp-0123-abcd", " K7QM 2XHP 0123 ABCD ", "K7QM-2XHP-O123-ABCD"):
        assert normalise_code(typed) == code
    assert normalise_code("K7QM2XHP01I3ABCD") == "K7QM2XHP0113ABCD"  # I read as 1
    for bad in ("", "K7QM", "K7QM2XHP0123ABCDE", "K7QM2XHP0123ABC!", "K7QM2XHP0123ABCU"):
        assert normalise_code(bad) is None


def test_a_unit_named_like_a_formula_is_written_to_the_codes_sheet_as_text():
    from conftest import HOSTILE_TEXT, formula_cells

    content = slips.codes_xlsx(unit=HOSTILE_TEXT, slips=some_slips(1), used=[False])
    assert formula_cells(content) == []

"""The QR slips set their text in the bundled CJK font, embedded, and keep long session names whole."""

from kaohe import qrslips
from kaohe.ballots import slips as ballot_slips


def test_the_bundled_font_is_embedded_in_the_slips():
    pdf = ballot_slips.slips_pdf(
        title="2025年度考核 · 民主测评会",
        page_url="https://x/b/",
        slips=[ballot_slips.Slip(group="上级", code="AAAA-BBBB", url="https://x/b/AAAA")],
    )
    assert b"+NotoSansCJKsc-Regular" in pdf and b"/FontFile2" in pdf  # a subset, embedded


def test_the_middle_dot_and_common_hanzi_have_glyphs():
    font = qrslips.pdfmetrics.getFont(qrslips.cjk_font())
    for char in "·—“”《》、考核鑫犇喆堃":
        assert ord(char) in font.face.charToGlyph, char


def test_a_long_session_name_is_kept_whole_on_two_lines():
    font = qrslips.cjk_font()
    name = "2025年度中共示例市东城区松岭街道党工委领导班子和领导干部民主测评会"
    width = 56 * qrslips.mm  # a slip's inner width
    assert qrslips.fit(name, font, 9, width) != name  # what used to be printed: cut
    lines = qrslips.title_lines(name, font, 7.5, width)
    assert len(lines) == 2 and "".join(lines) == name
    assert all(qrslips.pdfmetrics.stringWidth(line, font, 7.5) <= width for line in lines)

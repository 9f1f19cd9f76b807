"""The bundled CJK font (Noto Sans CJK SC cut to GB2312, SIL OFL 1.1; see static/fonts/OFL.txt).

One file for every document drawn on the server: the QR-slip PDFs (reportlab) and the report charts
(matplotlib). Built by scripts/build_cjk_font.py. No Django.
"""

from pathlib import Path

CJK_FONT_FILE = Path(__file__).resolve().parent / "static" / "fonts" / "NotoSansSC-Kaohe.ttf"
CJK_FONT_NAME = "NotoSansSC-Kaohe"

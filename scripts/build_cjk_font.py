"""Build the bundled CJK font: Noto Sans CJK SC (SIL OFL 1.1) cut to GB2312 and converted to TrueType.

Run once by a developer, the result committed: `.venv/bin/python scripts/build_cjk_font.py`. The source is
Debian's fonts-noto-cjk (/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc). The subset keeps ASCII,
Latin-1 punctuation (the middle dot ·), general and CJK punctuation, full-width forms, circled numbers and
the 6,763 hanzi of GB2312, the characters of names outside it listed below and every character of\nKaohe's own texts. A character outside these prints as an empty box: add it here and rebuild. Its CFF outlines are turned into quadratic
TrueType outlines because reportlab embeds TrueType only; matplotlib reads either.
"""

import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, newTable

SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
TARGET = Path(__file__).resolve().parent.parent / "kaohe" / "static" / "fonts" / "NotoSansSC-Kaohe.ttf"


# Characters of personal and place names outside GB2312 (from GBK), common enough to be met in a roster.
NAME_CHARACTERS = (
    "犇喆堃昇珺玥琰瑄璟暐晟祎禕婕婧嫣妤姝娅婷琪琦瑛瑾璐璇瑜琛瑞璞玮炜烨熠煜焱燚鑫淼垚磊"
    "赟昊昱旻晗晔晞曌曦曈朗翀翯翃彧奕弈羿骞骏驰骁骅镕镔铖钊钰铭锴锟锜锦镆颉颀頔颢颙"
    "祐祯禛禧禵祺禅褆祜芃芮苒茜荃莛萱蓁蔚蕊蕙薇藜芊芷苡苓茗荞菁菡葳蓓蓥"
    "沄沅沣泓洵浛浚涵淇淳渊湉溆溱滢漪潆澍澄澜瀚灏濛汐汭沛泠洹洺涞涴淏"
    "昕昉昀昶晏晖晙暄曜炅炘炫烜焌焜煊熙燊燏"
    "嵘崧嵩峣峤岚岍岑岷峥崑嵋嶷巍"
    "堉埕垣坤坭埙墀壎"
    "玠玢珏珉珅珩珮琇琚琬琳琸瑗瑢瑭瑶璋璠璨瓒"
    "钧铄铎锋镒镛鉴銮"
    "韡韬韫頫颋飏飚"
    "砚砺碧磐礼"
    "雯霏霖霁霈霓靓靖"
    "甦畯畲"
    "鹍鹏鹓鹭"
    "棠楠槿樾橦檀栩桦梓棋楷榕"
)


def source_characters() -> set[str]:
    """Every character of Kaohe's own texts (templates, messages, demo names)."""
    root = Path(__file__).resolve().parent.parent / "kaohe"
    found: set[str] = set()
    for path in root.rglob("*"):
        if path.suffix in (".py", ".html", ".po", ".md") and path.is_file():
            found |= {c for c in path.read_text(encoding="utf-8", errors="ignore") if ord(c) >= 0x2E80}
    return found


def characters() -> str:
    chars = {chr(c) for c in range(0x20, 0x7F)}
    chars |= {chr(c) for c in range(0xA0, 0x100)}  # Latin-1: · × ÷ °
    chars |= {chr(c) for c in range(0x2010, 0x2070)}  # — ‘ ’ “ ” … ‰ ※
    chars |= {chr(c) for c in range(0x2160, 0x2170)}  # Ⅰ Ⅱ …
    chars |= {chr(c) for c in range(0x2190, 0x2194)}  # ← ↑ → ↓
    chars |= {chr(c) for c in range(0x2460, 0x2474)}  # ① … ⑳
    chars |= set("√×≤≥≠±□■△▲○●◎◆◇★☆")
    chars |= {chr(c) for c in range(0x3000, 0x3040)}  # 、。〈〉《》「」『』【】〔〕
    chars |= {chr(c) for c in range(0xFF01, 0xFF5F)}  # full-width forms
    chars |= set(NAME_CHARACTERS) | source_characters()
    for high in range(0xB0, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return "".join(sorted(chars))


def to_truetype(font) -> None:
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    for table in ("CFF ", "VORG"):
        if table in font:
            del font[table]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, glyph in glyf.glyphs.items():
        if hasattr(glyph, "xMin"):
            hmtx[name] = (hmtx[name][0], glyph.xMin)
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attr, 1 if attr == "maxZones" else 0)
    maxp.compile(font)
    post = font["post"]
    post.formatType = 3.0  # no glyph names: smaller
    font.sfntVersion = "\000\001\000\000"


def main() -> None:
    collection = TTCollection(str(SOURCE))
    font = next(f for f in collection.fonts if f["name"].getDebugName(1) == "Noto Sans CJK SC")
    options = subset.Options()
    options.desubroutinize = True
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters())
    subsetter.subset(font)
    for table in ("GPOS", "GSUB", "vhea", "vmtx", "VORG", "BASE"):
        if table in font:
            del font[table]
    to_truetype(font)
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(TARGET))
    sys.stdout.write(f"{TARGET}: {TARGET.stat().st_size:,} bytes\n")


if __name__ == "__main__":
    main()

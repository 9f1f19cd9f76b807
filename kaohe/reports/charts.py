"""Charts of the cycle report, drawn on the server with matplotlib (Agg) in the bundled CJK font. No Django."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from functools import cache

from kaohe.fonts import CJK_FONT_FILE as FONT


@cache
def _font() -> object:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(FONT))
    return font_manager.FontProperties(fname=str(FONT))


def stacked_bars(title: str, rows: Mapping[str, Mapping[str, int]], series: Sequence[str]) -> bytes:
    """A horizontal stacked bar per row (a category, a pool), one colour per series (a grade); PNG bytes."""
    font = _font()
    from matplotlib.figure import Figure

    labels = list(rows)
    figure = Figure(figsize=(7, 0.45 * len(labels) + 1.6), dpi=120)
    axes = figure.subplots()
    left = [0] * len(labels)
    colours = ["#2f7d4f", "#5b8ff9", "#f6bd16", "#e8684a", "#9a9a9a", "#b37feb"]
    for index, name in enumerate(series):
        values = [rows[label].get(name, 0) for label in labels]
        axes.barh(labels, values, left=left, label=name, color=colours[index % len(colours)])
        left = [a + b for a, b in zip(left, values, strict=True)]
    axes.invert_yaxis()
    axes.set_title(title, fontproperties=font, fontsize=12)
    for tick in axes.get_yticklabels():
        tick.set_fontproperties(font)
    axes.legend(
        prop=font, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=max(1, len(series)), fontsize=8
    )
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def bars(title: str, values: Mapping[str, float], unit: str = "") -> bytes:
    font = _font()
    from matplotlib.figure import Figure

    labels = list(values)
    figure = Figure(figsize=(7, 0.4 * len(labels) + 1.5), dpi=120)
    axes = figure.subplots()
    axes.barh(labels, [values[label] for label in labels], color="#5b8ff9")
    axes.invert_yaxis()
    axes.set_title(title, fontproperties=font, fontsize=12)
    axes.set_xlabel(unit, fontproperties=font)
    for tick in axes.get_yticklabels():
        tick.set_fontproperties(font)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()

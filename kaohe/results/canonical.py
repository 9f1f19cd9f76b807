"""Canonical forms for digests and seals; plain Python, no Django.

- ``input_rows`` turns an ``AssessmentInput`` into plain JSON rows (settings by their 参数 texts, numbers as
  exact decimal strings) and ``input_from_rows`` back, so a run can keep the very inputs it was computed
  from and ``kaohe results verify`` can compute them again.
- ``input_digest`` is the digest of those rows with every list sorted: the same data gathered in another
  order has the same digest. ``encode`` gives the rows compressed (``unpack`` reverses it) and the digest
  in one pass.
- ``final_hash`` is the seal: the digest of the final results in a canonical order.

Each digest is made with the algorithm it is given (sha256, or sm3 in 国密 mode: ``kaohe.crypto``); the
caller stores that algorithm beside it and verifies with it.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from operator import attrgetter
from typing import Any

from kaohe.crypto.modes import Digest, Hasher
from kaohe.rules.model import (
    Adjustment,
    AdjustmentKind,
    AssessmentInput,
    Cadre,
    Effect,
    Indicator,
    IndicatorScore,
    Mark,
    PriorGrade,
    RuleSettings,
    Sanction,
    Unit,
)
from kaohe.workbook import layout
from kaohe.workbook.sheets import is_blank

FORMAT = 1
PIECE = 100_000  # rows of a list written at a time: the marks' JSON would be a few hundred MB at once
_mark_row = attrgetter("ballot", "rater_group", "target", "choice")


def number(value: Decimal | None) -> str | None:
    """An exact decimal without trailing zeros: 90.0000 and 90 are the same number, and the same text."""
    if value is None:
        return None
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


# Settings added after format 1, left out while unset: the inputs of a run computed before they existed
# keep their digest.
_LATER = {"bottom_ratio"}


def settings_texts(settings: RuleSettings) -> dict[str, str]:
    """Every setting as the 参数 sheet writes it (defaults included), 年度 too."""
    texts = {}
    for s in layout.SETTINGS:
        value = getattr(settings, s.field)
        if value is not None or s.field not in _LATER:
            texts[s.name] = layout.display_setting(value)
    return texts


def settings_from_texts(
    texts: Mapping[str, str], sanctions: Mapping[str, list[str | None]] | None = None
) -> RuleSettings:
    parsed: dict[str, Any] = {}
    for name, value in texts.items():
        setting = layout.SETTINGS_BY_NAME[name]
        if not is_blank(value):
            parsed[setting.field] = setting.parse(value)
    if sanctions is not None:
        parsed["sanction_effects"] = {
            name: tuple(None if e is None else Effect(e) for e in effects)
            for name, effects in sanctions.items()
        }
    return RuleSettings(**parsed)


def input_rows(data: AssessmentInput) -> dict[str, Any]:
    s = data.settings
    return {
        "format": FORMAT,
        "settings": settings_texts(s),
        "sanction_effects": {
            name: [None if e is None else e.value for e in effects]
            for name, effects in s.sanction_effects.items()
        },
        "units": [
            [
                u.code,
                u.name,
                u.category,
                u.advanced,
                number(u.indicator_score),
                number(u.public_survey),
                number(u.leader_rating),
                u.veto,
            ]
            for u in data.units
        ],
        "cadres": [
            [
                c.code,
                c.name,
                c.unit,
                c.post,
                c.principal,
                number(c.regular),
                number(c.leader_rating),
                c.probation,
                c.investigation,
                c.veto,
                c.priority,
            ]
            for c in data.cadres
        ],
        "indicators": [[i.category, i.code, i.name, number(i.weight)] for i in data.indicators],
        "indicator_scores": [[x.unit, x.indicator, number(x.score)] for x in data.indicator_scores],
        "sanctions": [[x.cadre, x.name, x.year] for x in data.sanctions],
        "adjustments": [[a.target, a.kind.value, number(a.points), a.reason] for a in data.adjustments],
        # Tuples, made in C: a province has 1.5 million marks. JSON writes them as lists.
        "marks": list(map(_mark_row, data.marks)),
        "prior_grades": [[p.target, p.year, p.grade] for p in data.prior_grades],
    }


def input_from_rows(rows: Mapping[str, Any]) -> AssessmentInput:
    if rows.get("format") != FORMAT:
        raise ValueError(f"不认识的输入数据格式：{rows.get('format')!r}")
    d = _decimal
    return AssessmentInput(
        settings=settings_from_texts(rows["settings"], rows["sanction_effects"]),
        units=[
            Unit(c, n, cat, adv, d(i), d(p), d(lr), veto) for c, n, cat, adv, i, p, lr, veto in rows["units"]
        ],
        cadres=[
            Cadre(code, name, unit, post, principal, d(reg), d(lr), prob, inv, veto, prio)
            for code, name, unit, post, principal, reg, lr, prob, inv, veto, prio in rows["cadres"]
        ],
        indicators=[Indicator(cat, code, name, Decimal(w)) for cat, code, name, w in rows["indicators"]],
        indicator_scores=[IndicatorScore(u, i, Decimal(s)) for u, i, s in rows["indicator_scores"]],
        sanctions=[Sanction(c, n, y) for c, n, y in rows["sanctions"]],
        adjustments=[Adjustment(t, AdjustmentKind(k), Decimal(p), r) for t, k, p, r in rows["adjustments"]],
        marks=[Mark(b, g, t, c) for b, g, t, c in rows["marks"]],
        prior_grades=[PriorGrade(t, y, g) for t, y, g in rows["prior_grades"]],
    )


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def _row_key(row: list[Any]) -> list[Any]:
    return ["" if cell is None else cell for cell in row]


def input_digest(rows: Mapping[str, Any], algorithm: str) -> str:
    """The digest (hex, under ``algorithm``) of the rows with every list in a fixed order; the engine does
    not depend on that order."""
    return _encode(rows, algorithm, packed=False)[1]


def encode(rows: Mapping[str, Any], algorithm: str) -> tuple[bytes, str]:
    """The rows packed (their JSON, compressed; ``unpack`` reverses it) and ``input_digest(rows, algorithm)``."""
    return _encode(rows, algorithm, packed=True)


def _encode(rows: Mapping[str, Any], algorithm: str, *, packed: bool) -> tuple[bytes, str]:
    """Both are the bytes of ``_dumps(rows)``, written piece by piece into the compressor and the hash: a
    list already in order (the marks as gathered) is written once for both, and no text the size of all
    the inputs is built."""
    # Level 1: a province's inputs (1.5 million marks) shrink to about a tenth in a fraction of a second.
    compressor = zlib.compressobj(1)
    hasher = Hasher(algorithm)
    chunks: list[bytes] = []
    separator = b"{"
    for key in sorted(rows):
        value = rows[key]
        ordered = _sorted(value) if isinstance(value, list) else value
        head = separator + _dumps(key) + b":"
        separator = b","
        hasher.update(head)
        if not packed:
            for piece in _pieces(ordered):
                hasher.update(piece)
            continue
        chunks.append(compressor.compress(head))
        in_order = ordered == value
        for piece in _pieces(value):
            chunks.append(compressor.compress(piece))
            if in_order:
                hasher.update(piece)
        if not in_order:
            for piece in _pieces(ordered):
                hasher.update(piece)
    hasher.update(b"}")
    if packed:
        chunks += (compressor.compress(b"}"), compressor.flush())
    return b"".join(chunks), hasher.hexdigest()


def _pieces(value: Any) -> Iterator[bytes]:
    """``_dumps(value)`` in pieces of ``PIECE`` rows when it is a long list."""
    if not isinstance(value, list) or len(value) <= PIECE:
        yield _dumps(value)
        return
    yield b"["
    for start in range(0, len(value), PIECE):
        if start:
            yield b","
        yield _dumps(value[start : start + PIECE])[1:-1]
    yield b"]"


def _sorted(rows: list[Any]) -> list[Any]:
    """Rows without blanks (marks, scores …) compare directly, which is fastest; a failed comparison
    (None against text) means blanks, and the blank-safe key gives the same order timsort would."""
    try:
        return sorted(rows)
    except TypeError:
        return sorted(rows, key=_row_key)


def unpack(blob: bytes | memoryview) -> dict[str, Any]:
    return json.loads(zlib.decompress(bytes(blob)))


FINAL_FIELDS = (
    "kind",
    "code",
    "name",
    "unit",
    "pool",
    "composite",
    "rank",
    "pool_size",
    "grade",
    "computed_grade",
    "flags",
    "manual",
    "manual_reason",
    "explanation",
)


def final_form(
    year: int, run_version: int, digest: str, results: Iterable[Mapping[str, Any]], digest_algorithm: str
) -> dict[str, Any]:
    """What a seal covers: the year, the run and its inputs' digest, and every final result's fields
    (``unit`` the unit's code, ``composite`` two-decimal text), ordered by kind and code. The inputs'
    digest algorithm is named unless it is sha256, so seals of SHA-256 inputs keep the form they always had."""
    rows = sorted(([r[f] for f in FINAL_FIELDS] for r in results), key=lambda row: (row[0], row[1]))
    form: dict[str, Any] = {
        "year": year,
        "run": run_version,
        "input_digest": digest,
        "fields": list(FINAL_FIELDS),
        "results": rows,
    }
    if digest_algorithm != Digest.SHA256:
        form["input_digest_algorithm"] = digest_algorithm
    return form


def final_hash(form: Mapping[str, Any], algorithm: str) -> str:
    """The seal (hex) of ``final_form``'s form under ``algorithm``."""
    hasher = Hasher(algorithm)
    hasher.update(_dumps(form))
    return hasher.hexdigest()

"""One code names one thing: a unit's code is never a cadre's, and the reverse (org migration 0002 holds it
in the database; this names the clash in Chinese before the database has to refuse it)."""

from __future__ import annotations

from collections.abc import Iterable

from kaohe.org.models import Cadre, Unit


def code_clashes(*, unit_codes: Iterable[str], cadre_codes: Iterable[str]) -> list[str]:
    """Messages for the given unit codes held by a stored cadre, and cadre codes held by a stored unit."""
    units, cadres = set(unit_codes), set(cadre_codes)
    messages = [
        f"单位编码「{code}」已是系统中一名干部的编码（单位和干部的编码不能相同）"
        for code in sorted(Cadre.objects.filter(code__in=units).values_list("code", flat=True))
    ]
    messages += [
        f"干部编码「{code}」已是系统中一个单位的编码（单位和干部的编码不能相同）"
        for code in sorted(Unit.objects.filter(code__in=cadres).values_list("code", flat=True))
    ]
    return messages

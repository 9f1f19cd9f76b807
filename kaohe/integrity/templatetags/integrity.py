"""``{% integrity_findings rows %}``: puts the latest analysis's findings about each row's member in the
row (``row.integrity``), for organisers and the committee; the results pages need not import this app."""

from __future__ import annotations

from typing import Any

from django import template

from kaohe.integrity.selectors import findings_by_target

register = template.Library()


@register.simple_tag(takes_context=True)
def integrity_findings(context: dict[str, Any], rows: list[dict[str, Any]]) -> str:
    request = context.get("request")
    cycle = context.get("cycle")
    if request is None or cycle is None:
        return ""
    found = findings_by_target(request.user, cycle, {row["code"] for row in rows})
    for row in rows:
        row["integrity"] = found.get(row["code"], [])
    return ""

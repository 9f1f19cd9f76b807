"""Feedback's piece on other apps' pages, without those apps importing it: the 结果运用 in a dossier and a
profile (``{% dossier_actions subject %}``). Its items on the home page come through the to-do registry
(todo.py), its open 整改 items into later cycles through ``kaohe.plans.carryover`` (carryover.py)."""

from typing import Any

from django import template

from kaohe.feedback.selectors import cadre_actions, unit_actions
from kaohe.org.models import Cadre

register = template.Library()


@register.inclusion_tag("feedback/_dossier_actions.html")
def dossier_actions(subject: Any) -> dict:
    """The subject (a cadre or a unit) comes from a dossier or profile page that has already checked access."""
    entries = cadre_actions(subject.pk) if isinstance(subject, Cadre) else unit_actions(subject.pk)
    return {"entries": list(entries.order_by("-cycle__year", "-decided_on"))}

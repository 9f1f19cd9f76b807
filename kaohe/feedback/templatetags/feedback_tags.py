"""Feedback's pieces on other apps' pages, without those apps importing it: the overdue rectification
items on a home page (``{% overdue_todo %}``) and the 结果运用 in a dossier (``{% dossier_actions dossier %}``)."""

from typing import Any

from django import template

from kaohe.feedback.selectors import cadre_actions, overdue_rectifications, unit_actions
from kaohe.org.models import Cadre

register = template.Library()


@register.inclusion_tag("feedback/_overdue.html", takes_context=True)
def overdue_todo(context: dict) -> dict:
    user = context["request"].user
    return {"overdue": list(overdue_rectifications(user)[:20]) if user.is_authenticated else []}


@register.inclusion_tag("feedback/_dossier_actions.html")
def dossier_actions(subject: Any) -> dict:
    """The subject (a cadre or a unit) comes from a dossier page that has already checked access."""
    entries = cadre_actions(subject.pk) if isinstance(subject, Cadre) else unit_actions(subject.pk)
    return {"entries": list(entries.order_by("-cycle__year", "-decided_on"))}

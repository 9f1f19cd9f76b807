"""``{% overdue_todo %}``: the overdue rectification items on a home page (the organiser's, the unit's)."""

from django import template

from kaohe.feedback.selectors import overdue_rectifications

register = template.Library()


@register.inclusion_tag("feedback/_overdue.html", takes_context=True)
def overdue_todo(context: dict) -> dict:
    user = context["request"].user
    return {"overdue": list(overdue_rectifications(user)[:20]) if user.is_authenticated else []}

"""Feedback's items on the home page (registered in ``apps.py``): letters received and not yet read, and the
整改 items past their deadline that the account handles or verifies."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from kaohe.accounts.todo import TodoItem
from kaohe.feedback.selectors import overdue_rectifications, received_letters


def home_items(user) -> list[TodoItem]:
    items = []
    unread = list(received_letters(user).filter(read_at__isnull=True).order_by("-cycle__year", "pk"))
    for letter in unread:
        items.append(
            TodoItem(
                key=f"feedback-letter-{letter.pk}",
                label=_("考核结果反馈意见书待阅"),
                url=reverse("feedback:letter_detail", args=[letter.cycle.year, letter.pk]),
                cycle=letter.cycle.name,
                note=str(letter.cadre or letter.unit or ""),
            )
        )
    overdue = overdue_rectifications(user).select_related("unit")
    first = overdue.first()
    if first is not None:
        count = overdue.count()
        items.append(
            TodoItem(
                key="feedback-overdue",
                label=_("逾期未完成的整改事项"),
                url=reverse("feedback:rectification_detail", args=[first.pk])
                if count == 1
                else reverse("feedback:rectification_list"),
                count=count,
                note=_("最早：%(unit)s · 整改事项%(n)s，时限 %(deadline)s")
                % {"unit": first.unit.name, "n": first.number, "deadline": first.deadline.isoformat()},
                unit=_("项"),
            )
        )
    return items

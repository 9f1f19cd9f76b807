"""One confirmation step for every irreversible or hard-to-undo action.

A view builds a :class:`Confirmation` that states the consequence with live figures and calls
:func:`confirmation_page` first: a GET, or a POST without ``confirm=yes``, answers the confirmation page (a
dialog's body for htmx) and writes nothing; only a POST carrying the field goes on to the write. So the action
refuses without the explicit field, with JavaScript or without it. The fields of the first POST (a reason,
dates) are carried through the page as hidden inputs, so a form keeps its one submit button."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIRM_FIELD = "confirm"
CONFIRM_VALUE = "yes"
# Fields never carried through the page: Django's token is added afresh, uploads cannot be carried.
NOT_CARRIED = frozenset({"csrfmiddlewaretoken", CONFIRM_FIELD})


@dataclass(frozen=True)
class Confirmation:
    title: str  # what is about to be done: "结束测评并封存"
    consequence: str  # what cannot be undone afterwards, with the figure that matters: "封存后不能再投票：已收 2/6 张。"
    action_url: str  # where the confirmed POST goes (the action's own URL)
    cancel_url: str  # where 取消 leads back to
    button: str  # the confirming button's words: "确认封存"
    facts: tuple[tuple[str, str], ...] = ()  # live figures beside the consequence: ("已收测评票", "2/6")
    warnings: tuple[str, ...] = ()  # what argues against doing it now: "尚有 4 人未投票"
    carry: Mapping[str, str] | None = None  # fields to post again; None carries the first POST's own
    danger: bool = True
    extra_template: str = ""  # a partial with inputs the action needs (the opening key), inside the form
    extra: Mapping[str, object] = field(default_factory=dict)  # its context


def confirmed(request: HttpRequest) -> bool:
    return request.method == "POST" and request.POST.get(CONFIRM_FIELD) == CONFIRM_VALUE


def confirmation_page(request: HttpRequest, confirmation: Confirmation) -> HttpResponse | None:
    """None when the request confirms; otherwise the page that asks (nothing has been written)."""
    if confirmed(request):
        return None
    if confirmation.carry is not None:
        carried = list(confirmation.carry.items())
    elif request.method == "POST":
        carried = [(k, v) for k, values in request.POST.lists() if k not in NOT_CARRIED for v in values]
    else:
        carried = []
    context = {
        "c": confirmation,
        "carried": carried,
        "confirm_field": CONFIRM_FIELD,
        "confirm_value": CONFIRM_VALUE,
    }
    context.update(confirmation.extra)
    template = "confirm/_dialog.html" if getattr(request, "htmx", False) else "confirm/page.html"
    return render(request, template, context)

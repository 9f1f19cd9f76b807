"""The audit log for the audit administrator: entries newest first with their changes, and the chain check."""

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kaohe.accounts import access
from kaohe.audit import labels
from kaohe.audit.actions import ChainBreak, audit_record, audit_verify
from kaohe.audit.diff import MISSING, changed_fields
from kaohe.audit.exports import entries_workbook
from kaohe.audit.forms import AuditFilterForm, object_type_label
from kaohe.audit.models import AuditEntry

ENTRIES_PER_PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class ChangeRow:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class EntryRow:
    entry: AuditEntry
    action_label: str
    object_type_label: str
    changes: list[ChangeRow]


@dataclass(frozen=True)
class ChainStatus:
    count: int
    broken: ChainBreak | None


def _show(value: Any) -> str:
    if value is MISSING or value is None or value == "":
        return "—"
    if value is True:
        return _("是")
    if value is False:
        return _("否")
    if isinstance(value, list):
        return "、".join(_show(item) for item in value) or "—"
    if isinstance(value, dict):
        return "；".join(f"{labels.field_label(key)}: {_show(item)}" for key, item in value.items())
    return str(value)


def _model_field(object_type: str, name: str) -> Any:
    try:
        return apps.get_model(object_type)._meta.get_field(name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return None


def _label(field: Any, name: str) -> str:
    if field is None:
        return labels.field_label(name)
    if field.is_relation and field.auto_created:  # a reverse relation, e.g. an account's groups
        return str(field.related_model._meta.verbose_name)
    return str(field.verbose_name)


def _value(field: Any, value: Any) -> str:
    choices = dict(getattr(field, "flatchoices", None) or ())
    if isinstance(value, str) and value in choices:
        return str(choices[value])
    return _show(value)


def _row(entry: AuditEntry) -> EntryRow:
    rows = []
    for change in changed_fields(entry.before, entry.after):
        field = _model_field(entry.object_type, change.field) if entry.object_type else None
        before, after = _value(field, change.before), _value(field, change.after)
        if before != after:  # a creation's empty fields say nothing
            rows.append(ChangeRow(_label(field, change.field), before, after))
    return EntryRow(
        entry=entry,
        action_label=labels.action_label(entry.action),
        object_type_label=object_type_label(entry.object_type) if entry.object_type else "",
        changes=rows,
    )


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_GET
@access.role_required(*access.AUDIT_READERS)
def entry_list(request):
    filters = AuditFilterForm(request.GET)
    entries = filters.filter(AuditEntry.objects.select_related("actor").order_by("-seq"))
    page = Paginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "page": page,
        "rows": [_row(entry) for entry in page],
        "query": _query_without_page(request),
    }
    if request.htmx and request.htmx.target == "audit-entries":
        return render(request, "audit/_entry_table.html", context)
    return render(request, "audit/entry_list.html", context)


@require_http_methods(["GET", "POST"])
@access.role_required(*access.AUDIT_READERS)
def chain_verify(request):
    """Walk the whole chain on demand; htmx swaps the status card, a plain request gets a page."""
    chain = ChainStatus(count=AuditEntry.objects.count(), broken=audit_verify())
    if request.htmx:
        return render(request, "audit/_chain_status.html", {"chain": chain})
    return render(request, "audit/chain_verify.html", {"chain": chain})


@require_GET
@access.role_required(*access.AUDIT_READERS)
def entry_export(request):
    """The filtered entries as a workbook; the export itself is recorded."""
    filters = AuditFilterForm(request.GET)
    entries = filters.filter(AuditEntry.objects.order_by("seq"))
    with transaction.atomic():
        audit_record(
            actor=request.user,
            action="audit.export",
            object_type="audit.auditentry",
            after={"filters": {k: v for k, v in request.GET.items() if v}, "entries": entries.count()},
        )
    content = entries_workbook(entries.iterator(chunk_size=2000))
    response = HttpResponse(content, content_type=XLSX)
    filename = f"audit-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

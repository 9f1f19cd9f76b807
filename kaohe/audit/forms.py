from django import forms
from django.apps import apps
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kaohe.audit.labels import action_text
from kaohe.audit.models import AuditEntry


def object_type_label(object_type: str) -> str:
    """'accounts.user' → 账号; a label no longer installed shows as it is."""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("操作"), required=False)
    object_type = forms.ChoiceField(label=_("对象类型"), required=False)
    actor = forms.CharField(label=_("操作人"), required=False, max_length=150)
    date_from = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        entries = AuditEntry.objects.order_by()
        actions = entries.order_by("action").values_list("action", flat=True).distinct()
        types = entries.exclude(object_type="").order_by("object_type").values_list("object_type", flat=True)
        self.fields["action"].choices = [("", _("全部操作")), *((a, action_text(a)) for a in actions)]
        self.fields["object_type"].choices = [
            ("", _("全部对象类型")),
            *((t, f"{object_type_label(t)}（{t}）") for t in types.distinct()),
        ]
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error(
                "date_to", _("截止日期 %(end)s 早于起始日期 %(start)s。") % {"start": start, "end": end}
            )
        return cleaned

    def filter(self, entries: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
        """Apply the valid filters; an invalid one is reported on the form and left out."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if data.get("action"):
            entries = entries.filter(action=data["action"])
        if data.get("object_type"):
            entries = entries.filter(object_type=data["object_type"])
        actor = (data.get("actor") or "").strip()
        if actor:
            entries = entries.filter(Q(actor_name__icontains=actor) | Q(actor__full_name__icontains=actor))
        if data.get("date_from"):
            entries = entries.filter(at__date__gte=data["date_from"])
        if data.get("date_to") and "date_to" not in self.errors:
            entries = entries.filter(at__date__lte=data["date_to"])
        return entries

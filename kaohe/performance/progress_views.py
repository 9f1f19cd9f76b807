"""The cycle's progress page: what is still missing, per unit and per department, and the list to chase.

Organisers see everything, an assessor the units of their groups, a clerk their department's indicators;
every other role gets 403. The figures come from ``progress.cycle_progress`` in a fixed number of queries.
"""

from __future__ import annotations

import tempfile
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from kaohe.accounts.access import role_required
from kaohe.org.models import UnitCategory
from kaohe.performance.progress import (
    PROGRESS_ROLES,
    Progress,
    Scope,
    cycle_progress,
    progress_scope,
    scope_groups,
)
from kaohe.performance.views import XLSX, cycle_context
from kaohe.plans.models import AssessedUnit, AssessmentCycle, AssessmentGroup
from kaohe.plans.selectors import get_cycle
from kaohe.workbook.cells import append_row

PAGE_SIZE = 100


class ProgressFilterForm(forms.Form):
    category = forms.ModelChoiceField(
        queryset=UnitCategory.objects.none(),
        required=False,
        label=gettext_lazy("单位类别"),
        empty_label=gettext_lazy("全部类别"),
        error_messages={
            "invalid_choice": gettext_lazy("单位类别：所选类别不在本年度考核中，已显示全部类别。")
        },
    )
    group = forms.ModelChoiceField(
        queryset=AssessmentGroup.objects.none(),
        required=False,
        label=gettext_lazy("考核组"),
        empty_label=gettext_lazy("全部考核组"),
        error_messages={
            "invalid_choice": gettext_lazy("考核组：所选考核组不存在或不在您的范围内，已显示全部。")
        },
    )
    show = forms.ChoiceField(
        choices=[("", gettext_lazy("全部单位")), ("missing", gettext_lazy("只看有缺项的单位"))],
        required=False,
        label=gettext_lazy("显示"),
    )

    def __init__(self, data, *, cycle: AssessmentCycle, scope: Scope) -> None:
        super().__init__(data)
        categories = AssessedUnit.objects.filter(cycle=cycle).values("category_id")
        self.fields["category"].queryset = UnitCategory.objects.filter(pk__in=categories).order_by(
            "order", "name"
        )
        self.fields["group"].queryset = scope_groups(scope, cycle)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"

    def filters(self) -> dict[str, Any]:
        """The valid filters; an invalid one is dropped (its message is shown with the form)."""
        self.is_valid()
        category, group = self.cleaned_data.get("category"), self.cleaned_data.get("group")
        return {"category_id": category.pk if category else None, "group_id": group.pk if group else None}


def _progress(request: HttpRequest, year: int) -> tuple[AssessmentCycle, Scope, ProgressFilterForm, Progress]:
    cycle = get_cycle(request.user, year)
    scope = progress_scope(request.user)
    if scope is None:
        raise PermissionDenied
    form = ProgressFilterForm(request.GET, cycle=cycle, scope=scope)
    return cycle, scope, form, cycle_progress(scope, cycle, **form.filters())


def _query(request: HttpRequest, *drop: str) -> str:
    params = request.GET.copy()
    for name in drop:
        params.pop(name, None)
    return params.urlencode()


@role_required(*PROGRESS_ROLES)
@require_GET
def progress(request: HttpRequest, year: int) -> HttpResponse:
    cycle, scope, form, report = _progress(request, year)
    only_missing = form.is_valid() and form.cleaned_data.get("show") == "missing"
    units = report.units_to_chase if only_missing else report.units
    page = Paginator(units, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        **cycle_context(cycle),
        "form": form,
        "report": report,
        "scope": scope,
        "page_obj": page,
        "query": _query(request, "page"),
        "filters_query": _query(request, "page", "show"),
        "chase_units": len(report.units_to_chase),
    }
    return render(request, "performance/progress.html", context)


@role_required(*PROGRESS_ROLES)
@require_GET
def progress_chase(request: HttpRequest, year: int) -> FileResponse:
    """The list to chase as a workbook: departments, then units, each missing item with who and where."""
    cycle, scope, form, report = _progress(request, year)
    spool = tempfile.TemporaryFile()  # FileResponse closes it
    write_chase_sheet(spool, report, base=request.build_absolute_uri("/"))
    spool.seek(0)
    return FileResponse(
        spool, as_attachment=True, filename=f"{cycle.year}年度考核-待催办清单.xlsx", content_type=XLSX
    )


def write_chase_sheet(target, report: Progress, *, base: str) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("待催办"))
    sheet.append(
        [_("对象"), _("编码"), _("名称"), _("单位类别"), _("缺少"), _("数量"), _("由谁填写"), _("填写页面")]
    )
    root = base.rstrip("/")
    for department in report.departments_to_chase:
        for indicator in department.indicators:
            if indicator.missing:
                append_row(
                    sheet,
                    [
                        _("归口部门"),
                        department.code,
                        department.name,
                        indicator.category,
                        _("指标「%(code)s %(name)s」的部门评分")
                        % {"code": indicator.code, "name": indicator.name},
                        indicator.missing,
                        department.name,
                        root + department.url if department.url else _("考核办（未指定归口部门）"),
                    ],
                )
    for unit in report.units_to_chase:
        for item in unit.chase:
            append_row(
                sheet,
                [
                    _("单位"),
                    unit.code,
                    unit.name,
                    unit.category,
                    item.what,
                    item.count,
                    item.who,
                    root + item.url,
                ],
            )
    book.save(target)

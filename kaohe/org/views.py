"""The roster in the browser: units, cadres and categories; browse, search, filter, and (organiser) edit.

Each view: get through the selectors (404 outside the account's scope), validate with a form, call the
write function in `actions.py`, render. List pages annotate what the rows show, so a page of 50 rows
costs the same few queries as a page of one.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kaohe.accounts.access import CADRE_READERS, ROSTER_EDITORS, ROSTER_READERS, role_required
from kaohe.accounts.models import Role
from kaohe.org import actions, selectors
from kaohe.org.forms import (
    CadreCreateForm,
    CadreFilterForm,
    CadreForm,
    CadreMoveForm,
    CategoryForm,
    PositionForm,
    UnitFilterForm,
    UnitForm,
)
from kaohe.org.models import Cadre, Position, Unit, UnitCategory

PAGE_SIZE = 50
# A cadre may open their own record, and nothing else of the roster.
CADRE_RECORD_READERS = (*CADRE_READERS, Role.CADRE)


def _page(request, queryset: QuerySet):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _wants_partial(request) -> bool:
    # htmx restoring history after a cache miss needs the whole page, not the fragment.
    return bool(request.htmx) and not request.htmx.history_restore_request


def _render_list(request, template: str, partial: str, context: dict):
    """The full page, or for an htmx request only the results partial that the page includes."""
    response = render(request, partial if _wants_partial(request) else template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- units ------------------------------------------------------------------------------------------------


def attach_unit_stats(units: list[Unit]) -> list[Unit]:
    """Set each unit's principal cadre and number of current cadres: two queries for the whole page.

    Done after paginating, so the cost is that of the rows shown, whatever the page number.
    """
    ids = [unit.pk for unit in units]
    if not ids:
        return units
    principals: dict[int, tuple[int, str]] = {}
    rows = (
        Position.objects.filter(unit_id__in=ids, end__isnull=True, principal=True)
        .order_by("unit_id", "start", "pk")
        .values_list("unit_id", "cadre_id", "cadre__name")
    )
    for unit_id, cadre_id, name in rows:
        principals.setdefault(unit_id, (cadre_id, name))
    counts = dict(
        Cadre.objects.filter(current_unit_id__in=ids)
        .order_by()
        .values_list("current_unit_id")
        .annotate(n=Count("pk"))
        .values_list("current_unit_id", "n")
    )
    for unit in units:
        unit.principal_cadre_id, unit.principal_cadre_name = principals.get(unit.pk, (None, None))
        unit.cadre_count = counts.get(unit.pk, 0)
    return units


@role_required(*ROSTER_READERS)
@require_GET
def unit_list(request):
    user = request.user
    units = selectors.visible_units(user)
    form = UnitFilterForm(request.GET, units=units)
    form.is_valid()
    data = form.cleaned_data
    if data.get("q"):
        units = units.search(data["q"])
    if data.get("category"):
        units = units.filter(category=data["category"])
    if data.get("parent"):
        units = units.filter(parent=data["parent"])
    show_cadres = user.has_role(*CADRE_READERS)
    page_obj = _page(request, units)
    if show_cadres:
        page_obj.object_list = attach_unit_stats(list(page_obj.object_list))
    context = {
        "form": form,
        "page_obj": page_obj,
        "query": _query_without_page(request),
        "show_cadres": show_cadres,
        "can_edit": user.has_role(*ROSTER_EDITORS),
    }
    return _render_list(request, "org/unit_list.html", "org/_unit_results.html", context)


@role_required(*ROSTER_READERS)
@require_GET
def unit_detail(request, pk: int):
    user = request.user
    unit = selectors.get_unit(user, pk)
    show_cadres = user.has_role(*CADRE_READERS)
    team = []
    if show_cadres:
        team = list(
            Position.objects.filter(
                unit=unit,
                end__isnull=True,
                cadre__in=selectors.visible_cadres(user).filter(current_unit=unit).values("pk"),
            )
            .select_related("cadre")
            .order_by("-principal", "start", "cadre__code")
        )
    children = list(selectors.visible_units(user).filter(parent=unit))
    if show_cadres:
        attach_unit_stats(children)
    context = {
        "unit": unit,
        "team": team,
        "children": children,
        # The parent is named to everyone, but linked only for those who may open it.
        "parent_visible": unit.parent_id is not None
        and selectors.visible_units(user).filter(pk=unit.parent_id).exists(),
        "show_cadres": show_cadres,
        "can_edit": user.has_role(*ROSTER_EDITORS),
    }
    return render(request, "org/unit_detail.html", context)


@role_required(*ROSTER_EDITORS)
@require_http_methods(["GET", "POST"])
def unit_create_view(request):
    form = UnitForm(request.POST or None, initial={"parent": request.GET.get("parent", "")})
    if request.method == "POST" and form.is_valid():
        unit = actions.unit_create(actor=request.user, **form.cleaned_data)
        messages.success(request, _("已新增单位「%(name)s」。") % {"name": unit.name})
        return redirect("org:unit_detail", pk=unit.pk)
    return render(request, "org/unit_form.html", {"form": form, "unit": None})


@role_required(*ROSTER_EDITORS)
@require_http_methods(["GET", "POST"])
def unit_edit(request, pk: int):
    unit = selectors.get_unit(request.user, pk)
    form = UnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        try:
            actions.unit_update(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("parent", error)
        else:
            messages.success(request, _("已保存单位「%(name)s」。") % {"name": unit.name})
            return redirect("org:unit_detail", pk=unit.pk)
    return render(request, "org/unit_form.html", {"form": form, "unit": unit})


# --- cadres -----------------------------------------------------------------------------------------------


def attach_current_positions(cadres: list[Cadre]) -> list[Cadre]:
    """Set each cadre's current title and principal flag: one query for the whole page."""
    ids = [cadre.pk for cadre in cadres]
    current = (
        {
            cadre_id: (title, principal)
            for cadre_id, title, principal in Position.objects.filter(cadre_id__in=ids, end__isnull=True)
            .order_by()
            .values_list("cadre_id", "title", "principal")
        }
        if ids
        else {}
    )
    for cadre in cadres:
        cadre.current_title, cadre.current_principal = current.get(cadre.pk, (None, None))
    return cadres


@role_required(*CADRE_READERS)
@require_GET
def cadre_list(request):
    user = request.user
    units = selectors.visible_units(user)
    cadres = selectors.visible_cadres(user)
    form = CadreFilterForm(request.GET, units=units)
    form.is_valid()
    data = form.cleaned_data
    if data.get("q"):
        cadres = cadres.search(data["q"])
    if data.get("category"):
        cadres = cadres.filter(current_unit__category=data["category"])
    if data.get("unit"):
        cadres = cadres.filter(current_unit=data["unit"])
    page_obj = _page(request, cadres)
    page_obj.object_list = attach_current_positions(list(page_obj.object_list))
    context = {
        "form": form,
        "page_obj": page_obj,
        "query": _query_without_page(request),
        "can_edit": user.has_role(*ROSTER_EDITORS),
        "can_read_units": user.has_role(*ROSTER_READERS),
    }
    if not _wants_partial(request):
        form.limit_unit_options()  # the select is only rendered on the full page
    return _render_list(request, "org/cadre_list.html", "org/_cadre_results.html", context)


@role_required(*CADRE_RECORD_READERS)
@require_GET
def cadre_detail(request, pk: int):
    user = request.user
    cadre = selectors.get_cadre(user, pk)
    positions = list(cadre.positions.select_related("unit").order_by("-start", "-pk"))
    current = next((p for p in positions if p.end is None), None)
    context = {
        "cadre": cadre,
        "current": current,
        "history": [p for p in positions if p.end is not None],
        "can_edit": user.has_role(*ROSTER_EDITORS),
        "can_read_units": user.has_role(*ROSTER_READERS),
    }
    return render(request, "org/cadre_detail.html", context)


@role_required(*ROSTER_EDITORS)
@require_http_methods(["GET", "POST"])
def cadre_create_view(request):
    form = CadreCreateForm(request.POST or None, initial={"unit": request.GET.get("unit", "")})
    if request.method == "POST" and form.is_valid():
        cadre = actions.cadre_create(actor=request.user, **form.cleaned_data)
        messages.success(request, _("已新增干部「%(name)s」。") % {"name": cadre.name})
        return redirect("org:cadre_detail", pk=cadre.pk)
    return render(request, "org/cadre_form.html", {"form": form, "cadre": None})


@role_required(*ROSTER_EDITORS)
@require_http_methods(["GET", "POST"])
def cadre_edit(request, pk: int):
    cadre = selectors.get_cadre(request.user, pk)
    form = CadreForm(request.POST or None, instance=cadre)
    if request.method == "POST" and form.is_valid():
        actions.cadre_update(actor=request.user, cadre=cadre, **form.cleaned_data)
        messages.success(request, _("已保存干部「%(name)s」的基本信息。") % {"name": cadre.name})
        return redirect("org:cadre_detail", pk=cadre.pk)
    return render(request, "org/cadre_form.html", {"form": form, "cadre": cadre})


@role_required(*ROSTER_EDITORS)
@require_http_methods(["GET", "POST"])
def cadre_move_view(request, pk: int):
    cadre = selectors.get_cadre(request.user, pk)
    form = CadreMoveForm(request.POST or None, cadre=cadre)
    if request.method == "POST" and form.is_valid():
        try:
            actions.cadre_move(actor=request.user, cadre=cadre, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("start", error)
        else:
            messages.success(request, _("已为干部「%(name)s」办理职务变动。") % {"name": cadre.name})
            return redirect("org:cadre_detail", pk=cadre.pk)
    context = {"form": form, "cadre": cadre, "current": cadre.current_position}
    return render(request, "org/cadre_move.html", context)


@role_required(*ROSTER_EDITORS)
@require_http_methods(["GET", "POST"])
def position_edit(request, pk: int):
    cadre = selectors.get_cadre(request.user, pk)
    current = cadre.current_position
    if current is None:
        messages.error(request, _("干部「%(name)s」当前没有任职，请办理职务变动。") % {"name": cadre.name})
        return redirect("org:cadre_move", pk=cadre.pk)
    form = PositionForm(
        request.POST or None, initial={"title": current.title, "principal": current.principal}
    )
    if request.method == "POST" and form.is_valid():
        actions.position_update(actor=request.user, position=current, **form.cleaned_data)
        messages.success(request, _("已保存干部「%(name)s」的现任职务。") % {"name": cadre.name})
        return redirect("org:cadre_detail", pk=cadre.pk)
    return render(request, "org/position_form.html", {"form": form, "cadre": cadre, "current": current})


# --- categories -------------------------------------------------------------------------------------------


@role_required(*ROSTER_EDITORS)
@require_GET
def category_list(request):
    categories = UnitCategory.objects.annotate(unit_count=Count("units")).order_by("order", "name")
    return render(request, "org/category_list.html", {"categories": categories})


@role_required(*ROSTER_EDITORS)
@require_http_methods(["GET", "POST"])
def category_create_view(request):
    form = CategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        category = actions.category_create(actor=request.user, **form.cleaned_data)
        messages.success(request, _("已新增单位类别「%(name)s」。") % {"name": category.name})
        return redirect("org:category_list")
    return render(request, "org/category_form.html", {"form": form, "category": None})


@role_required(*ROSTER_EDITORS)
@require_http_methods(["GET", "POST"])
def category_edit(request, pk: int):
    category = get_object_or_404(UnitCategory, pk=pk)
    form = CategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        actions.category_update(actor=request.user, category=category, **form.cleaned_data)
        messages.success(request, _("已保存单位类别「%(name)s」。") % {"name": category.name})
        return redirect("org:category_list")
    return render(request, "org/category_form.html", {"form": form, "category": category})

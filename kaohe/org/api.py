"""The roster over JSON: the same selectors, forms and write functions as the HTML views.

Reads follow the roles of the views (403 for a role without access, 404 outside the account's scope);
writes are the organiser's, and bad input gets 422 with a Chinese message per field.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from kaohe.accounts.access import CADRE_READERS, ROSTER_EDITORS, ROSTER_READERS
from kaohe.api_errors import ApiError, Input, Refused
from kaohe.api_paging import PageNumber
from kaohe.org import actions, selectors
from kaohe.org.forms import CadreCreateForm, CadreForm, CadreMoveForm, PositionForm, UnitForm
from kaohe.org.models import Cadre, Position, Unit, UnitCategory
from kaohe.org.views import CADRE_RECORD_READERS, attach_current_positions

router = Router(tags=["org"])


class PagedBy50(PageNumber):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(page_size=50, max_page_size=200, **kwargs)


class CadresPagedBy50(PagedBy50):
    """Pages of cadres with their current title, looked up for the page's rows only."""

    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        page[self.items_attribute] = attach_current_positions(list(page[self.items_attribute]))
        return page


# --- schemas ----------------------------------------------------------------------------------------------


class CategoryOut(Schema):
    id: int
    name: str
    order: int


class UnitOut(Schema):
    id: int
    code: str
    name: str
    category_id: int
    category_name: str
    parent_id: int | None
    parent_code: str | None
    parent_name: str | None

    @staticmethod
    def resolve_category_name(unit: Unit) -> str:
        return unit.category.name

    @staticmethod
    def resolve_parent_code(unit: Unit) -> str | None:
        return unit.parent.code if unit.parent_id else None

    @staticmethod
    def resolve_parent_name(unit: Unit) -> str | None:
        return unit.parent.name if unit.parent_id else None


# Input fields are loosely typed and the required ones have empty defaults on purpose: the forms check
# them, so a missing or malformed value gets the same Chinese message as in the pages.


class UnitIn(Input):
    code: str = Field("", description="单位编码（必填）")
    name: str = Field("", description="单位名称（必填）")
    category_id: int | str | None = Field(None, description="单位类别 id（必填）")
    parent_code: str | None = Field(None, description="上级单位编码；没有上级单位时为空")


class UnitPatch(Input):
    code: str | None = None
    name: str | None = None
    category_id: int | str | None = None
    parent_code: str | None = None


class PositionOut(Schema):
    id: int
    unit_id: int
    unit_code: str
    unit_name: str
    title: str
    principal: bool
    start: datetime.date | None
    end: datetime.date | None

    @staticmethod
    def resolve_unit_code(position: Position) -> str:
        return position.unit.code

    @staticmethod
    def resolve_unit_name(position: Position) -> str:
        return position.unit.name


class CadreOut(Schema):
    id: int
    code: str
    name: str
    gender: str
    birth_month: str | None = Field(None, description="YYYY-MM")
    current_unit_id: int | None
    current_unit_code: str | None
    current_unit_name: str | None

    @staticmethod
    def resolve_birth_month(cadre: Cadre) -> str | None:
        return cadre.birth_month.strftime("%Y-%m") if cadre.birth_month else None

    @staticmethod
    def resolve_current_unit_code(cadre: Cadre) -> str | None:
        return cadre.current_unit.code if cadre.current_unit_id else None

    @staticmethod
    def resolve_current_unit_name(cadre: Cadre) -> str | None:
        return cadre.current_unit.name if cadre.current_unit_id else None


class CadreListOut(CadreOut):
    current_title: str | None = None
    current_principal: bool | None = None


class CadreDetailOut(CadreOut):
    positions: list[PositionOut]

    @staticmethod
    def resolve_positions(cadre: Cadre) -> list[Position]:
        return list(cadre.positions.select_related("unit").order_by("-start", "-pk"))


class CadreIn(Input):
    code: str = Field("", description="干部编码（必填）")
    name: str = Field("", description="姓名（必填）")
    gender: str = Field("", description="男 / 女")
    birth_month: str | None = Field(None, description="出生年月 YYYY-MM")
    unit_code: str = Field("", description="单位编码（必填）")
    title: str = Field("", description="职务（必填）")
    principal: bool = False
    start: str | None = Field(None, description="任职时间 YYYY-MM-DD")


class CadrePatch(Input):
    """Personal fields, and the title and principal flag of the current position."""

    code: str | None = None
    name: str | None = None
    gender: str | None = None
    birth_month: str | None = None
    title: str | None = None
    principal: bool | None = None


class CadreMoveIn(Input):
    unit_code: str = Field("", description="新单位编码（必填）")
    title: str = Field("", description="新职务（必填）")
    principal: bool = False
    start: str = Field("", description="任职时间 YYYY-MM-DD（必填），须晚于现任职务的任职时间")


# --- helpers ----------------------------------------------------------------------------------------------

# Form field → API field, where the API names a reference by what it carries.
_API_NAMES = {"category": "category_id", "parent": "parent_code", "unit": "unit_code"}


def _require(request: HttpRequest, roles: tuple[str, ...]) -> None:
    if not request.user.has_role(*roles):
        raise HttpError(403, "当前账号无权执行此操作")


def _invalid(*forms: Any, extra: dict[str, list[str]] | None = None) -> Status:
    """422 with each message under the API's name of its field, and all of them, labelled, in `detail`."""
    errors: dict[str, list[str]] = {}
    lines: list[str] = []
    pairs = [(form, field, messages) for form in forms for field, messages in form.errors.items()]
    pairs += [(None, field, messages) for field, messages in (extra or {}).items()]
    for form, field, messages in pairs:
        name = "non_field_errors" if field == "__all__" else _API_NAMES.get(field, field)
        label = str(form.fields[field].label) if form is not None and field in form.fields else ""
        for message in map(str, messages):
            errors.setdefault(name, []).append(message)
            lines.append(f"{label}：{message}" if label and label not in message else message)
    return Status(422, {"detail": "；".join(lines), "errors": errors})


def _id_param(value: str, name: str) -> int:
    if not value.strip().isdigit():
        raise Refused({name: [f"参数 {name} 应为整数 id，不能是 {value}"]})
    return int(value)


def _unit_data(payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": payload.get("code"),
        "name": payload.get("name"),
        "category": payload.get("category_id"),
        "parent": payload.get("parent_code") or "",
    }


# --- categories -------------------------------------------------------------------------------------------


@router.get("/categories", response=list[CategoryOut])
def list_categories(request: HttpRequest):
    _require(request, ROSTER_READERS)
    return UnitCategory.objects.order_by("order", "name")


# --- units ------------------------------------------------------------------------------------------------


@router.get("/units", response=list[UnitOut])
@paginate(PagedBy50)
def list_units(request: HttpRequest, q: str = "", category: str | None = None, parent: str | None = None):
    _require(request, ROSTER_READERS)
    units = selectors.visible_units(request.user)
    if q.strip():
        units = units.search(q)
    if category:
        units = units.filter(category_id=_id_param(category, "category"))
    if parent:
        units = units.filter(parent_id=_id_param(parent, "parent"))
    return units


@router.get("/units/{unit_id}", response=UnitOut)
def get_unit_view(request: HttpRequest, unit_id: int):
    _require(request, ROSTER_READERS)
    return selectors.get_unit(request.user, unit_id)


@router.post("/units", response={201: UnitOut, 422: ApiError})
def create_unit(request: HttpRequest, payload: UnitIn):
    _require(request, ROSTER_EDITORS)
    form = UnitForm(_unit_data(payload.model_dump()))
    if not form.is_valid():
        return _invalid(form)
    return Status(201, actions.unit_create(actor=request.user, **form.cleaned_data))


@router.patch("/units/{unit_id}", response={200: UnitOut, 422: ApiError})
def update_unit(request: HttpRequest, unit_id: int, payload: UnitPatch):
    _require(request, ROSTER_EDITORS)
    unit = selectors.get_unit(request.user, unit_id)
    current = {
        "code": unit.code,
        "name": unit.name,
        "category_id": unit.category_id,
        "parent_code": unit.parent.code if unit.parent_id else None,
    }
    form = UnitForm(_unit_data({**current, **payload.model_dump(exclude_unset=True)}), instance=unit)
    if not form.is_valid():
        return _invalid(form)
    try:
        actions.unit_update(actor=request.user, unit=unit, **form.cleaned_data)
    except ValidationError as error:
        return _invalid(extra={"parent": error.messages})
    return unit


# --- cadres -----------------------------------------------------------------------------------------------


@router.get("/cadres", response=list[CadreListOut])
@paginate(CadresPagedBy50)
def list_cadres(request: HttpRequest, q: str = "", category: str | None = None, unit: str | None = None):
    _require(request, CADRE_READERS)
    cadres = selectors.visible_cadres(request.user)
    if q.strip():
        cadres = cadres.search(q)
    if category:
        cadres = cadres.filter(current_unit__category_id=_id_param(category, "category"))
    if unit:
        cadres = cadres.filter(current_unit_id=_id_param(unit, "unit"))
    return cadres


@router.get("/cadres/{cadre_id}", response=CadreDetailOut)
def get_cadre_view(request: HttpRequest, cadre_id: int):
    _require(request, CADRE_RECORD_READERS)
    return selectors.get_cadre(request.user, cadre_id)


@router.post("/cadres", response={201: CadreDetailOut, 422: ApiError})
def create_cadre(request: HttpRequest, payload: CadreIn):
    _require(request, ROSTER_EDITORS)
    data = payload.model_dump()
    data["unit"] = data.pop("unit_code")
    form = CadreCreateForm(data)
    if not form.is_valid():
        return _invalid(form)
    return Status(201, actions.cadre_create(actor=request.user, **form.cleaned_data))


@router.patch("/cadres/{cadre_id}", response={200: CadreDetailOut, 422: ApiError})
def update_cadre(request: HttpRequest, cadre_id: int, payload: CadrePatch):
    _require(request, ROSTER_EDITORS)
    cadre = selectors.get_cadre(request.user, cadre_id)
    given = payload.model_dump(exclude_unset=True)
    personal = {
        "code": cadre.code,
        "name": cadre.name,
        "gender": cadre.gender,
        "birth_month": cadre.birth_month.strftime("%Y-%m") if cadre.birth_month else "",
    }
    personal.update({key: given[key] for key in personal if key in given})
    form = CadreForm(
        {key: value if value is not None else "" for key, value in personal.items()}, instance=cadre
    )
    position_form = None
    current = cadre.current_position
    if "title" in given or "principal" in given:
        if current is None:
            return _invalid(extra={"title": ["该干部当前没有任职，请先办理职务变动"]})
        position = {"title": current.title, "principal": current.principal}
        position.update({key: given[key] for key in position if key in given and given[key] is not None})
        position_form = PositionForm(position)
    checked = [form] if position_form is None else [form, position_form]
    if not all([f.is_valid() for f in checked]):
        return _invalid(*checked)
    with transaction.atomic():
        actions.cadre_update(actor=request.user, cadre=cadre, **form.cleaned_data)
        if position_form is not None:
            actions.position_update(actor=request.user, position=current, **position_form.cleaned_data)
    return cadre


@router.post("/cadres/{cadre_id}/move", response={201: CadreDetailOut, 422: ApiError})
def move_cadre(request: HttpRequest, cadre_id: int, payload: CadreMoveIn):
    _require(request, ROSTER_EDITORS)
    cadre = selectors.get_cadre(request.user, cadre_id)
    data = payload.model_dump()
    data["unit"] = data.pop("unit_code")
    form = CadreMoveForm(data, cadre=cadre)
    if not form.is_valid():
        return _invalid(form)
    try:
        actions.cadre_move(actor=request.user, cadre=cadre, **form.cleaned_data)
    except ValidationError as error:
        return _invalid(extra={"start": error.messages})
    cadre.refresh_from_db()
    return Status(201, cadre)

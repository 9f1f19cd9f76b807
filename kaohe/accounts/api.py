"""Accounts in the API: the list for the system administrator, and `me` for any logged-in account."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from kaohe.accounts import access
from kaohe.accounts.forms import UserFilterForm, account_list
from kaohe.accounts.models import Role, User
from kaohe.api_paging import LimitOffset

router = Router(tags=["accounts"])


class Ref(Schema):
    id: int
    name: str


class CadreRef(Ref):
    code: str


class GroupRef(Ref):
    cycle: str


class Scope(Schema):
    unit: Ref | None
    department: Ref | None
    cadre: CadreRef | None
    assessment_groups: list[GroupRef]


def _scope(user: User) -> Scope:
    # Assessor groups come from account_list()'s prefetch.
    groups = user.assessment_groups.all() if user.role == Role.ASSESSOR else []
    return Scope(
        unit=Ref(id=user.unit.pk, name=user.unit.name) if user.unit_id else None,
        department=Ref(id=user.department.pk, name=user.department.name) if user.department_id else None,
        cadre=CadreRef(id=user.cadre.pk, name=user.cadre.name, code=user.cadre.code)
        if user.cadre_id
        else None,
        assessment_groups=[GroupRef(id=g.pk, name=g.name, cycle=g.cycle.name) for g in groups],
    )


class Me(Schema):
    username: str
    full_name: str
    role: str
    role_label: str
    scope: Scope

    @staticmethod
    def resolve_role_label(user: User) -> str:
        return str(user.get_role_display())

    @staticmethod
    def resolve_scope(user: User) -> Scope:
        return _scope(user)


class Account(Me):
    id: int
    is_active: bool
    last_login: datetime | None


@router.get("/users", response=list[Account], summary="账号列表（系统管理员）")
@paginate(LimitOffset)
def list_users(request: HttpRequest, role: str = "", status: str = "", q: str = ""):
    if not request.user.has_role(*access.ACCOUNT_MANAGERS):
        raise HttpError(403, "无权查看账号。")
    return UserFilterForm({"role": role, "status": status, "q": q}).filter(account_list())


@router.get("/me", response=Me, summary="当前账号")
def me(request: HttpRequest):
    account = account_list().get(pk=request.user.pk)
    account.role = request.user.role  # through a token: the token's role, not the account's (never saved)
    return account

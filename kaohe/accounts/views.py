import time

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kaohe.accounts import access, actions
from kaohe.accounts.forms import (
    ThrottledLoginForm,
    UserCreateForm,
    UserFilterForm,
    UserForm,
    UserPasswordForm,
    account_list,
)
from kaohe.accounts.middleware import LAST_SEEN
from kaohe.accounts.models import User
from kaohe.accounts.todo import todo_items
from kaohe.org import selectors as org_selectors


class LoginView(auth_views.LoginView):
    form_class = ThrottledLoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        self.request.session[LAST_SEEN] = int(time.time())  # the idle-timeout clock starts here
        return response


@login_required
def home(request):
    user = request.user
    own_cadre = org_selectors.own_cadre(user)
    context = {
        "todo": todo_items(user),
        "own_cadre": own_cadre,
        # The roster's figures, for the roles that survey a roster; a cadre's is their own record above.
        "unit_count": 0 if own_cadre else org_selectors.visible_units(user).count(),
        "cadre_count": 0 if own_cadre else org_selectors.visible_cadres(user).count(),
        "categories": [] if own_cadre else org_selectors.category_summary(user),
    }
    return render(request, "accounts/home.html", context)


USERS_PER_PAGE = 50


def _account(pk: int) -> User:
    # The organiser manages every account; other roles never reach here (role_required).
    return get_object_or_404(User.objects.select_related("unit", "department", "cadre"), pk=pk)


@require_http_methods(["GET"])
@access.role_required(*access.ACCOUNT_MANAGERS)
def user_list(request):
    filters = UserFilterForm(request.GET)
    page = Paginator(filters.filter(account_list()), USERS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"filters": filters, "page": page, "query": _query_without_page(request)}
    if request.htmx:
        return render(request, "accounts/_user_table.html", context)
    return render(request, "accounts/user_list.html", context)


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_http_methods(["GET", "POST"])
@access.role_required(*access.ACCOUNT_MANAGERS)
def user_create_view(request):
    form = UserCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            user = actions.user_create(
                actor=request.user,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
                **form.scope(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("已创建账号“%(username)s”。") % {"username": user.username})
            return redirect("accounts:user_edit", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "account": None})


@require_http_methods(["GET", "POST"])
@access.role_required(*access.ACCOUNT_MANAGERS)
def user_edit(request, pk: int):
    account = _account(pk)
    form = UserForm(request.POST or None, actor=request.user, user=account)
    if request.method == "POST" and form.is_valid():
        try:
            actions.user_update(actor=request.user, user=account, **form.scope())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("已保存账号“%(username)s”。") % {"username": account.username})
            return redirect("accounts:user_edit", pk=account.pk)
    return render(request, "accounts/user_form.html", {"form": form, "account": account})


@require_POST
@access.role_required(*access.ACCOUNT_MANAGERS)
def user_set_active_view(request, pk: int):
    account = _account(pk)
    active = request.POST.get("active") == "1"
    try:
        actions.user_set_active(actor=request.user, user=account, active=active)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        template = _("已启用账号“%(username)s”。") if active else _("已停用账号“%(username)s”。")
        messages.success(request, template % {"username": account.username})
    return redirect("accounts:user_edit", pk=account.pk)


@require_http_methods(["GET", "POST"])
@access.role_required(*access.ACCOUNT_MANAGERS)
def user_password(request, pk: int):
    account = _account(pk)
    form = UserPasswordForm(request.POST or None, user=account)
    if request.method == "POST" and form.is_valid():
        try:
            account = actions.user_set_password(
                actor=request.user, user=account, password=form.cleaned_data["password1"]
            )
        except ValidationError as error:
            form.add_error("password1", error)
        else:
            if account.pk == request.user.pk:
                update_session_auth_hash(request, account)  # an organiser resetting their own stays in
            messages.success(request, _("已重置账号“%(username)s”的密码。") % {"username": account.username})
            return redirect("accounts:user_edit", pk=account.pk)
    return render(request, "accounts/user_password.html", {"form": form, "account": account})

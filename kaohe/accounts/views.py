from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from kaohe.accounts.forms import ThrottledLoginForm
from kaohe.org import selectors as org_selectors


class LoginView(auth_views.LoginView):
    form_class = ThrottledLoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@login_required
def home(request):
    user = request.user
    context = {
        "unit_count": org_selectors.visible_units(user).count(),
        "cadre_count": org_selectors.visible_cadres(user).count(),
        "categories": org_selectors.category_summary(user),
        "own_cadre": org_selectors.own_cadre(user),
    }
    return render(request, "accounts/home.html", context)


def user_list(request):  # replaced by the account management views (helper in progress)
    from django.http import HttpResponse

    return HttpResponse()

from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.i18n import set_language

from kaohe.accounts import views as account_views
from kaohe.api import api


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers ask for /favicon.ico whatever the page says: the app's own icon (resolved per request, so the
    static manifest is read only once the app serves)."""
    return HttpResponsePermanentRedirect(static("kaohe/favicon.ico"))


urlpatterns = [
    # First: the ballot page is the busiest address, and resolving it behind the "" includes cost 1 ms.
    path("b/", include("kaohe.ballots.public_urls")),
    path("", account_views.home, name="home"),
    path("login/", account_views.LoginView.as_view(), name="login"),
    path("accounts/", include("kaohe.accounts.urls")),
    path("org/", include("kaohe.org.urls")),
    path("audit/", include("kaohe.audit.urls")),
    path("cycles/", include("kaohe.plans.urls")),
    path("cycles/", include("kaohe.cycle_workbook.urls")),
    path("", include("kaohe.performance.urls")),
    path("", include("kaohe.surveys.urls")),
    path("", include("kaohe.results.urls")),
    path("", include("kaohe.reports.urls")),
    path("", include("kaohe.feedback.urls")),
    path("", include("kaohe.integrity.urls")),
    path("", include("kaohe.interviews.urls")),
    path("", include("kaohe.profiles.urls")),
    path("s/", include("kaohe.surveys.public_urls")),
    path("", include("kaohe.ballots.urls")),
    path("jobs/", include("kaohe.jobs.urls")),
    path("records/", include("kaohe.records.urls")),
    path("fieldwork/", include("kaohe.fieldwork.urls")),
    path("dutyreports/", include("kaohe.dutyreports.urls")),
    path("reviews/", include("kaohe.reviews.urls")),
    path("api/", api.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("favicon.ico", favicon, name="favicon"),
]

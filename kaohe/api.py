"""The JSON API (django-ninja): its schema at /api/openapi.json, the docs at /api/docs (signed-in only).

Two ways in: a bearer token (``Authorization: Bearer kh.…``, accounts/tokens.py: no CSRF) or the session
(with CSRF). The same accounts and the same selectors and write functions as the HTML views: each app
contributes one router. Refusals have one shape (kaohe/api_errors.py). The schema is pinned by
kaohe/tests/openapi.json (``kaohe api_schema --write`` refreshes it).
"""

import json
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger
from ninja.security import django_auth

from kaohe import api_errors
from kaohe.accounts.api import router as accounts_router
from kaohe.accounts.tokens import BearerToken, TokenRefused, token_authenticate
from kaohe.ballots.api import router as ballots_router
from kaohe.ballots.summaries_api import router as ballot_summaries_router
from kaohe.cycle_workbook.api import router as cycle_workbook_router
from kaohe.dutyreports.api import router as dutyreports_router
from kaohe.feedback.api import router as feedback_router
from kaohe.fieldwork.api import router as fieldwork_router
from kaohe.integrity.api import router as integrity_router
from kaohe.interviews.api import router as interviews_router
from kaohe.jobs.api import router as jobs_router
from kaohe.org.api import router as org_router
from kaohe.performance.api import router as performance_router
from kaohe.plans import gate
from kaohe.plans.api import router as plans_router
from kaohe.profiles.api import router as profiles_router
from kaohe.records.api import router as records_router
from kaohe.reports.api import router as reports_router
from kaohe.results.api import router as results_router
from kaohe.reviews.api import router as reviews_router
from kaohe.surveys.api import router as surveys_router

SCHEMA_URL = "/openapi.json"
DOCS_URL = "/docs"


class KaoheAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        return api_errors.document(super().get_openapi_schema(**kwargs))


class LocalSwagger(Swagger):
    """Swagger UI from the app's own static files (swagger-ui-dist, vendored by `make assets`), no CDN."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        return render(request, "api/docs.html", {"api": api, "swagger_settings": json.dumps(settings)})


def signed_in(view):
    """The schema and the docs: for a signed-in account or a valid token; anonymous → login (docs) or 401."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("bearer "):
            try:
                request.user = token_authenticate(header[7:])
            except TokenRefused as refused:
                return api.create_response(request, {"detail": refused.message}, status=401)
        elif not request.user.is_authenticated:
            if request.path.endswith(SCHEMA_URL):
                return api.create_response(request, {"detail": "请先登录"}, status=401)
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


api = KaoheAPI(
    title="Kaohe API",
    version="1",
    auth=[BearerToken(), django_auth],
    urls_namespace="api",
    openapi_url=SCHEMA_URL,
    docs_url=DOCS_URL,
    docs=LocalSwagger(),
    docs_decorator=signed_in,
)
# The phase gate's refusal is a 409 with its sentence wherever a router meets it (gate.check_phase before
# reading the input, or a write function under the cycle's lock).
api_errors.install(api, conflicts=(gate.PhaseClosed,))
api.add_router("/org/", org_router)
api.add_router("/accounts/", accounts_router)
# The cycle workbook before the plans: the plans' "/{year}" would take "/workbook" for a year.
api.add_router("/cycles/", cycle_workbook_router)
api.add_router("/cycles/", plans_router)
api.add_router("/jobs/", jobs_router)
api.add_router("/results/", results_router)
api.add_router("/records/", records_router)
api.add_router("/reports/", reports_router)
api.add_router("/feedback/", feedback_router)
api.add_router("/integrity/", integrity_router)
api.add_router("/interviews/", interviews_router)
api.add_router("/fieldwork/", fieldwork_router)
# 述职述廉, a session's summaries on the ballot, 一报告两评议 (issue 19)
api.add_router("/dutyreports/", dutyreports_router)
api.add_router("/ballots/", ballot_summaries_router)
api.add_router("/reviews/", reviews_router)
api.add_router("/profiles/", profiles_router)
api.add_router("/ballots/", ballots_router)
api.add_router("/performance/", performance_router)
api.add_router("/surveys/", surveys_router)

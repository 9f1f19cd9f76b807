"""The JSON API (django-ninja), with its OpenAPI schema at /api/openapi.json and docs at /api/docs.

Session authentication with CSRF, the same accounts and the same selectors and write functions as the
HTML views: each app contributes one router. Refusals have one shape (kaohe/api_errors.py).
"""

from typing import Any

from ninja import NinjaAPI
from ninja.security import django_auth

from kaohe import api_errors
from kaohe.accounts.api import router as accounts_router
from kaohe.feedback.api import router as feedback_router
from kaohe.fieldwork.api import router as fieldwork_router
from kaohe.integrity.api import router as integrity_router
from kaohe.interviews.api import router as interviews_router
from kaohe.org.api import router as org_router
from kaohe.plans.api import router as plans_router
from kaohe.profiles.api import router as profiles_router
from kaohe.records.api import router as records_router
from kaohe.reports.api import router as reports_router
from kaohe.results.api import router as results_router


class KaoheAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        return api_errors.document(super().get_openapi_schema(**kwargs))


api = KaoheAPI(title="Kaohe API", version="1", auth=django_auth, urls_namespace="api")
api_errors.install(api)
api.add_router("/org/", org_router)
api.add_router("/accounts/", accounts_router)
api.add_router("/cycles/", plans_router)
api.add_router("/results/", results_router)
api.add_router("/records/", records_router)
api.add_router("/reports/", reports_router)
api.add_router("/feedback/", feedback_router)
api.add_router("/integrity/", integrity_router)
api.add_router("/interviews/", interviews_router)
api.add_router("/fieldwork/", fieldwork_router)
api.add_router("/profiles/", profiles_router)

"""The JSON API (django-ninja), with its OpenAPI schema at /api/openapi.json and docs at /api/docs.

Session authentication with CSRF, the same accounts and the same selectors and write functions as the
HTML views: each app contributes one router.
"""

from ninja import NinjaAPI
from ninja.security import django_auth

from kaohe.accounts.api import router as accounts_router
from kaohe.integrity.api import router as integrity_router
from kaohe.org.api import router as org_router
from kaohe.plans.api import router as plans_router
from kaohe.profiles.api import router as profiles_router
from kaohe.reports.api import router as reports_router
from kaohe.results.api import router as results_router

api = NinjaAPI(title="Kaohe API", version="1", auth=django_auth, urls_namespace="api")
api.add_router("/org/", org_router)
api.add_router("/accounts/", accounts_router)
api.add_router("/cycles/", plans_router)
api.add_router("/results/", results_router)
api.add_router("/reports/", reports_router)
api.add_router("/integrity/", integrity_router)
api.add_router("/profiles/", profiles_router)

"""The discipline-inspection account opens its 党风廉政意见 list and its own account pages, nothing else."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from kaohe.results.models import ClearanceRequest

# What any logged-in account may open: its home, its own password and second factor, logging out, the
# language, and the public ballot and survey pages (which need a one-time code, not an account).
OWN = (
    "/",
    "/accounts/password/",
    "/accounts/logout/",
    "/i18n/setlang/",
    "/api/accounts/me",
    "/clearance/",
    "/api/results/clearance/requests",
)
PUBLIC = ("/b/", "/s/", "/accounts/otp/", "/login/", "/api/docs", "/api/openapi.json", "/api/ping")


def _paths(resolver: URLResolver, prefix: str = "") -> list[str]:
    found = []
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found += _paths(entry, route)
        elif isinstance(entry, URLPattern):
            found.append(route)
    return found


def _concrete(route: str, year: int) -> str:
    route = route.lstrip("^").rstrip("$")
    route = re.sub(r"<(int:)?year>", str(year), route)
    route = re.sub(r"<int:[a-z_]+>", "1", route)
    route = re.sub(r"<[a-z_]*(id|pk|version)>", "1", route)
    route = re.sub(r"<(str:|slug:|path:)?[a-z_]+>", "x", route)
    return "/" + route.replace("\\", "")


@pytest.fixture
def routes(world):
    return sorted(
        {_concrete(r, world.year) for r in _paths(get_resolver()) if "(?P" not in r and "{" not in r}
    )


def test_every_other_page_refuses_the_discipline_inspection_account(world, cast, client_for, routes):
    assert len(routes) > 150 and "/api/results/2025/clearance" in routes  # the crawl reaches the API too
    client = client_for("discipline")
    opened = []
    for path in routes:
        if path in OWN or path.startswith(PUBLIC) or path.startswith("/static/"):
            continue
        for method in (client.get, client.post):
            response = method(path)
            if response.status_code < 300 or (
                response.status_code == 302 and "/login" not in response.get("Location", "")
            ):
                opened.append((method.__name__, path, response.status_code))
    assert opened == []


def test_its_home_and_navigation_show_nothing_of_the_assessment(world, cast, client_for):
    html = client_for("discipline").get("/").content.decode()
    assert "/clearance/" in html
    for other in ("/cycles/", "/org/", "/audit/", "/accounts/users/"):
        assert f'href="{other}' not in html
    assert not ClearanceRequest.objects.exists()

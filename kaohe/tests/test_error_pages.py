"""Errors in production mode (DEBUG off, as the tests run): Chinese 400/403/404/500 pages, not Django's
English ones or its debug page; the app's icon is served from its own files."""

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousOperation
from django.test import Client, RequestFactory
from django.views import defaults


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False


def test_a_missing_page_is_a_chinese_404(client_for):
    response = client_for("organiser").get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in page and 'id="error-page"' in page
    assert "Page not found" not in page and "Not Found" not in page


def test_a_forbidden_page_is_a_chinese_403(client_for):
    response = client_for("liaison").get("/cycles/")
    assert response.status_code == 403
    assert "没有权限" in response.content.decode()


def test_a_failed_csrf_check_is_explained_in_chinese(db):
    response = Client(enforce_csrf_checks=True).post("/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "页面已过期" in page and "CSRF verification failed" not in page


def test_the_500_and_400_pages_are_chinese(db):
    request = RequestFactory().get("/")
    server = defaults.server_error(request)
    assert server.status_code == 500 and "系统出错了" in server.content.decode()
    bad = defaults.bad_request(request, SuspiciousOperation("x"))
    assert bad.status_code == 400 and "请求无法处理" in bad.content.decode()


def test_the_icon_is_served_by_the_app(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("kaohe/favicon.ico")
    assert finders.find("kaohe/favicon.ico") and finders.find("kaohe/favicon.svg")
    assert 'rel="icon"' in client.get("/login/").content.decode()

"""The lean /b/ path (public_wsgi): the same pages, headers and refusals as through Django's middleware."""

from __future__ import annotations

import io
import logging
import re
import sys
from urllib.parse import urlencode

import pytest
from django.core import signals
from django.db import close_old_connections, connection

from kaohe.ballots import actions, public_views
from kaohe.ballots.models import Ballot, BallotEnvelope, BallotToken
from kaohe.ballots.tests.conftest import field_of, filled
from kaohe.wsgi import application, django_application

HOST = "testserver"
VARYING = {"Date", "Expires"}  # the time of the answer
_RECEIPT = re.compile(r'id="receipt">([0-9A-Z-]+)<')


@pytest.fixture
def wsgi_calls():
    """Requests straight to the WSGI callables, the test's transaction kept as Django's test client keeps it."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def call(app, method: str, path: str, form: dict | None = None, query: str = "", **headers: str):
    body = urlencode(form or {}).encode()
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SCRIPT_NAME": "",
        "SERVER_NAME": HOST,
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": HOST,
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        **{f"HTTP_{name.upper()}": value for name, value in headers.items()},
    }
    answer: dict = {}

    def start_response(status, response_headers, exc_info=None):
        answer["status"], answer["headers"] = status, response_headers

    page = b"".join(app(environ, start_response)).decode()
    return answer["status"], dict(answer["headers"]), page


def same_answer(lean, django) -> None:
    assert lean[0] == django[0]
    assert {k: v for k, v in lean[1].items() if k not in VARYING} == {
        k: v for k, v in django[1].items() if k not in VARYING
    }
    assert VARYING & set(django[1]) <= set(lean[1])
    assert _RECEIPT.sub("", lean[2]) == _RECEIPT.sub("", django[2])


pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["zh-CN,zh;q=0.9", "en-GB,en;q=0.8"])
def test_the_ballot_page_and_its_refusals_are_those_of_the_django_stack(world, wsgi_calls, language):
    first, second = world["codes"]["下级"][:2]
    for path in (f"/b/{first}/", "/b/0000-0000-0000-0000/"):
        same_answer(
            call(application, "GET", path, ACCEPT_LANGUAGE=language),
            call(django_application, "GET", path, ACCEPT_LANGUAGE=language),
        )
    for form in ({"code": "nonsense"}, {"code": ""}, {"code": second}, {"code": second, "submit": "1"}):
        same_answer(
            call(application, "POST", "/b/", form, ACCEPT_LANGUAGE=language),
            call(django_application, "POST", "/b/", form, ACCEPT_LANGUAGE=language),
        )
    same_answer(
        call(application, "GET", "/b/", query="c=X"), call(django_application, "GET", "/b/", query="c=X")
    )
    assert not Ballot.objects.exists()


def test_the_same_headers_as_django_on_a_stored_ballot_and_a_used_code(world, wsgi_calls):
    session = world["session"]
    lean_code, django_code = world["codes"]["下级"][:2]
    lean = call(application, "POST", "/b/", {"code": lean_code, "submit": "1", **filled(session)})
    django = call(django_application, "POST", "/b/", {"code": django_code, "submit": "1", **filled(session)})
    same_answer(lean, django)
    assert "提交成功" in lean[2] and BallotEnvelope.objects.count() == 2
    actions.session_close(
        actor=world["organiser"], session=world["session"], opening_key=world["opening_key"]
    )
    assert _RECEIPT.search(lean[2]).group(1).replace("-", "") in Ballot.objects.values_list(
        "number", flat=True
    )
    same_answer(
        call(application, "GET", f"/b/{lean_code}/"), call(django_application, "GET", f"/b/{django_code}/")
    )
    headers = lean[1]
    assert headers["Referrer-Policy"] == "strict-origin" and headers["X-Robots-Tag"] == "noindex"
    assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "no-store" in headers["Cache-Control"] and "Set-Cookie" not in headers


def test_the_ballot_page_is_in_english_for_an_english_phone(world, wsgi_calls):
    code = world["codes"]["下级"][0]
    status, headers, page = call(application, "GET", f"/b/{code}/", ACCEPT_LANGUAGE="en")
    assert headers["Content-Language"] == "en" and "评价人类别" not in page
    status, headers, page = call(application, "GET", f"/b/{code}/", COOKIE="django_language=en")
    assert headers["Content-Language"] == "en"
    assert call(application, "GET", f"/b/{code}/")[1]["Content-Language"] == "zh-hans"


def test_the_lean_path_serves_the_ballot_and_leaves_every_other_address_to_django(world, wsgi_calls):
    seen = []

    def spy(environ, start_response):
        seen.append(environ["PATH_INFO"])
        return django_application(environ, start_response)

    lean = type(application)(spy)
    code = world["codes"]["下级"][0]
    call(lean, "GET", f"/b/{code}/")
    call(lean, "POST", "/b/", {"code": code, "submit": "1", **filled(world["session"])})
    call(lean, "GET", "/b/")
    assert seen == []
    for path in ("/b/receipt/", f"/b/{code}", "/s/x/", "/login/"):
        call(lean, "GET", path)
    assert seen == ["/b/receipt/", f"/b/{code}", "/s/x/", "/login/"]


def test_a_ballot_posted_from_another_site_is_refused_and_nothing_stored(world, wsgi_calls):
    session, code = world["session"], world["codes"]["下级"][0]
    form = {"code": code, "submit": "1", **filled(session)}
    status, _, page = call(application, "POST", "/b/", form, ORIGIN="https://evil.example")
    assert status.startswith("403") and "本网站的测评页面" in page
    assert not Ballot.objects.exists() and not BallotToken.objects.filter(used=True).exists()
    status, _, page = call(application, "POST", "/b/", form, ORIGIN=f"http://{HOST}")
    assert status.startswith("200") and "提交成功" in page


def test_methods_hosts_and_problems_are_answered_as_django_answers_them(world, wsgi_calls):
    code = world["codes"]["下级"][0]
    assert call(application, "PUT", "/b/")[0].startswith("405")
    assert call(application, "POST", f"/b/{code}/")[0].startswith("405")
    status, _, page = call(application, "GET", f"/b/{code}/", HOST="evil.example")
    assert status.startswith("400")
    data = filled(world["session"], 张思佳="优秀", 李明="优秀")
    del data[field_of(world["session"], "赵丽")]
    page = call(application, "POST", "/b/", {"code": code, "submit": "1", **data})[2]
    assert "超过每票优秀上限 1 名" in page and "请为「赵丽」选择总体评价" in page
    assert not Ballot.objects.exists()


def test_a_failure_is_djangos_500_and_its_log_shows_no_code(world, wsgi_calls, monkeypatch, caplog):
    code = world["codes"]["下级"][0]

    def broken(*args, **kwargs):
        raise RuntimeError("broken")

    monkeypatch.setattr(public_views, "_admit", broken)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        status, _, page = call(application, "GET", f"/b/{code}/")
    assert status.startswith("500") and "系统出错了" in page  # the app's own 500 page, in Chinese
    assert "Internal Server Error: /b/…" in caplog.text and code not in caplog.text


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_connection_dropped_by_the_server_is_replaced_without_a_failed_request(world):
    if connection.vendor != "postgresql":
        pytest.skip("the server drops a connection on PostgreSQL (DATABASE_URL=postgres://…)")
    first, second = world["codes"]["下级"][:2]
    assert call(application, "GET", f"/b/{first}/")[0].startswith("200")
    pid = connection.connection.info.backend_pid
    import psycopg

    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        dbname=db["NAME"],
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    status, _, page = call(
        application, "POST", "/b/", {"code": second, "submit": "1", **filled(world["session"])}
    )
    assert status.startswith("200") and "提交成功" in page
    assert connection.connection.info.backend_pid != pid

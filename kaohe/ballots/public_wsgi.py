"""The ballot page's lean path: /b/ and /b/<code>/ served straight from WSGI, past Django's middleware.

A sitting sends hundreds of phones to these two addresses at once, and Django's request stack (eleven
middleware, the URL resolver, the CSP header rebuilt for each response, the connection's health check)
cost more CPU than the ballot itself. ``BallotPath`` wraps Django's WSGI application: it gives these two
addresses a ``WSGIRequest`` and calls the very views the URLconf maps them to (``public_views``), so there
is one implementation; it does for them what the middleware would do and nothing else:

- the host is checked against ALLOWED_HOSTS (CommonMiddleware); the language comes from the cookie or
  Accept-Language (LocaleMiddleware), with ``Content-Language`` and ``Vary``;
- the response headers of SecurityMiddleware (nosniff, Referrer-Policy unless the view set one,
  Cross-Origin-Opener-Policy, HSTS on HTTPS), XFrameOptionsMiddleware and django-csp (the policy built once
  per process), and Content-Length;
- the request signals, so that the database connection is reused and recycled as Django does it; the views
  set no cookie and touch no login session, messages, user or htmx; CSRF: see ``public_views``;
- an exception becomes Django's own error response (``response_for_exception``: logged by django.request,
  where ``logfilter`` masks the code).

Anything else (another address, HTTPS redirection, an unexpected view) goes to Django unchanged. The
connection health check is skipped: the first statement of these views is a read, retried once on a fresh
connection when the kept one turns out dead (``selectors.token_by_code``) — the same protection, without a
``SELECT 1`` per request.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from typing import Any

from csp.constants import HEADER as CSP_HEADER
from csp.utils import build_policy
from django.conf import settings
from django.core import signals
from django.core.handlers.exception import response_for_exception
from django.core.handlers.wsgi import WSGIRequest, get_script_name
from django.db import connections
from django.http import HttpRequest, HttpResponse
from django.urls import set_script_prefix
from django.utils import translation
from django.utils.cache import patch_vary_headers

from kaohe.ballots import public_views

_OPEN = re.compile(r"/b/([^/]+)/")
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@functools.cache
def _content_security_policy() -> str:
    return build_policy()


def _secure_headers(request: HttpRequest, response: HttpResponse) -> None:
    """What SecurityMiddleware, XFrameOptionsMiddleware and CSPMiddleware add to these pages."""
    headers = response.headers
    if settings.SECURE_HSTS_SECONDS and request.is_secure():
        sts = f"max-age={settings.SECURE_HSTS_SECONDS}"
        sts += "; includeSubDomains" if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS else ""
        headers.setdefault(
            "Strict-Transport-Security", sts + ("; preload" if settings.SECURE_HSTS_PRELOAD else "")
        )
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        headers.setdefault("X-Content-Type-Options", "nosniff")
    if settings.SECURE_REFERRER_POLICY:
        headers.setdefault("Referrer-Policy", settings.SECURE_REFERRER_POLICY)
    if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        headers.setdefault("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY)
    headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS.upper())
    if not (response.status_code in (404, 500) and settings.DEBUG):  # as django-csp
        headers.setdefault(CSP_HEADER, _content_security_policy())


def _view(path: str) -> tuple[Callable[..., HttpResponse], dict[str, str]] | None:
    """The view the URLconf gives ``path`` among the two served here, or None (public_urls.py)."""
    if path == "/b/":
        return public_views.ballot_entry, {}
    found = _OPEN.fullmatch(path)
    if found is None or found.group(1) == "receipt":
        return None
    return public_views.ballot_open, {"code": found.group(1)}


def _respond(request: HttpRequest, view: Callable[..., HttpResponse], kwargs: dict[str, str]) -> HttpResponse:
    try:
        request.get_host()  # DisallowedHost: 400, as in CommonMiddleware
        language = translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = view(request, **kwargs)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", language)
    except Exception as error:  # Django's own answer, logged as Django logs it
        response = response_for_exception(request, error)
    finally:
        translation.deactivate()
    return response


class BallotPath:
    """Django's WSGI application with /b/ and /b/<code>/ served by the lean path."""

    def __init__(self, django: WSGIApp) -> None:
        self.django = django

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        view = _view(path) if path.startswith("/b/") else None
        if view is None or settings.SECURE_SSL_REDIRECT:
            return self.django(environ, start_response)
        set_script_prefix(get_script_name(environ))
        signals.request_started.send(sender=self.__class__, environ=environ)
        try:
            for conn in connections.all(initialized_only=True):
                conn.health_check_done = True  # see the module docstring
            request = WSGIRequest(environ)
            response = _respond(request, *view)
            _secure_headers(request, response)
            body = response.content
            response.headers.setdefault("Content-Length", str(len(body)))
            start_response(
                f"{response.status_code} {response.reason_phrase}",
                [
                    *response.items(),
                    *(("Set-Cookie", c.output(header="")) for c in response.cookies.values()),
                ],
            )
        finally:
            signals.request_finished.send(sender=self.__class__)
        return [body]

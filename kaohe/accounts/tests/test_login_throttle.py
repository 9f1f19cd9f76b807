"""Login throttling as an attacker meets it: the pair (account, real client address) is locked, the account
alone only slowed down, the address read from trusted proxies only, and parallel guesses cannot race."""

import threading

import pytest
from django.contrib.auth import forms as auth_forms
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from kaohe.accounts import throttle
from kaohe.accounts.models import LoginFailure

PROXY = "10.0.0.2"


@pytest.fixture(autouse=True)
def _limits(settings, monkeypatch):
    settings.LOGIN_THROTTLE_LIMIT = 3
    settings.TRUSTED_PROXIES = [PROXY, "10.9.0.0/16"]
    pauses = []
    monkeypatch.setattr(throttle, "pause", pauses.append)
    return pauses


def login(username="organiser", password="wrong-password", *, peer=PROXY, forwarded=None, client=None):  # noqa: S107
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    response = (client or Client()).post(
        reverse("login"), {"username": username, "password": password}, **extra
    )
    if response.status_code == 302:
        return "in"
    body = response.content.decode()
    return "locked" if "登录失败次数过多" in body else "wrong"


def test_behind_the_proxy_one_clients_failures_do_not_lock_another_client(cast):
    for _ in range(3):
        assert login(forwarded="203.0.113.9") == "wrong"
    assert login(password=PASSWORD, forwarded="203.0.113.9") == "locked"
    assert login(password=PASSWORD, forwarded="198.51.100.7") == "in"


def test_the_client_is_the_first_untrusted_hop_read_from_the_right():
    request = type("R", (), {})()
    request.META = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.9, 10.9.1.1"}
    assert throttle.client_address(request) == "203.0.113.9"  # 1.2.3.4 was written by the client itself
    request.META = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.9, not-an-address"}
    assert throttle.client_address(request) == PROXY
    request.META = {"REMOTE_ADDR": "[2001:db8::1]"}
    assert throttle.client_address(request) == "2001:db8::1"


def test_a_forwarded_header_from_an_untrusted_peer_is_ignored(cast):
    for number in range(3):
        assert login(peer="198.51.100.50", forwarded=f"203.0.113.{number}") == "wrong"
    # Rotating the header did not give fresh addresses: the peer itself is locked out of this account.
    assert login(password=PASSWORD, peer="198.51.100.50", forwarded="203.0.113.99") == "locked"
    assert LoginFailure.objects.filter(address="198.51.100.50").count() == 4


def test_failures_from_many_addresses_only_slow_the_account_down_never_lock_it(cast, _limits, settings):
    for number in range(40):
        login(forwarded=f"203.0.113.{number}")
    assert login(password=PASSWORD, forwarded="198.51.100.7") == "in"
    assert _limits and max(_limits) <= settings.LOGIN_SLOWDOWN_MAX
    assert _limits[-1] == settings.LOGIN_SLOWDOWN_MAX


def test_a_right_password_clears_only_its_own_pairs_attempts(cast):
    login(forwarded="203.0.113.1")
    login(forwarded="198.51.100.7")
    assert login(password=PASSWORD, forwarded="198.51.100.7") == "in"
    assert list(LoginFailure.objects.values_list("address", flat=True)) == ["203.0.113.1"]


@pytest.mark.django_db(transaction=True)
def test_thirty_parallel_guesses_evaluate_no_more_than_the_limit_and_lock_the_right_one_out(
    cast, monkeypatch, settings
):
    evaluated = []
    real = auth_forms.authenticate

    def counting(*args, **kwargs):
        evaluated.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(auth_forms, "authenticate", counting)
    start = threading.Barrier(30)
    outcomes = []

    def guess(number):
        start.wait()
        while True:
            try:
                outcome = login(
                    password=PASSWORD if number == 29 else f"guess-{number}", forwarded="203.0.113.9"
                )
            except OperationalError:  # the tests' in-memory SQLite has no busy timeout; a file database waits
                continue
            outcomes.append(outcome)
            connection.close()
            return

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 30
    assert len(evaluated) <= settings.LOGIN_THROTTLE_LIMIT
    assert outcomes.count("locked") >= 30 - settings.LOGIN_THROTTLE_LIMIT
    # A right password clears its pair's attempts; it comes too late here: the pair is locked.
    assert login(password=PASSWORD, forwarded="203.0.113.9") == "locked"

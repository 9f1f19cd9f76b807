"""Login throttling, shared by every web process through the database.

- One account from one client address: ``LOGIN_THROTTLE_LIMIT`` attempts in ``LOGIN_THROTTLE_WINDOW``
  seconds, then that pair is locked until the window passes.
- One account from everywhere, or one address for every account: only slowed down (a pause of up to
  ``LOGIN_SLOWDOWN_MAX`` seconds), so nobody can lock the organiser out on deadline day by failing on
  purpose from elsewhere.
- The attempt is recorded *before* the password is checked and the count taken after, in autocommit: of
  any number of parallel attempts, each sees at least every attempt committed before its own, so no more
  than the limit are evaluated. A right password clears its pair's attempts (guesses racing it may then be
  evaluated too, but the password was found within the limit).
- The client address is the connecting peer's, unless that peer is one of ``TRUSTED_PROXIES``: then
  X-Forwarded-For is read right to left, skipping trusted proxies, and the first other address is the
  client's. Behind a proxy that is not configured, every user shares the proxy's address; anything else
  in the header can be forged by the client.
"""

from __future__ import annotations

import ipaddress
import time
from datetime import timedelta
from functools import cache

from django.conf import settings
from django.utils import timezone

from kaohe.accounts.models import LoginFailure

ADDRESS_FACTOR = 4  # one address may fail for several usernames (a shared office NAT) before it is slowed
pause = time.sleep  # the tests replace it

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def client_address(request) -> str | None:
    peer = _address(request.META.get("REMOTE_ADDR") or "")
    if peer is None:
        return None
    trusted = _networks(tuple(settings.TRUSTED_PROXIES))

    def is_trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        return any(address in network for network in trusted)

    client = peer
    if is_trusted(peer):
        hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        for hop in reversed(hops):
            address = _address(hop)
            if address is None:
                break  # a garbled hop: the last address a trusted proxy vouched for stands
            client = address
            if not is_trusted(address):
                break
    return str(client)


def login_attempt(username: str, address: str | None) -> bool:
    """Record an attempt at ``username`` from ``address``; False when the pair is locked.

    Call before checking the password; the attempt counts as a failure unless ``login_succeeded`` follows.
    """
    username = username.lower()
    now = timezone.now()
    LoginFailure.objects.create(username=username, address=address, at=now)
    recent = LoginFailure.objects.filter(at__gte=now - timedelta(seconds=settings.LOGIN_THROTTLE_WINDOW))
    limit = settings.LOGIN_THROTTLE_LIMIT
    if recent.filter(username=username, address=address).count() > limit:
        return False
    overs = [recent.filter(username=username).count() - limit]
    if address is not None:
        overs.append(recent.filter(address=address).count() - limit * ADDRESS_FACTOR)
    over = max(overs)
    if over > 0:
        pause(min(settings.LOGIN_SLOWDOWN_MAX, over / limit))
    LoginFailure.objects.filter(at__lt=now - timedelta(days=1)).delete()
    return True


def login_succeeded(username: str, address: str | None) -> None:
    LoginFailure.objects.filter(username=username.lower(), address=address).delete()

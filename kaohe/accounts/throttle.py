"""Login throttling: too many failures for one username, or from one address, lock logins for a while."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from kaohe.accounts.models import LoginFailure

ADDRESS_FACTOR = 4  # one address may fail for several usernames (a shared office NAT)


def client_address(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def login_locked(username: str, address: str | None) -> bool:
    since = timezone.now() - timedelta(seconds=settings.LOGIN_THROTTLE_WINDOW)
    recent = LoginFailure.objects.filter(at__gte=since)
    if recent.filter(username=username.lower()).count() >= settings.LOGIN_THROTTLE_LIMIT:
        return True
    return address is not None and (
        recent.filter(address=address).count() >= settings.LOGIN_THROTTLE_LIMIT * ADDRESS_FACTOR
    )


def login_failed(username: str, address: str | None) -> None:
    LoginFailure.objects.create(username=username.lower(), address=address, at=timezone.now())
    LoginFailure.objects.filter(at__lt=timezone.now() - timedelta(days=1)).delete()


def login_succeeded(username: str) -> None:
    LoginFailure.objects.filter(username=username.lower()).delete()

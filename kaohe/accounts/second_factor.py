"""The second factor: TOTP (an authenticator app, works on an intranet) and recovery codes, by django-otp.

Required for the roles in SECOND_FACTOR_ROLES (the three administrators and the organiser), optional for
the others. A lost phone is reset by the security administrator (security.second_factor_reset). In the
development mode `make run` uses, the demo accounts sign in with their password alone.
"""

from __future__ import annotations

import secrets

import segno
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kaohe.accounts.models import User
from kaohe.audit.actions import audit_record

RECOVERY_CODES = 10
RECOVERY_CODE_DIGITS = 8
DEMO_PREFIX = "demo-"


def dev_mode() -> bool:
    # The explicit development-mode setting when there is one; DEBUG until then.
    return bool(getattr(settings, "DEV_MODE", settings.DEBUG))


def demo_bypass(user: User) -> bool:
    """Demo accounts skip the second factor in development, so the demo stays two commands."""
    return dev_mode() and user.username.startswith(DEMO_PREFIX)


def required(user: User) -> bool:
    return user.role in settings.SECOND_FACTOR_ROLES and not demo_bypass(user)


def enrolled(user: User) -> bool:
    return user.second_factor_enrolled


def totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user: User) -> TOTPDevice:
    """The unconfirmed TOTP device being enrolled, made on first visit of the enrolment page."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=False)
    return device


def provisioning_qr_svg(device: TOTPDevice) -> str:
    """The enrolment QR code as an SVG data URI, drawn here (no image service, no JavaScript)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5)


def secret_text(device: TOTPDevice) -> str:
    """The TOTP secret in base32, grouped by four, for typing into an app when the QR cannot be scanned."""
    import base64

    raw = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


@transaction.atomic
def second_factor_confirm(*, user: User, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm enrolment with a first code; returns the new recovery codes, or None when the code is wrong."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
    if not device.verify_token(token.strip().replace(" ", "")):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    user.second_factor_enrolled = True
    user.save(update_fields=["second_factor_enrolled"])
    codes = _new_recovery_codes(user)
    audit_record(
        actor=user, action="second_factor.enrol", obj=user, before=None, after={"second_factor": "TOTP"}
    )
    return codes


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="恢复码", confirmed=True)
    codes = [f"{secrets.randbelow(10**RECOVERY_CODE_DIGITS):08d}" for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def verify(user: User, token: str) -> TOTPDevice | StaticDevice | None:
    """The device that accepts `token` (a 6-digit TOTP code, or an 8-digit recovery code, used up), or None.

    Told apart by length, so that a recovery code never counts as a wrong TOTP code (which locks it a while).
    """
    token = token.strip().replace(" ", "")
    if len(token) == RECOVERY_CODE_DIGITS:
        device: TOTPDevice | StaticDevice | None = StaticDevice.objects.filter(
            user=user, confirmed=True
        ).first()
    else:
        device = totp_device(user)
    if device is not None and token and device.verify_token(token):
        return device
    return None


def wait_message(device: TOTPDevice | None) -> str | None:
    """After wrong codes django-otp locks a device for 1, 2, 4… seconds: say so rather than "wrong code"."""
    if device is None:
        return None
    allowed, data = device.verify_is_allowed()
    if allowed:
        return None
    failures = (data or {}).get("failure_count", 1)
    return _("动态口令连续错误 %(n)d 次，请稍等几秒后再试。") % {"n": failures}


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()

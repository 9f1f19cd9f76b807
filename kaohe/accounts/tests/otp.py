"""A phone's authenticator, for the tests: the code it shows now, or a step later."""

import base64
import time

from django_otp.oath import TOTP


def code_for(key: bytes, *, steps_ahead: int = 0) -> str:
    totp = TOTP(key, step=30, t0=0, digits=6)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def key_from_secret_text(text: str) -> bytes:
    """The key from the grouped base32 secret the enrolment page shows for typing in by hand."""
    raw = text.replace(" ", "")
    return base64.b32decode(raw + "=" * (-len(raw) % 8))

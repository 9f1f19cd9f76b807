"""测评码 and receipts: random, typed back from paper forgivingly, and stored only as keyed hashes.

A code is 16 characters of Crockford's base32 (80 random bits) printed as XXXX-XXXX-XXXX-XXXX; the
database keeps HMAC-SHA256(SECRET_KEY, code), so a copy of the database cannot list or use the codes.
(Changing SECRET_KEY therefore invalidates the codes of an unfinished session.)
"""

from __future__ import annotations

import re
import secrets

from django.utils.crypto import salted_hmac

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # no I, L, O, U
CODE_LENGTH = 16  # 80 bits
RECEIPT_LENGTH = 12  # 60 bits: unguessable enough that receipts cannot be enumerated
_READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0"})


def _random(length: int) -> str:
    # 32 characters: exactly 5 random bits each, from one read of the system's source (not one per character).
    bits = secrets.randbits(5 * length)
    return "".join(ALPHABET[(bits >> (5 * i)) & 31] for i in range(length))


def new_code() -> str:
    return _random(CODE_LENGTH)


def new_receipt() -> str:
    return _random(RECEIPT_LENGTH)


def normalise(text: str, length: int = CODE_LENGTH) -> str | None:
    """A code or receipt as typed («k7qm-2xhp …», spaces, lower case, O for 0); None if it cannot be one."""
    value = re.sub(r"[\s\-]", "", text or "").upper().translate(_READ_AS)
    if len(value) != length or any(char not in ALPHABET for char in value):
        return None
    return value


def display(value: str) -> str:
    return "-".join(value[i : i + 4] for i in range(0, len(value), 4))


def code_hash(code: str) -> str:
    return salted_hmac("kaohe.ballots.token", code, algorithm="sha256").hexdigest()

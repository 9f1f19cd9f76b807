"""Sealed ballots: what the web process writes while a session is open, and cannot read back.

A session's opening key (开启密钥) is an X25519 key pair made when the organiser asks for it; only its
public half is stored. The private half is handed to the organiser once, as text to print or keep in a
file, and is supplied again when the session is closed. Each ballot is sealed to the public half as an
HPKE-style sealed box: a fresh ephemeral X25519 key per ballot, HKDF-SHA256 over the shared secret and
both public keys, ChaCha20-Poly1305. So a copy of the database (tables, WAL, backups) and of the
server's configuration holds, while the session is open, only envelopes that nobody without the
organiser's key can open; and the plaintext is padded to a size fixed for the session (the longest ballot
its layout allows), so an envelope's length does not tell one ballot from another. Plain Python (``cryptography``), no Django.
"""

from __future__ import annotations

import base64
import json
import struct
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

VERSION = b"\x01"
KEY_PREFIX = "KAOHE1"
PAD_BLOCK = 512  # a plaintext is padded to its session's size, rounded up to a multiple of this
_INFO = b"kaohe ballot envelope v1"
_RAW = serialization.Encoding.Raw
_PUBLIC_RAW = serialization.PublicFormat.Raw
_PRIVATE_RAW = serialization.PrivateFormat.Raw


class KeyRejected(ValueError):
    """An opening key that cannot be used, with the reason in words for the organiser."""


def _public_bytes(key: X25519PublicKey) -> bytes:
    return key.public_bytes(_RAW, _PUBLIC_RAW)


def new_key_pair() -> tuple[str, str]:
    """(opening key as text for the organiser, public key as 64 hex digits for the database)."""
    private = X25519PrivateKey.generate()
    raw = private.private_bytes(_RAW, _PRIVATE_RAW, serialization.NoEncryption())
    text = base64.b32encode(raw).decode().rstrip("=")
    groups = " ".join(text[i : i + 4] for i in range(0, len(text), 4))
    return f"{KEY_PREFIX} {groups}", _public_bytes(private.public_key()).hex()


def _key(secret: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO + ephemeral + recipient).derive(
        secret
    )


def seal(public_hex: str, payload: dict[str, Any], size: int) -> bytes:
    """The payload as JSON, padded to ``size`` bytes rounded up to a block, sealed to the public key."""
    recipient = bytes.fromhex(public_hex)
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    length = max(len(body) + 4, size)
    length += -length % PAD_BLOCK
    padded = struct.pack(">I", len(body)) + body + bytes(length - 4 - len(body))
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = _public_bytes(ephemeral.public_key())
    secret = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient))
    # A fresh key per envelope, so a zero nonce is safe.
    sealed = ChaCha20Poly1305(_key(secret, ephemeral_public, recipient)).encrypt(bytes(12), padded, VERSION)
    return VERSION + ephemeral_public + sealed


def parse_opening_key(text: str, public_hex: str) -> X25519PrivateKey:
    """The private key from the organiser's text (spaces, line breaks and case forgiven); raises
    ``KeyRejected`` when it is malformed or is not the key of this session."""
    compact = "".join((text or "").split()).upper()
    if compact.startswith(KEY_PREFIX):
        compact = compact[len(KEY_PREFIX) :]
    if not compact:
        raise KeyRejected("请填写开启密钥")
    try:
        raw = base64.b32decode(compact + "=" * (-len(compact) % 8))
    except ValueError:
        raise KeyRejected("开启密钥格式不对：只应有字母 A–Z 和数字 2–7") from None
    if len(raw) != 32:
        raise KeyRejected("开启密钥长度不对，请核对是否抄全")
    private = X25519PrivateKey.from_private_bytes(raw)
    if _public_bytes(private.public_key()).hex() != public_hex:
        raise KeyRejected("这不是本测评会的开启密钥")
    return private


def open_envelope(private: X25519PrivateKey, sealed: bytes) -> dict[str, Any]:
    if sealed[:1] != VERSION or len(sealed) < 1 + 32 + 16:
        raise ValueError("not a ballot envelope")
    ephemeral_public, body = sealed[1:33], sealed[33:]
    recipient = _public_bytes(private.public_key())
    secret = private.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
    try:
        padded = ChaCha20Poly1305(_key(secret, ephemeral_public, recipient)).decrypt(bytes(12), body, VERSION)
    except InvalidTag:
        raise ValueError("a ballot envelope failed its check") from None
    (length,) = struct.unpack(">I", padded[:4])
    result: dict[str, Any] = json.loads(padded[4 : 4 + length])
    return result

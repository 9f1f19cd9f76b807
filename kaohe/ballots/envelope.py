"""Sealed ballots: what the web process writes while a session is open, and cannot read back.

A session's opening key (开启密钥) is an X25519 key pair made when the organiser asks for it; only its
public half is stored. The private half is handed to the organiser once, as text to print or keep in a
file, and is supplied again when the session is closed. Each ballot is sealed to the public half as an
HPKE-style sealed box: a fresh ephemeral X25519 key per ballot, HKDF-SHA256 over the shared secret and
both public keys, ChaCha20-Poly1305 (in 国密 mode HKDF-SM3 and SM4-GCM; the key agreement stays X25519, as
``cryptography`` has no SM2 exchange). The envelope's first byte names its cipher, so a session opens
whatever mode sealed its ballots. So a copy of the database (tables, WAL, backups) and of the
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

from kaohe.crypto.modes import Aead, CryptoError, aead_decrypt, aead_encrypt

VERSION = b"\x01"  # X25519, HKDF-SHA256, ChaCha20-Poly1305
VERSION_SM = b"\x02"  # X25519, HKDF-SM3, SM4-GCM
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


def _key(version: bytes, secret: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    algorithm, length = (hashes.SM3(), 16) if version == VERSION_SM else (hashes.SHA256(), 32)
    return HKDF(algorithm=algorithm, length=length, salt=None, info=_INFO + ephemeral + recipient).derive(
        secret
    )


def _encrypt(version: bytes, key: bytes, padded: bytes) -> bytes:
    # A fresh key per envelope, so a zero nonce is safe.
    if version == VERSION_SM:
        return aead_encrypt(Aead.SM4_GCM, key, bytes(12), padded, version)
    return ChaCha20Poly1305(key).encrypt(bytes(12), padded, version)


def _decrypt(version: bytes, key: bytes, body: bytes) -> bytes:
    try:
        if version == VERSION_SM:
            return aead_decrypt(Aead.SM4_GCM, key, bytes(12), body, version)
        return ChaCha20Poly1305(key).decrypt(bytes(12), body, version)
    except (InvalidTag, CryptoError):
        raise ValueError("a ballot envelope failed its check") from None


def seal(public_hex: str, payload: dict[str, Any], size: int, aead: str = Aead.AES256_GCM) -> bytes:
    """The payload as JSON, padded to ``size`` bytes rounded up to a block, sealed to the public key;
    ``aead`` is the crypto mode's cipher (SM4-GCM selects the 国密 envelope)."""
    recipient = bytes.fromhex(public_hex)
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    length = max(len(body) + 4, size)
    length += -length % PAD_BLOCK
    padded = struct.pack(">I", len(body)) + body + bytes(length - 4 - len(body))
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = _public_bytes(ephemeral.public_key())
    secret = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient))
    version = VERSION_SM if aead == Aead.SM4_GCM else VERSION
    return (
        version
        + ephemeral_public
        + _encrypt(version, _key(version, secret, ephemeral_public, recipient), padded)
    )


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
    version = sealed[:1]
    if version not in (VERSION, VERSION_SM) or len(sealed) < 1 + 32 + 16:
        raise ValueError("not a ballot envelope")
    ephemeral_public, body = sealed[1:33], sealed[33:]
    recipient = _public_bytes(private.public_key())
    secret = private.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
    padded = _decrypt(version, _key(version, secret, ephemeral_public, recipient), body)
    (length,) = struct.unpack(">I", padded[:4])
    result: dict[str, Any] = json.loads(padded[4 : 4 + length])
    return result

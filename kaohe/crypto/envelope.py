"""Envelope encryption for confidential records (interviews, …). Imports no Django.

Each record gets its own random data key; the record is encrypted with it and the data key is wrapped by
the key provider's master key. The stored text names its algorithm, so records sealed under either mode
open under both:

    env:v1:<aead>:<base64 wrapped data key>:<base64 nonce + ciphertext + tag>

`aad` (associated data) binds a ciphertext to its place, e.g. b"interview:42": a ciphertext copied onto
another record does not open there.
"""

from __future__ import annotations

import base64
import secrets

from kaohe.crypto.keys import KeyProvider
from kaohe.crypto.modes import (
    AEAD_KEY_BYTES,
    FORMAT_VERSION,
    GCM_NONCE_BYTES,
    Aead,
    CryptoError,
    aead_decrypt,
    aead_encrypt,
)

PREFIX = "env"


def seal(plaintext: bytes, *, aad: bytes, provider: KeyProvider, algorithm: str) -> str:
    """The envelope text of `plaintext`, under a fresh data key wrapped by `provider`."""
    if algorithm not in AEAD_KEY_BYTES:
        raise CryptoError(f"“{algorithm}”不是加密算法。")
    data_key = secrets.token_bytes(AEAD_KEY_BYTES[Aead(algorithm)])
    nonce = secrets.token_bytes(GCM_NONCE_BYTES)
    body = nonce + aead_encrypt(algorithm, data_key, nonce, plaintext, aad)
    wrapped = provider.wrap(algorithm=algorithm, key=data_key, aad=aad)
    return ":".join((PREFIX, FORMAT_VERSION, algorithm, _b64(wrapped), _b64(body)))


def open_sealed(text: str, *, aad: bytes, provider: KeyProvider) -> bytes:
    """The plaintext `seal` made `text` from; CryptoError when anything was altered or the aad differs."""
    parts = text.split(":")
    if len(parts) != 5 or parts[0] != PREFIX:
        raise CryptoError("不是加密记录（应以 env:v1: 开头）。")
    _, version, algorithm, wrapped, body = parts
    if version != FORMAT_VERSION:
        raise CryptoError(f"不认识的格式版本“{version}”。")
    if algorithm not in AEAD_KEY_BYTES:
        raise CryptoError(f"不认识的加密算法“{algorithm}”。")
    data_key = provider.unwrap(algorithm=algorithm, wrapped=_unb64(wrapped), aad=aad)
    raw = _unb64(body)
    return aead_decrypt(algorithm, data_key, raw[:GCM_NONCE_BYTES], raw[GCM_NONCE_BYTES:], aad)


def algorithm_of(text: str) -> str:
    """Which cipher sealed `text` (to count records still under the other mode, say)."""
    parts = text.split(":")
    if len(parts) != 5 or parts[0] != PREFIX:
        raise CryptoError("不是加密记录（应以 env:v1: 开头）。")
    return parts[2]


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except ValueError:
        raise CryptoError("加密记录已损坏（不是 base64）。") from None

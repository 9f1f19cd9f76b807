"""Where keys come from: one interface, a key file by default, a 密码机 or KMS in its place. Imports no Django.

The application never handles the master secret itself: it asks the provider for a MAC over some bytes
or to wrap and unwrap a data key, naming the purpose and the algorithm. A provider backed by a hardware
security module does these inside the device; `KeyFileProvider` derives one key per purpose and algorithm
from a secret kept in a file outside the database (HKDF over SHA-256, or over SM3 in 国密 mode).
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path
from typing import Any, Protocol

from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from kaohe.crypto.modes import (
    AEAD_KEY_BYTES,
    GCM_NONCE_BYTES,
    Aead,
    CryptoError,
    aead_decrypt,
    aead_encrypt,
    hash_algorithm,
    mac,
)

KEY_FILE_HEADER = "kaohe-key v1"
SECRET_BYTES = 32
MAC_KEY_BYTES = 32


class KeyProvider(Protocol):
    """What Kaohe asks of a key store. A replacement is named by the CRYPTO_KEY_PROVIDER setting."""

    def mac(self, *, purpose: str, algorithm: str, data: bytes) -> bytes:
        """HMAC of `data` under the key for `purpose` (e.g. "audit"), with `algorithm` (hmac-sha256, hmac-sm3)."""
        ...

    def wrap(self, *, algorithm: str, key: bytes, aad: bytes) -> bytes:
        """`key` (a data key) encrypted under the master key with `algorithm` (aes256gcm, sm4gcm)."""
        ...

    def unwrap(self, *, algorithm: str, wrapped: bytes, aad: bytes) -> bytes:
        """The data key `wrap` returned `wrapped` for; CryptoError when it was altered or the key differs."""
        ...


class KeyFileProvider:
    """The master secret in a file readable by the app's user only, kept and backed up apart from the database."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._secret: bytes | None = None
        self._derived: dict[tuple[str, str, int], bytes] = {}

    @classmethod
    def from_settings(cls, settings: Any) -> KeyFileProvider:
        return cls(settings.CRYPTO_KEY_FILE)

    def secret(self) -> bytes:
        if self._secret is None:
            self._secret = read_key_file(self.path)
        return self._secret

    def _derive(self, purpose: str, algorithm: str, length: int) -> bytes:
        cached = self._derived.get((purpose, algorithm, length))
        if cached is not None:
            return cached
        hkdf = HKDF(
            algorithm=hash_algorithm(algorithm),
            length=length,
            salt=None,
            info=f"kaohe:{purpose}:{algorithm}".encode(),
        )
        key = self._derived[(purpose, algorithm, length)] = hkdf.derive(self.secret())
        return key

    def mac(self, *, purpose: str, algorithm: str, data: bytes) -> bytes:
        return mac(algorithm, self._derive(purpose, algorithm, MAC_KEY_BYTES), data)

    def wrap(self, *, algorithm: str, key: bytes, aad: bytes) -> bytes:
        nonce = secrets.token_bytes(GCM_NONCE_BYTES)
        return nonce + aead_encrypt(algorithm, self._wrapping_key(algorithm), nonce, key, aad)

    def unwrap(self, *, algorithm: str, wrapped: bytes, aad: bytes) -> bytes:
        nonce, sealed = wrapped[:GCM_NONCE_BYTES], wrapped[GCM_NONCE_BYTES:]
        return aead_decrypt(algorithm, self._wrapping_key(algorithm), nonce, sealed, aad)

    def _wrapping_key(self, algorithm: str) -> bytes:
        if algorithm not in AEAD_KEY_BYTES:
            raise CryptoError(f"“{algorithm}”不是加密算法。")
        return self._derive("wrap", algorithm, AEAD_KEY_BYTES[Aead(algorithm)])


def read_key_file(path: Path) -> bytes:
    try:
        text = path.read_text(encoding="ascii")
    except FileNotFoundError:
        raise CryptoError(f"密钥文件 {path} 不存在：请用 `kaohe crypto init-key` 生成并妥善备份。") from None
    except (OSError, UnicodeDecodeError) as error:
        raise CryptoError(f"密钥文件 {path} 无法读取：{error}") from None
    lines = text.split()
    header = " ".join(lines[:2])
    if header != KEY_FILE_HEADER or len(lines) != 3:
        raise CryptoError(f"密钥文件 {path} 格式不对（第一行应为“{KEY_FILE_HEADER}”）。")
    try:
        secret = base64.b64decode(lines[2], validate=True)
    except ValueError:
        raise CryptoError(f"密钥文件 {path} 的密钥不是 base64。") from None
    if len(secret) != SECRET_BYTES:
        raise CryptoError(f"密钥文件 {path} 的密钥应为 {SECRET_BYTES} 字节，实为 {len(secret)} 字节。")
    return secret


def create_key_file(path: Path) -> bool:
    """Write a new random secret to `path` (mode 0600) unless a file is there; True when one was written.

    The file appears whole or not at all (written aside, then linked), so processes racing to create it
    all end up reading the same secret.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        return False
    content = f"{KEY_FILE_HEADER}\n{base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()}\n"
    aside = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(content)
        try:
            os.link(aside, path)
        except FileExistsError:
            return False
    finally:
        aside.unlink(missing_ok=True)
    return True

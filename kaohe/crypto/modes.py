"""The two crypto modes and the algorithms each one uses. Imports no Django.

One setting picks the mode for everything written from then on: the standard one (SHA-256, HMAC-SHA256,
AES-256-GCM) or 国密 (SM3, HMAC-SM3, SM4-GCM). Every digest, MAC and ciphertext names its algorithm
(`hmac-sm3:v1:…`), so records written under one mode still verify and open under the other.
"""

from __future__ import annotations

import hmac as std_hmac
from dataclasses import dataclass
from enum import StrEnum

from cryptography.hazmat.backends.openssl.backend import backend
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

FORMAT_VERSION = "v1"
GCM_NONCE_BYTES = 12
GCM_TAG_BYTES = 16


class CryptoError(Exception):
    """A record cannot be verified or opened: unknown algorithm, wrong key, altered bytes."""


class Mode(StrEnum):
    STANDARD = "standard"
    GUOMI = "guomi"


class Digest(StrEnum):
    SHA256 = "sha256"
    SM3 = "sm3"


class Mac(StrEnum):
    HMAC_SHA256 = "hmac-sha256"
    HMAC_SM3 = "hmac-sm3"


class Aead(StrEnum):
    AES256_GCM = "aes256gcm"
    SM4_GCM = "sm4gcm"


@dataclass(frozen=True)
class Suite:
    """What one mode uses for each job."""

    mode: Mode
    digest: Digest
    mac: Mac
    aead: Aead


SUITES = {
    Mode.STANDARD: Suite(Mode.STANDARD, Digest.SHA256, Mac.HMAC_SHA256, Aead.AES256_GCM),
    Mode.GUOMI: Suite(Mode.GUOMI, Digest.SM3, Mac.HMAC_SM3, Aead.SM4_GCM),
}

# The hash under each digest or MAC (HKDF in keys.py uses the same, so 国密 mode uses SM3 throughout).
_HASH: dict[str, type[hashes.HashAlgorithm]] = {
    Digest.SHA256: hashes.SHA256,
    Digest.SM3: hashes.SM3,
    Mac.HMAC_SHA256: hashes.SHA256,
    Mac.HMAC_SM3: hashes.SM3,
    Aead.AES256_GCM: hashes.SHA256,
    Aead.SM4_GCM: hashes.SM3,
}
AEAD_KEY_BYTES = {Aead.AES256_GCM: 32, Aead.SM4_GCM: 16}


def suite(mode: str) -> Suite:
    try:
        return SUITES[Mode(mode)]
    except ValueError:
        choices = "、".join(m.value for m in Mode)
        raise CryptoError(f"密码模式“{mode}”不存在，可选：{choices}。") from None


def missing_algorithms(mode: str) -> list[str]:
    """The algorithms of `mode` the installed OpenSSL lacks (empty when the mode can run)."""
    chosen = suite(mode)
    missing = []
    if not backend.hash_supported(_HASH[chosen.digest]()):
        missing.append(chosen.digest.value)
    if not backend.hmac_supported(_HASH[chosen.mac]()):
        missing.append(chosen.mac.value)
    if not backend.cipher_supported(
        _cipher_algorithm(chosen.aead, bytes(AEAD_KEY_BYTES[chosen.aead])), modes.GCM(bytes(GCM_NONCE_BYTES))
    ):
        missing.append(chosen.aead.value)
    return missing


def openssl_version() -> str:
    return str(backend.openssl_version_text())


def hash_algorithm(name: str) -> hashes.HashAlgorithm:
    try:
        return _HASH[name]()
    except KeyError:
        raise CryptoError(f"不认识的算法“{name}”。") from None


def digest(algorithm: str, data: bytes) -> bytes:
    h = hashes.Hash(hash_algorithm(_digest_algorithm(algorithm)))
    h.update(data)
    return h.finalize()


DIGEST_LABELS: dict[str, str] = {Digest.SHA256: "SHA-256", Digest.SM3: "SM3"}


def _digest_algorithm(algorithm: str) -> Digest:
    if algorithm not in DIGEST_LABELS:
        raise CryptoError(f"“{algorithm}”不是摘要算法。")
    return Digest(algorithm)


class Hasher:
    """A digest fed piece by piece (for inputs too large to hold as one text), under a named algorithm."""

    def __init__(self, algorithm: str) -> None:
        self.algorithm = _digest_algorithm(algorithm)
        self._hash = hashes.Hash(hash_algorithm(self.algorithm))

    def update(self, data: bytes) -> None:
        self._hash.update(data)

    def hexdigest(self) -> str:
        return self._hash.finalize().hex()


@dataclass(frozen=True)
class Digested:
    """A digest with the algorithm that made it: what every stored content digest keeps beside its value."""

    algorithm: str
    value: str  # hex

    def __str__(self) -> str:
        return shown(self.algorithm, self.value)


def shown(algorithm: str, value: str) -> str:
    """How a digest is shown to people: "SM3: 66c7f0f4…", "SHA-256: 9f86d081…"."""
    return f"{digest_label(algorithm)}: {value}"


def digest_label(algorithm: str) -> str:
    """The algorithm's usual name ("SHA-256", "SM3"); an unknown name is shown as stored."""
    return DIGEST_LABELS.get(algorithm, algorithm)


def hexdigest(algorithm: str, data: bytes) -> str:
    return digest(algorithm, data).hex()


def mac(algorithm: str, key: bytes, data: bytes) -> bytes:
    if algorithm not in (Mac.HMAC_SHA256, Mac.HMAC_SM3):
        raise CryptoError(f"“{algorithm}”不是消息认证码算法。")
    h = crypto_hmac.HMAC(key, hash_algorithm(algorithm))
    h.update(data)
    return h.finalize()


def mac_equal(a: bytes, b: bytes) -> bool:
    return std_hmac.compare_digest(a, b)


def _cipher_algorithm(algorithm: str, key: bytes) -> algorithms.AES | algorithms.SM4:
    if algorithm == Aead.AES256_GCM:
        return algorithms.AES(key)
    if algorithm == Aead.SM4_GCM:
        return algorithms.SM4(key)
    raise CryptoError(f"“{algorithm}”不是加密算法。")


def aead_encrypt(algorithm: str, key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """Ciphertext with its 16-byte GCM tag appended. SM4-GCM goes through the low-level Cipher interface."""
    _check_key(algorithm, key)
    encryptor = Cipher(_cipher_algorithm(algorithm, key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(aad)
    return encryptor.update(plaintext) + encryptor.finalize() + encryptor.tag


def aead_decrypt(algorithm: str, key: bytes, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
    _check_key(algorithm, key)
    if len(sealed) < GCM_TAG_BYTES:
        raise CryptoError("密文不完整。")
    body, tag = sealed[:-GCM_TAG_BYTES], sealed[-GCM_TAG_BYTES:]
    decryptor = Cipher(_cipher_algorithm(algorithm, key), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(aad)
    try:
        return decryptor.update(body) + decryptor.finalize()
    except Exception:  # cryptography raises InvalidTag
        raise CryptoError("密文校验失败：密钥不对，或密文、关联数据被改动。") from None


def _check_key(algorithm: str, key: bytes) -> None:
    expected = AEAD_KEY_BYTES.get(Aead(algorithm)) if algorithm in AEAD_KEY_BYTES else None
    if expected is None:
        raise CryptoError(f"“{algorithm}”不是加密算法。")
    if len(key) != expected:
        raise CryptoError(f"{algorithm} 的密钥应为 {expected} 字节，实为 {len(key)} 字节。")


def tag(algorithm: str, payload: str) -> str:
    """`algorithm:v1:payload`: how every stored digest, MAC and ciphertext names its algorithm."""
    return f"{algorithm}:{FORMAT_VERSION}:{payload}"


def untag(value: str) -> tuple[str, str]:
    """(algorithm, payload) of a tagged value; CryptoError when it is not one."""
    algorithm, sep, rest = value.partition(":")
    version, sep2, payload = rest.partition(":")
    if not sep or not sep2:
        raise CryptoError("记录没有标明算法。")
    if version != FORMAT_VERSION:
        raise CryptoError(f"不认识的格式版本“{version}”。")
    return algorithm, payload

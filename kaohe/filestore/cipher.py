"""Encryption of the files the app stores, before they leave it (evidence, rosters and workbooks awaiting a
job). No Django here: a cipher seals and opens bytes and names its algorithm in what it writes.

A sealed file is ``MAGIC``, one line of JSON naming the algorithm and the key (``{"alg": "AES-256-GCM",
"key": "3f2a9c1b"}``), the 12-byte nonce and the ciphertext with its tag. The key is named by the first
eight hex characters of its SHA-256, so a file sealed under another key is refused by name, not garbled.
New files are sealed with the cipher of the crypto mode (AES-256-GCM, or SM4-GCM in 国密 mode, its key
derived from the file key by HKDF-SM3); files sealed under either open under both, by the name they carry.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Protocol

from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from kaohe.crypto.modes import GCM_NONCE_BYTES, Aead, CryptoError, aead_decrypt, aead_encrypt, hash_algorithm

MAGIC = b"KAOHE-SEALED-FILE\n"
AAD = b"kaohe file v1"
# The name each cipher writes in a file's header (AES-256-GCM is what files carried before 国密 mode).
NAMES = {Aead.AES256_GCM: "AES-256-GCM", Aead.SM4_GCM: "SM4-GCM"}


class FileCipherError(ValueError):
    pass


class FileCipher(Protocol):
    algorithm: str

    def seal(self, plaintext: bytes) -> bytes: ...

    def open(self, blob: bytes) -> bytes: ...


def is_sealed(blob: bytes) -> bool:
    return blob.startswith(MAGIC)


def header(blob: bytes) -> tuple[dict[str, str], bytes]:
    """The JSON header of a sealed file and what follows it."""
    line, _, rest = blob[len(MAGIC) :].partition(b"\n")
    return json.loads(line), rest


class KeyFileCipher:
    """Seals with ``aead`` under one 32-byte file key; opens what either cipher sealed under that key."""

    def __init__(self, key: bytes, aead: str = Aead.AES256_GCM) -> None:
        if len(key) != 32:
            raise FileCipherError(f"文件加密密钥应为 32 字节，实为 {len(key)} 字节")
        self._aead = Aead(aead)
        self.algorithm = NAMES[self._aead]
        self.key_id = hashlib.sha256(key).hexdigest()[:8]
        self._keys = {
            Aead.AES256_GCM: key,
            Aead.SM4_GCM: HKDF(
                algorithm=hash_algorithm(Aead.SM4_GCM), length=16, salt=None, info=b"kaohe:file:sm4gcm"
            ).derive(key),
        }

    @classmethod
    def from_key_file(cls, path: str | Path, aead: str = Aead.AES256_GCM) -> KeyFileCipher:
        """A key file holds the 32 bytes as 64 hex characters (``kaohe filekey``) or raw."""
        raw = Path(path).read_bytes()
        text = raw.strip()
        key = bytes.fromhex(text.decode()) if len(text) == 64 else raw
        return cls(key, aead)

    def seal(self, plaintext: bytes) -> bytes:
        nonce = os.urandom(GCM_NONCE_BYTES)
        head = json.dumps({"alg": self.algorithm, "key": self.key_id}).encode()
        body = aead_encrypt(self._aead, self._keys[self._aead], nonce, plaintext, AAD)
        return MAGIC + head + b"\n" + nonce + body

    def open(self, blob: bytes) -> bytes:
        if not is_sealed(blob):
            raise FileCipherError("文件未加密（不是本系统加密写入的文件）")
        meta, rest = header(blob)
        aead = next((a for a, name in NAMES.items() if name == meta.get("alg")), None)
        if aead is None:
            raise FileCipherError(f"文件以 {meta.get('alg')} 加密，本系统不认识这种算法")
        if meta.get("key") != self.key_id:
            raise FileCipherError(f"文件以密钥 {meta.get('key')} 加密，配置的密钥为 {self.key_id}")
        nonce, body = rest[:GCM_NONCE_BYTES], rest[GCM_NONCE_BYTES:]
        try:
            return aead_decrypt(aead, self._keys[aead], nonce, body, AAD)
        except CryptoError as error:
            raise FileCipherError("文件已被改动（认证标签不符）") from error

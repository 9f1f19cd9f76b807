"""Encryption of the files the app stores, before they leave it (evidence, rosters and workbooks awaiting a
job). No Django here: a cipher seals and opens bytes and names its algorithm in what it writes.

A sealed file is ``MAGIC``, one line of JSON naming the algorithm and the key (``{"alg": "AES-256-GCM",
"key": "3f2a9c1b"}``), the 12-byte nonce and the ciphertext with its tag. The key is named by the first
eight hex characters of its SHA-256, so a file sealed under another key is refused by name, not garbled.
Any cipher with ``seal``/``open`` and an ``algorithm`` can stand in (a key provider's envelope scheme).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"KAOHE-SEALED-FILE\n"
AAD = b"kaohe file v1"


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


class AesGcmCipher:
    """AES-256-GCM under one 32-byte key."""

    algorithm = "AES-256-GCM"

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise FileCipherError(f"文件加密密钥应为 32 字节，实为 {len(key)} 字节")
        self._aead = AESGCM(key)
        self.key_id = hashlib.sha256(key).hexdigest()[:8]

    @classmethod
    def from_key_file(cls, path: str | Path) -> AesGcmCipher:
        """A key file holds the 32 bytes as 64 hex characters (``kaohe filekey``) or raw."""
        raw = Path(path).read_bytes()
        text = raw.strip()
        key = bytes.fromhex(text.decode()) if len(text) == 64 else raw
        return cls(key)

    def seal(self, plaintext: bytes) -> bytes:
        nonce = os.urandom(12)
        head = json.dumps({"alg": self.algorithm, "key": self.key_id}).encode()
        return MAGIC + head + b"\n" + nonce + self._aead.encrypt(nonce, plaintext, AAD)

    def open(self, blob: bytes) -> bytes:
        if not is_sealed(blob):
            raise FileCipherError("文件未加密（不是本系统加密写入的文件）")
        meta, rest = header(blob)
        if meta.get("alg") != self.algorithm:
            raise FileCipherError(f"文件以 {meta.get('alg')} 加密，本系统配置的是 {self.algorithm}")
        if meta.get("key") != self.key_id:
            raise FileCipherError(f"文件以密钥 {meta.get('key')} 加密，配置的密钥为 {self.key_id}")
        try:
            return self._aead.decrypt(rest[:12], rest[12:], AAD)
        except InvalidTag as error:
            raise FileCipherError("文件已被改动（认证标签不符）") from error

"""The storage every node writes its files to: local disk (the embedded default) or an S3-compatible
object store all nodes share, with each file sealed by a `FileCipher` before it leaves the app.

Settings (kaohe/settings.py, docs/operations.md): ``FILE_STORAGE`` picks the backend and ``FILE_KEY_FILE``
the key; this class wraps the backend so that whatever is saved is sealed and whatever is opened is
opened again, and nothing else in the app knows. A file stored before the key was set is refused until
`kaohe files seal` has sealed it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage, Storage
from django.utils.deconstruct import deconstructible
from django.utils.module_loading import import_string

from kaohe.crypto.configured import active_suite
from kaohe.filestore.cipher import FileCipher, KeyFileCipher, is_sealed


def configured_cipher() -> FileCipher | None:
    path = getattr(settings, "FILE_KEY_FILE", None)
    if not path:
        return None
    try:
        return KeyFileCipher.from_key_file(path, active_suite().aead)
    except OSError as error:
        raise ImproperlyConfigured(f"无法读取文件加密密钥 {path}：{error.strerror}") from error


@deconstructible
class SealedStorage(Storage):
    """Delegates to ``backend`` (a storage class path, with ``options``); seals files when a key is set."""

    def __init__(self, backend: str, options: dict[str, Any] | None = None, cipher: FileCipher | None = None):
        self.backend = backend
        self.options = options or {}
        self.inner: Storage = import_string(backend)(**self.options)
        self.cipher = cipher if cipher is not None else configured_cipher()

    def _open(self, name: str, mode: str = "rb") -> File:
        with self.inner.open(name, "rb") as stored:
            blob = stored.read()
        return ContentFile(self.cipher.open(blob) if self.cipher else blob, name=name)

    def _save(self, name: str, content: File) -> str:
        content.seek(0)
        data = content.read()
        if isinstance(data, str):
            data = data.encode()
        sealed = self.cipher.seal(data) if self.cipher else data
        return self.inner.save(name, ContentFile(sealed), max_length=None)

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        return self.inner.get_available_name(name, max_length=max_length)

    def delete(self, name: str) -> None:
        self.inner.delete(name)

    def exists(self, name: str) -> bool:
        return self.inner.exists(name)

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        return self.inner.listdir(path)

    def size(self, name: str) -> int:
        return self.inner.size(name)  # as stored: sealing adds its header, nonce and tag

    def url(self, name: str | None) -> str:
        raise NotImplementedError("文件只经由权限检查的视图下载，没有公开地址。")

    def walk(self, path: str = "") -> list[str]:
        """Every stored file's name, depth first."""
        try:
            folders, files = self.inner.listdir(path)
        except FileNotFoundError:  # nothing stored yet on local disk
            return []
        names = [f"{path}/{name}" if path else name for name in files]
        for folder in folders:
            names += self.walk(f"{path}/{folder}" if path else folder)
        return names

    def seal_in_place(self, name: str) -> bool:
        """Seal a file stored before the key was set, under the same name; False if it already was."""
        if self.cipher is None:
            raise ImproperlyConfigured("没有设置 FILE_KEY_FILE，无法加密。")
        with self.inner.open(name, "rb") as stored:
            blob = stored.read()
        if is_sealed(blob):
            return False
        sealed = self.cipher.seal(blob)
        if isinstance(self.inner, FileSystemStorage):
            # Written beside it and renamed over it: never half a file.
            target = Path(self.inner.path(name))
            temporary = target.with_name(target.name + ".sealing")
            temporary.write_bytes(sealed)
            os.replace(temporary, target)
        else:
            self.inner._save(name, ContentFile(sealed))  # object stores overwrite a key in one request
        return True

    def get_modified_time(self, name: str):  # type: ignore[no-untyped-def]
        return self.inner.get_modified_time(name)

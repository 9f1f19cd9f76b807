"""Checking an uploaded file before it is stored: its extension, its content signature and its size.

The extension alone proves nothing (a renamed .exe is still an .exe), so the first bytes must match the
format the name claims; a .docx or .xlsx must also be a zip holding that format's main part. Every app that
takes a file calls ``validate_upload`` with the extensions it accepts (evidence: ``EVIDENCE``; a 述职报告:
``REPORTS``).
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import PurePath
from typing import IO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ZIP = b"PK\x03\x04"
# extension → (leading bytes, the zip member that marks an Office file)
FORMATS: dict[str, tuple[bytes, str | None]] = {
    ".pdf": (b"%PDF-", None),
    ".jpg": (b"\xff\xd8\xff", None),
    ".jpeg": (b"\xff\xd8\xff", None),
    ".png": (b"\x89PNG\r\n\x1a\n", None),
    ".docx": (ZIP, "word/document.xml"),
    ".xlsx": (ZIP, "xl/workbook.xml"),
}
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EVIDENCE = (".pdf", ".jpg", ".jpeg", ".png", ".docx", ".xlsx")
REPORTS = (".docx", ".pdf")


def _megabytes(size: int) -> str:
    return f"{size / 1048576:.1f}".removesuffix(".0")


def _allowed_text(allowed: Sequence[str]) -> str:
    return "、".join(dict.fromkeys(s.lstrip(".") for s in allowed if s != ".jpeg"))


def validate_upload(upload: IO[bytes], *, allowed: Sequence[str], limit: int) -> None:
    """Raise ValidationError naming the file when it is not an allowed, genuine, small enough file."""
    name = PurePath(getattr(upload, "name", "") or "").name
    suffix = PurePath(name).suffix.lower()
    if suffix not in allowed or suffix not in FORMATS:
        raise ValidationError(
            _("「%(name)s」的类型不允许上传，只接受 %(allowed)s 文件"),
            code="extension",
            params={"name": name, "allowed": _allowed_text(allowed)},
        )
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    if size > limit:
        raise ValidationError(
            _("「%(name)s」过大（%(size)s MB），每个文件不能超过 %(limit)s MB"),
            code="size",
            params={"name": name, "size": _megabytes(size), "limit": _megabytes(limit)},
        )
    if size == 0:
        raise ValidationError(_("「%(name)s」是空文件"), code="empty", params={"name": name})
    signature, member = FORMATS[suffix]
    upload.seek(0)
    head = upload.read(len(signature))
    genuine = head == signature
    if genuine and member is not None:
        upload.seek(0)
        try:
            with zipfile.ZipFile(upload) as archive:  # type: ignore[arg-type]
                genuine = member in archive.namelist()
        except zipfile.BadZipFile:
            genuine = False
    upload.seek(0)
    if not genuine:
        raise ValidationError(
            _("「%(name)s」的内容与扩展名 %(suffix)s 不符，文件可能已损坏或被改名"),
            code="signature",
            params={"name": name, "suffix": suffix},
        )


def content_type(file_name: str) -> str:
    return CONTENT_TYPES.get(PurePath(file_name).suffix.lower(), "application/octet-stream")

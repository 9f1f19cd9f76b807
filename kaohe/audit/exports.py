"""The audit log as a workbook in Chinese, for the audit administrator: the filtered entries, oldest first."""

from __future__ import annotations

import json
from collections.abc import Iterable
from io import BytesIO

from django.utils import timezone
from openpyxl import Workbook

from kaohe.audit.forms import object_type_label
from kaohe.audit.labels import action_text
from kaohe.audit.models import AuditEntry

HEADERS = ("序号", "时间", "操作人", "操作", "对象类型", "对象编号", "对象", "修改前", "修改后", "校验算法")


def _json(value: object) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def entries_workbook(entries: Iterable[AuditEntry]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("审计日志")
    sheet.append(HEADERS)
    for entry in entries:
        sheet.append(
            (
                entry.seq,
                timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S"),
                entry.actor_name,
                action_text(entry.action),
                object_type_label(entry.object_type) if entry.object_type else "",
                entry.object_id,
                entry.object_repr,
                _json(entry.before),
                _json(entry.after),
                entry.algorithm,
            )
        )
    out = BytesIO()
    book.save(out)
    return out.getvalue()

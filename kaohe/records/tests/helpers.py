import io
from datetime import date

from openpyxl import Workbook

from kaohe.records.actions import list_item_create, visit_create
from kaohe.records.workbook import COLUMNS


def book(rows, header=COLUMNS, sheet="清单") -> bytes:
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def item(cycle, actor, unit, kind="progress", month=3, cadre=None, **fields):
    defaults = {"content": f"{kind}事项", "due": date(2025, 3, 31) if kind == "task" else None}
    if kind == "problem":
        defaults["found_by"] = "考核组"
    defaults.update(fields)
    return list_item_create(
        actor=actor, cycle=cycle, unit=unit, cadre=cadre, month=month, kind=kind, **defaults
    )


def visit(cycle, actor, unit, **fields):
    values = {
        "date": date(2025, 3, 12),
        "method": "unannounced",
        "members": "王组长、李干事",
        "findings": "窗口人员脱岗",
    } | fields
    return visit_create(actor=actor, cycle=cycle, unit=unit, **values)

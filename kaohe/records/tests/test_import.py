"""A month's lists from a workbook: all or nothing, every problem named by row, column and value."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from kaohe.audit.models import AuditEntry
from kaohe.crypto.modes import hexdigest
from kaohe.records.models import ListItem
from kaohe.records.workbook import list_items_import, write_items
from kaohe.workbook.sheets import WorkbookError

from .helpers import book, item

GOOD = [
    ("DW01", None, 3, "任务清单", "完成老旧小区改造三个", date(2025, 6, 30), None, None),
    ("DW01", "GB002", 3, "进度", "改造完成一个", None, None, None),
    ("DW01", None, 3, "问题清单", "台账不全", None, None, "第一考核组"),
    ("DW02", None, 3, "成绩清单", "获评省级示范", None, date(2025, 3, 20), None),
]


def problems_of(error):
    return [str(p) for p in error.value.problems]


def test_a_good_month_is_imported_and_audited_once(year, cast):
    summary = list_items_import(actor=cast["organiser"], cycle=year, month=3, data=book(GOOD))
    assert (summary.rows, summary.created, summary.updated, summary.unchanged) == (4, 4, 0, 0)
    task = ListItem.objects.get(kind="task")
    assert (task.unit.code, task.cadre, task.due, task.month) == ("DW01", None, date(2025, 6, 30), 3)
    assert ListItem.objects.get(kind="progress").cadre.code == "GB002"
    assert AuditEntry.objects.filter(action="list_items.import").count() == 1


@pytest.mark.parametrize(("mode", "algorithm"), [("standard", "sha256"), ("guomi", "sm3")])
def test_the_audit_entry_keeps_the_files_digest_and_its_algorithm(year, cast, settings, mode, algorithm):
    settings.CRYPTO_MODE = mode
    data = book(GOOD)
    list_items_import(actor=cast["organiser"], cycle=year, month=3, data=data)
    entry = AuditEntry.objects.get(action="list_items.import")
    assert entry.after["digest_algorithm"] == algorithm
    assert entry.after["digest"] == hexdigest(algorithm, data)


def test_every_bad_row_is_named_and_nothing_is_saved(year, cast):
    rows = [
        *GOOD,
        ("DW99", None, 3, "任务清单", "x", date(2025, 4, 1), None, None),
        ("DW01", "GB004", 3, "进度清单", "别单位的干部", None, None, None),
        ("DW01", None, 4, "进度清单", "月份不对", None, None, None),
        ("DW01", None, 3, "汇报清单", "清单不对", None, None, None),
        ("DW01", None, 3, "任务清单", "没有时限", None, None, None),
        ("DW01", None, 3, "问题清单", "没有发现人", None, None, None),
        ("DW01", None, 3, "进度清单", "", None, "明天", None),
        ("DW01", None, 3, "任务清单", "完成老旧小区改造三个", date(2025, 6, 30), None, None),
    ]
    with pytest.raises(WorkbookError) as error:
        list_items_import(actor=cast["organiser"], cycle=year, month=3, data=book(rows))
    assert problems_of(error) == [
        "清单 第6行 单位编码: 「DW99」不是2025年度参加考核的单位",
        "清单 第7行 干部编码: 「GB004」本年度不在单位「DW01」",
        "清单 第8行 月份: 本次导入的是3月的清单，此行是「4」",
        "清单 第9行 清单: 「汇报清单」不是有效的选项（任务清单、进度清单、问题清单、成绩清单）",
        "清单 第10行 完成时限: 任务清单须填写完成时限",
        "清单 第11行 发现人: 问题清单须填写发现人",
        "清单 第12行 内容: 不能为空",
        "清单 第12行 完成日期: 「明天」不是有效的日期（如 2019-05-01、2019.05、2019年5月）",
        "清单 第13行 内容: 与第2行重复（同一单位、干部、清单和内容）",
    ]
    assert not ListItem.objects.exists()
    assert not AuditEntry.objects.filter(action="list_items.import").exists()


def test_a_liaison_imports_only_their_own_unit(year, cast):
    with pytest.raises(WorkbookError) as error:
        list_items_import(
            actor=cast["liaison"], cycle=year, month=3, data=book(GOOD), unit_scope=cast["liaison"].unit_id
        )
    assert problems_of(error) == ["清单 第5行 单位编码: 只能导入本单位（DW01）的清单"]
    assert not ListItem.objects.exists()


def test_a_file_without_the_sheet_or_rows_is_refused(year, cast):
    with pytest.raises(WorkbookError) as error:
        list_items_import(actor=cast["organiser"], cycle=year, month=3, data=book(GOOD, sheet="Sheet1"))
    assert "清单" in problems_of(error)[0]
    with pytest.raises(WorkbookError, match="只有表头"):
        list_items_import(actor=cast["organiser"], cycle=year, month=3, data=book([]))
    with pytest.raises(WorkbookError):
        list_items_import(actor=cast["organiser"], cycle=year, month=3, data=b"not a workbook")


def test_the_export_imported_again_changes_nothing_and_keeps_verification(year, cast, roster):
    list_items_import(actor=cast["organiser"], cycle=year, month=3, data=book(GOOD))
    verified = ListItem.objects.get(kind="task")
    verified.verified_at, verified.verification_note = verified.entered_at, "属实"
    verified.save()
    item(year, cast["liaison"], roster["units"]["a"], content="=SUM(A1:A2) 不是公式")
    buffer = io.BytesIO()
    write_items(ListItem.objects.filter(cycle=year, month=3), buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert [c.value for c in sheet[1]][-1] == "已核实"
    before = list(ListItem.objects.order_by("pk").values())
    summary = list_items_import(actor=cast["organiser"], cycle=year, month=3, data=buffer.getvalue())
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 5)
    assert list(ListItem.objects.order_by("pk").values()) == before


def test_a_changed_line_is_updated_in_place(year, cast):
    list_items_import(actor=cast["organiser"], cycle=year, month=3, data=book(GOOD))
    changed = [GOOD[0][:5] + (date(2025, 7, 31), date(2025, 7, 1), None)]
    summary = list_items_import(actor=cast["organiser"], cycle=year, month=3, data=book(changed))
    assert (summary.created, summary.updated) == (0, 1)
    task = ListItem.objects.get(kind="task")
    assert (task.due, task.completed) == (date(2025, 7, 31), date(2025, 7, 1))

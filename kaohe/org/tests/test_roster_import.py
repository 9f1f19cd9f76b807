"""Importing the roster workbook: all or nothing, every problem named, moves keep their history."""

from __future__ import annotations

import datetime
import threading
import time

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.utils import timezone

from kaohe.accounts.actors import SystemActor
from kaohe.audit.models import AuditEntry
from kaohe.crypto.modes import hexdigest
from kaohe.org import roster as roster_module
from kaohe.org.actions import Counts, roster_import
from kaohe.org.models import Cadre, LeadershipTeam, Position, Unit, UnitCategory
from kaohe.org.tests.test_roster_books import CADRE_HEADER, UNIT_HEADER, new_roster, roster_book, xlsx
from kaohe.workbook.sheets import Problem, WorkbookError

pytestmark = pytest.mark.django_db


def run(data: bytes, name: str = "名册.xlsx", **kwargs):
    return roster_import(actor=SystemActor("test"), source=data, file_name=name, **kwargs)


def snapshot() -> tuple:
    """Everything an import could change, to show that a refused one changed nothing."""
    return (
        list(UnitCategory.objects.values_list("name", "order")),
        list(Unit.objects.values_list("code", "name", "category_id", "parent_id", "pinyin_initials")),
        list(Cadre.objects.values_list("code", "name", "gender", "birth_month", "current_unit_id", "pinyin")),
        list(
            Position.objects.order_by("id").values_list(
                "cadre_id", "unit_id", "title", "principal", "start", "end"
            )
        ),
        LeadershipTeam.objects.count(),
        AuditEntry.objects.count(),
    )


def refused(data: bytes, **kwargs) -> list[Problem]:
    before = snapshot()
    with pytest.raises(WorkbookError) as caught:
        run(data, **kwargs)
    assert snapshot() == before, "a refused import saved something"
    return caught.value.problems


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


# --- the happy path ------------------------------------------------------------------------------------


def test_an_import_creates_and_counts_units_cadres_and_categories(roster):
    result = run(new_roster())

    assert result.units == Counts(created=2, updated=0, unchanged=3)
    assert result.cadres == Counts(created=2, updated=0, unchanged=5)
    assert result.categories_created == ("事业单位",)
    child = Unit.objects.get(code="DW11")
    assert child.parent == Unit.objects.get(code="DW10")  # a parent named further down the sheet
    assert child.category.name == "事业单位"
    assert child.pinyin_initials == "dcjdsqfwzx"
    assert LeadershipTeam.objects.filter(unit=child).exists()
    meihua = Cadre.objects.get(code="GB101")
    assert (meihua.name, meihua.gender, meihua.birth_month) == ("孙小梅", "女", datetime.date(1986, 7, 1))
    assert (meihua.pinyin_initials, meihua.pinyin) == ("sxm", "sunxiaomei")
    assert meihua.current_unit == child
    position = meihua.current_position
    assert (position.unit, position.title, position.principal, position.start) == (
        child, "主任", True, datetime.date(2023, 2, 1),
    )  # fmt: skip
    hai = Cadre.objects.get(code="GB102")
    assert (hai.gender, hai.birth_month, hai.current_position.start, hai.current_position.principal) == (
        "男", None, None, False,
    )  # fmt: skip


def test_in_guomi_mode_the_files_digest_is_sm3(roster, settings):
    settings.CRYPTO_MODE = "guomi"
    data = new_roster()
    run(data, name="2025名册.xlsx")
    entry = AuditEntry.objects.get(action="roster.import")
    assert entry.after["digest_algorithm"] == "sm3"
    assert entry.after["digest"] == hexdigest("sm3", data) and entry.object_id == entry.after["digest"][:16]


def test_an_import_writes_one_audit_entry_summarising_it(roster):
    run(new_roster(), name="2025名册.xlsx")

    entry = AuditEntry.objects.get()
    assert entry.action == "roster.import"
    assert entry.object_repr == "2025名册.xlsx"
    assert entry.after["file"] == "2025名册.xlsx"
    assert len(entry.after["digest"]) == 64 and entry.after["digest_algorithm"] == "sha256"
    assert entry.after["units"] == {"created": 2, "updated": 0, "unchanged": 3}
    assert entry.after["cadres"] == {"created": 2, "updated": 0, "unchanged": 5}


def test_reimporting_the_same_file_changes_nothing(roster):
    run(new_roster())
    before = snapshot()[:-1]

    result = run(new_roster())

    assert result.units == Counts(unchanged=5)
    assert result.cadres == Counts(unchanged=7)
    assert result.categories_created == ()
    assert snapshot()[:-1] == before


def test_an_import_of_an_empty_database_creates_everything(db):
    result = run(new_roster())
    assert result.units == Counts(created=5)
    assert result.cadres == Counts(created=7)
    assert set(UnitCategory.objects.values_list("name", flat=True)) == {"乡镇街道", "政府部门", "事业单位"}
    assert Position.objects.filter(end__isnull=True).count() == 7


def test_a_renamed_unit_and_cadre_are_updated_with_their_pinyin(roster):
    result = run(
        roster_book(
            units=[["DW02", "西山街道", "乡镇街道", "DW01"]],
            cadres=[["GB004", "赵丽华", "女", "1980-05", "DW03", "局长", "是", "2021-03-01"]],
        )
    )
    assert result.units == Counts(updated=1)
    assert result.cadres == Counts(updated=1)
    unit = Unit.objects.get(code="DW02")
    assert (unit.name, unit.pinyin_initials, unit.parent.code) == ("西山街道", "xsjd", "DW01")
    cadre = Cadre.objects.get(code="GB004")
    assert (cadre.name, cadre.pinyin_initials, cadre.pinyin) == ("赵丽华", "zlh", "zhaolihua")
    assert cadre.positions.count() == 1


def test_a_changed_principal_flag_corrects_the_current_position_in_place(roster):
    result = run(
        roster_book(cadres=[["GB002", "李明", "女", "1980-05", "DW01", "办事处主任", "是", "2021-03-01"]])
    )
    assert result.cadres == Counts(updated=1)
    cadre = Cadre.objects.get(code="GB002")
    assert cadre.positions.count() == 1
    assert cadre.current_position.principal is True


def test_a_move_closes_the_old_position_on_the_new_start_and_keeps_history(roster):
    result = run(roster_book(cadres=[["GB002", "李明", "女", "1980-05", "DW02", "镇长", "否", "2024年6月"]]))

    assert result.cadres == Counts(updated=1)
    assert result.moves == 1
    cadre = Cadre.objects.get(code="GB002")
    old, new = cadre.positions.order_by("start")
    assert (old.unit.code, old.title, old.start, old.end) == (
        "DW01", "办事处主任", datetime.date(2021, 3, 1), datetime.date(2024, 6, 1),
    )  # fmt: skip
    assert (new.unit.code, new.title, new.start, new.end) == ("DW02", "镇长", datetime.date(2024, 6, 1), None)
    assert cadre.current_unit.code == "DW02"
    # and importing it again is not another move
    again = run(roster_book(cadres=[["GB002", "李明", "女", "1980-05", "DW02", "镇长", "否", "2024年6月"]]))
    assert again.cadres == Counts(unchanged=1)
    assert cadre.positions.count() == 2


def test_a_new_title_in_the_same_unit_is_a_move_too(roster):
    run(roster_book(cadres=[["GB005", "钱伟", "女", "1980-05", "DW03", "局长", None, "2025-01-02"]]))
    titles = list(Cadre.objects.get(code="GB005").positions.order_by("start").values_list("title", "end"))
    assert titles == [("副局长", datetime.date(2025, 1, 2)), ("局长", None)]


def test_a_move_without_a_start_date_ends_the_old_position_today(roster):
    run(roster_book(cadres=[["GB002", "李明", "女", "1980-05", "DW03", "副局长", None, None]]))
    cadre = Cadre.objects.get(code="GB002")
    assert cadre.positions.get(end__isnull=False).end == timezone.localdate()
    assert cadre.current_position.start is None
    assert cadre.current_unit.code == "DW03"


def test_absent_optional_columns_keep_what_is_stored(roster):
    result = run(
        roster_book(
            units=[["DW02", "西山镇", "乡镇街道"]],
            cadres=[["GB003", "王建国", "DW02", "镇党委书记"]],
            unit_header=UNIT_HEADER[:3],
            cadre_header=["干部编码", "姓名", "单位编码", "职务"],
        )
    )
    assert result.units == Counts(unchanged=1)
    assert result.cadres == Counts(unchanged=1)
    cadre = Cadre.objects.get(code="GB003")
    assert (cadre.gender, cadre.birth_month, cadre.current_position.principal) == (
        "女", datetime.date(1980, 5, 1), True,
    )  # fmt: skip


def test_columns_are_found_by_header_in_any_order_and_extra_columns_and_blank_rows_are_ignored(roster):
    book = xlsx(
        {
            "参数": [["参数", "值"], ["年度", 2025]],
            "单位": [
                ["先进单位", "单位类别", "单位名称", "单位编码"],
                [None, None, None, None],
                ["是", "事业单位", "城东片区管委会", "DW10"],
            ],
            "干部": [
                [
                    "平时考核",
                    "职务",
                    "单位编码",
                    "姓名",
                    "干部编码",
                    "主要负责人",
                    "出生年月",
                    "任职时间",
                    "性别",
                ],
                [90, "主任", "DW10", "周海", "GB102", "Y", datetime.datetime(1979, 11, 3), 2019.05, "男"],
            ],
        }
    )
    result = run(book)
    assert result.units == Counts(created=1)
    cadre = Cadre.objects.get(code="GB102")
    assert cadre.birth_month == datetime.date(1979, 11, 1)
    assert cadre.current_position.principal is True
    assert cadre.current_position.start == datetime.date(2019, 5, 1)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2019-05", datetime.date(2019, 5, 1)),
        ("2019-05-01", datetime.date(2019, 5, 1)),
        ("2019.05", datetime.date(2019, 5, 1)),
        ("2019年5月", datetime.date(2019, 5, 1)),
        ("2019/5/20", datetime.date(2019, 5, 20)),
        (datetime.datetime(2019, 5, 20), datetime.date(2019, 5, 20)),
    ],
)
def test_dates_may_be_excel_dates_or_text(db, typed, expected):
    run(
        roster_book(
            units=[["DW1", "甲单位", "乙类", None]],
            cadres=[["GB1", "张三", "男", typed, "DW1", "科长", None, typed]],
        )
    )
    cadre = Cadre.objects.get(code="GB1")
    assert cadre.birth_month == expected.replace(day=1)
    assert cadre.current_position.start == expected


def test_numeric_codes_are_read_as_text(db):
    run(
        roster_book(
            units=[[1001, "甲单位", "乙类", None]],
            cadres=[[2001, "张三", "男", None, 1001, "科长", None, None]],
        )
    )
    assert Cadre.objects.get(code="2001").current_unit.code == "1001"


# --- refused files ---------------------------------------------------------------------------------------


def test_an_empty_file_is_refused(roster):
    problem = only(refused(b""))
    assert problem.message == "文件为空"


def test_a_file_that_is_not_xlsx_is_refused(roster):
    problem = only(refused("单位编码,单位名称\nDW01,东城街道\n".encode()))
    assert "不是 Excel 或 WPS/LibreOffice 工作簿" in problem.message


def test_an_oversize_file_is_refused(roster, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    problem = only(refused(new_roster()))
    assert "文件过大" in problem.message and "上限" in problem.message


def test_a_workbook_with_only_headers_is_refused_as_empty(roster):
    problem = only(refused(roster_book()))
    assert "没有数据" in problem.message


def test_a_missing_sheet_is_refused_by_name(roster):
    problem = only(refused(xlsx({"单位": [UNIT_HEADER, ["DW10", "城东片区管委会", "事业单位", None]]})))
    assert (problem.value, problem.message) == ("干部", "缺少工作表「干部」")


def test_wrong_or_missing_headers_are_refused_naming_sheet_row_and_column(roster):
    problems = refused(
        roster_book(
            units=[["DW10", "城东片区管委会", "事业单位"]],
            cadres=[["GB102", "周海", "DW10", "主任"]],
            unit_header=["单位编码", "单位", "单位类别"],
            cadre_header=["干部编码", "姓名", "所在单位", "职务"],
        )
    )
    assert [(p.sheet, p.row, p.value, p.message) for p in problems] == [
        ("单位", 1, "单位名称", "缺少列「单位名称」"),
        ("干部", 1, "单位编码", "缺少列「单位编码」"),
    ]


def test_bad_cells_of_a_readable_sheet_are_listed_beside_a_missing_column_of_the_other(roster):
    problems = refused(
        roster_book(
            units=[["DW10", "城东片区管委会", None, None]],
            cadres=[["GB102", "周海", "M", None, "DW10", "主任", None, None]],
            cadre_header=["干部编码", "姓名", "性别", "出生年月", "单位", "职务", "主要负责人", "任职时间"],
        )
    )
    assert [(p.sheet, p.row, p.column, p.value) for p in problems] == [
        ("单位", 2, "单位类别", None),
        ("干部", 1, None, "单位编码"),
    ]


def test_a_duplicate_header_is_refused(roster):
    problems = refused(
        roster_book(
            units=[["DW10", "甲", "乙", "丙"]], unit_header=["单位编码", "单位名称", "单位类别", "单位名称"]
        )
    )
    assert any(
        p.sheet == "单位" and p.row == 1 and p.value == "单位名称" and "重复" in p.message for p in problems
    )


def test_duplicate_unit_codes_in_the_file_are_refused(roster):
    problem = only(
        refused(
            roster_book(units=[["DW10", "甲单位", "事业单位", None], ["DW10", "乙单位", "事业单位", None]])
        )
    )
    assert (problem.sheet, problem.row, problem.column, problem.value) == ("单位", 3, "单位编码", "DW10")
    assert problem.message == "「DW10」与第2行重复"


def test_duplicate_cadre_codes_in_the_file_are_refused(roster):
    cadre = ["GB102", "周海", "男", None, "DW01", "科员", None, None]
    problem = only(refused(roster_book(cadres=[cadre, cadre])))
    assert (problem.sheet, problem.row, problem.column, problem.value) == ("干部", 3, "干部编码", "GB102")
    assert "与第2行重复" in problem.message


def test_a_cadre_code_equal_to_a_unit_code_in_the_file_is_refused(roster):
    problem = only(
        refused(
            roster_book(
                units=[["X1", "甲单位", "事业单位", None]],
                cadres=[["X1", "周海", "男", None, "X1", "科员", None, None]],
            )
        )
    )
    assert (problem.sheet, problem.row, problem.column, problem.value) == ("干部", 2, "干部编码", "X1")
    assert "「单位」表第2行" in problem.message


def test_codes_already_used_by_the_other_kind_in_the_database_are_refused(roster):
    problems = refused(
        roster_book(
            units=[["GB001", "甲单位", "事业单位", None]],
            cadres=[["DW03", "周海", "男", None, "DW01", "科员", None, None]],
        )
    )
    assert [(p.sheet, p.row, p.column, p.value) for p in problems] == [
        ("单位", 2, "单位编码", "GB001"),
        ("干部", 2, "干部编码", "DW03"),
    ]
    assert "干部的编码" in problems[0].message and "单位的编码" in problems[1].message


def test_a_cadre_in_an_unknown_unit_is_refused(roster):
    problem = only(refused(roster_book(cadres=[["GB102", "周海", "男", None, "DW99", "科员", None, None]])))
    assert (problem.sheet, problem.row, problem.column, problem.value) == ("干部", 2, "单位编码", "DW99")
    assert problem.message.startswith("「DW99」不存在")


def test_an_unknown_parent_is_refused(roster):
    problem = only(refused(roster_book(units=[["DW10", "甲单位", "事业单位", "DW98"]])))
    assert (problem.sheet, problem.row, problem.column, problem.value) == ("单位", 2, "上级单位编码", "DW98")
    assert problem.message.startswith("「DW98」不存在")


def test_a_parent_cycle_in_the_file_is_refused(roster):
    problems = refused(
        roster_book(
            units=[
                ["DW10", "甲单位", "事业单位", "DW11"],
                ["DW11", "乙单位", "事业单位", "DW10"],
                ["DW12", "丙单位", "事业单位", "DW12"],
            ]
        )
    )
    assert [(p.sheet, p.row, p.column, p.value) for p in problems] == [
        ("单位", 2, "上级单位编码", "DW11"),
        ("单位", 3, "上级单位编码", "DW10"),
        ("单位", 4, "上级单位编码", "DW12"),
    ]
    assert problems[0].message == "上级单位形成循环：DW10 → DW11 → DW10"
    assert problems[2].message == "上级单位形成循环：DW12 → DW12"


def test_a_cycle_through_a_stored_parent_is_refused(roster):
    # DW02 is stored under DW01 by this import's first row; making DW01 a child of DW02 loops.
    run(roster_book(units=[["DW02", "西山镇", "乡镇街道", "DW01"]]))
    problem = only(refused(roster_book(units=[["DW01", "东城街道", "乡镇街道", "DW02"]])))
    assert (problem.row, problem.column, problem.value) == (2, "上级单位编码", "DW02")
    assert problem.message == "上级单位形成循环：DW01 → DW02 → DW01"


@pytest.mark.parametrize(
    ("column", "cell", "message"),
    [
        ("出生年月", "1980-13", "「1980-13」不是有效的日期"),
        ("出生年月", "去年", "「去年」不是有效的日期"),
        ("任职时间", "2019-02-30", "「2019-02-30」不是有效的日期"),
        ("任职时间", "1066-10-14", "年份应在1900到2100之间"),
        ("主要负责人", "不是", "「不是」不是有效的选项（是、否）"),
        ("性别", "M", "「M」不是有效的选项（男、女）"),
    ],
)
def test_a_bad_cell_is_refused_naming_sheet_row_column_and_value(roster, column, cell, message):
    row = ["GB102", "周海", "男", "1979-11", "DW01", "科员", "否", "2020-01"]
    row[CADRE_HEADER.index(column)] = cell
    problem = only(
        refused(roster_book(cadres=[["GB101", "孙小梅", "女", None, "DW01", "科员", None, None], row]))
    )
    assert (problem.sheet, problem.row, problem.column, problem.value) == ("干部", 3, column, cell)
    assert message in problem.message
    assert str(problem).startswith(f"干部 第3行 {column}: ")


def test_a_birth_month_in_the_future_is_refused(roster):
    later = timezone.localdate().year + 1
    problem = only(
        refused(roster_book(cadres=[["GB102", "周海", "男", f"{later}-01", "DW01", "科员", None, None]]))
    )
    assert (problem.column, problem.value) == ("出生年月", f"{later}-01")


@pytest.mark.parametrize("column", ["单位编码", "单位名称", "单位类别"])
def test_an_empty_required_unit_cell_is_refused(roster, column):
    row = ["DW10", "甲单位", "事业单位", None]
    row[UNIT_HEADER.index(column)] = "  "
    problem = only(refused(roster_book(units=[row])))
    assert (problem.sheet, problem.row, problem.column, problem.message) == ("单位", 2, column, "不能为空")


@pytest.mark.parametrize("column", ["干部编码", "姓名"])
def test_an_empty_required_cadre_cell_is_refused(roster, column):
    row = ["GB102", "周海", "男", None, "DW01", "科员", None, None]
    row[CADRE_HEADER.index(column)] = None
    problem = only(refused(roster_book(cadres=[row])))
    assert (problem.sheet, problem.row, problem.column, problem.message) == ("干部", 2, column, "不能为空")


@pytest.mark.parametrize("column", ["单位编码", "职务"])
def test_a_unit_without_a_title_or_a_title_without_a_unit_is_refused(roster, column):
    row = ["GB102", "周海", "男", None, "DW01", "科员", None, None]
    row[CADRE_HEADER.index(column)] = None
    problem = only(refused(roster_book(cadres=[row])))
    assert (problem.sheet, problem.row, problem.column) == ("干部", 2, column)
    assert problem.message.startswith("不能为空（单位编码和职务都留空表示该干部无现任职务")


def test_a_too_long_name_is_refused(roster):
    problem = only(refused(roster_book(units=[["DW10", "长" * 101, "事业单位", None]])))
    assert problem.column == "单位名称" and problem.message.endswith("超过100个字")


def test_a_move_starting_before_the_current_position_began_is_refused(roster):
    problem = only(
        refused(roster_book(cadres=[["GB002", "李明", "女", "1980-05", "DW02", "镇长", None, "2020-01"]]))
    )
    assert (problem.sheet, problem.row, problem.column, problem.value) == (
        "干部",
        2,
        "任职时间",
        datetime.date(2020, 1, 1),
    )
    assert "早于" in problem.message and "2021-03-01" in problem.message


def test_every_problem_is_listed_in_sheet_and_row_order_and_nothing_is_saved(roster):
    problems = refused(
        roster_book(
            units=[
                ["DW10", "甲单位", "事业单位", "DW97"],
                ["DW10", None, "事业单位", None],
                ["DW12", "丙单位", "事业单位", None],
            ],
            cadres=[
                ["GB101", "孙小梅", "W", "1986-07", "DW10", "主任", "是", "2023.02"],
                ["GB102", "周海", "男", "昨天", "DW99", None, "否", None],
            ],
        )
    )
    assert [(p.sheet, p.row, p.column) for p in problems] == [
        ("单位", 2, "上级单位编码"),
        ("单位", 3, "单位编码"),
        ("单位", 3, "单位名称"),
        ("干部", 2, "性别"),
        ("干部", 3, "出生年月"),
        ("干部", 3, "单位编码"),
        ("干部", 3, "职务"),
    ]
    assert not Unit.objects.filter(code="DW12").exists()
    assert not UnitCategory.objects.filter(name="事业单位").exists()


# --- cadres without a current position -------------------------------------------------------------------


def test_a_new_cadre_with_blank_unit_and_title_is_created_without_a_position(roster):
    result = run(roster_book(cadres=[["GB201", "吴新", "男", "1990-01", None, None, None, None, None]]))

    assert result.cadres == Counts(created=1)
    cadre = Cadre.objects.get(code="GB201")
    assert (cadre.current_unit, cadre.positions.count()) == (None, 0)


def test_a_leaving_date_with_blank_unit_and_title_ends_the_current_position_and_keeps_it(roster):
    result = run(roster_book(cadres=[["GB005", "钱伟", None, None, None, None, None, None, "2024-12-31"]]))

    assert (result.cadres, result.moves, result.ended) == (Counts(updated=1), 0, 1)
    cadre = Cadre.objects.get(code="GB005")
    assert cadre.current_position is None and cadre.current_unit is None
    assert list(cadre.positions.values_list("unit__code", "title", "end")) == [
        ("DW03", "副局长", datetime.date(2024, 12, 31))
    ]
    assert AuditEntry.objects.get(action="roster.import").after["ended"] == 1
    page = render_to_string("org/roster_result.html", {"result": result.summary(), "file_name": "名册.xlsx"})
    assert "离任 1 人" in page


def test_reimporting_a_leaving_changes_nothing(roster):
    data = roster_book(cadres=[["GB005", "钱伟", None, None, None, None, None, None, "2024-12-31"]])
    run(data)
    before = snapshot()[:-1]

    result = run(data)

    assert (result.cadres, result.ended) == (Counts(unchanged=1), 0)
    assert snapshot()[:-1] == before


def test_a_new_post_for_a_cadre_without_one_is_opened(roster):
    run(roster_book(cadres=[["GB005", "钱伟", None, None, None, None, None, None, "2024-12-31"]]))

    run(roster_book(cadres=[["GB005", "钱伟", None, None, "DW01", "调研员", None, "2025-01-02"]]))

    cadre = Cadre.objects.get(code="GB005")
    assert (cadre.current_unit.code, cadre.current_position.title) == ("DW01", "调研员")
    assert cadre.positions.count() == 2


@pytest.mark.parametrize(
    ("header", "hint"),
    [(CADRE_HEADER, "请填写离任时间"), (CADRE_HEADER[:-1], "请添加「离任时间」列并填写")],
)
def test_blank_unit_and_title_without_a_leaving_date_leave_a_held_post_alone_and_are_refused(
    roster, header, hint
):
    problem = only(
        refused(roster_book(cadres=[["GB005", "钱伟", None, None, None, None]], cadre_header=header))
    )
    assert (problem.sheet, problem.row, problem.column, problem.value) == ("干部", 2, "离任时间", None)
    assert problem.message.startswith("该干部现任 DW03 副局长；单位编码和职务留空表示免去现任职务")
    assert hint in problem.message


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        ({"离任时间": "2020-01-01"}, "离任时间", "早于该干部现任职务（DW03 副局长）的任职时间 2021-03-01"),
        ({"离任时间": "2100-01-01"}, "离任时间", "晚于今天"),
        ({"离任时间": "2024-12-31", "单位编码": "DW03", "职务": "副局长"}, "离任时间", "离任时间应留空"),
        ({"离任时间": "2024-12-31", "主要负责人": "是"}, "主要负责人", "不能是主要负责人"),
        ({"离任时间": "2024-12-31", "任职时间": "2024-12-31"}, "任职时间", "请填在「离任时间」"),
    ],
)
def test_an_inconsistent_leaving_is_refused_naming_the_cell(roster, cells, column, message):
    Position.objects.filter(cadre__code="GB005").update(start=datetime.date(2021, 3, 1))
    row = ["GB005", "钱伟", None, None, None, None, None, None, None]
    for name, value in cells.items():
        row[CADRE_HEADER.index(name)] = value
    problem = only(refused(roster_book(cadres=[row])))
    assert (problem.sheet, problem.row, problem.column) == ("干部", 2, column)
    assert message in problem.message


# --- two imports at once ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite begins every transaction IMMEDIATE, so its write lock serialises imports; "
    "the advisory lock is PostgreSQL's",
)
def test_two_imports_at_once_are_applied_one_after_the_other(roster, monkeypatch):
    # Both files create the same category and unit and change the same cadre: read by both before either
    # wrote, they would collide on the unique codes or leave GB002 with two current positions.
    first = roster_book(
        units=[["DW10", "城东片区管委会", "事业单位", None]],
        cadres=[
            ["GB101", "孙小梅", "女", None, "DW10", "主任", "是", "2023-02-01"],
            ["GB002", "李明", "女", None, "DW02", "镇长", "否", None],
        ],
    )
    second = roster_book(
        units=[["DW10", "城东片区管委会", "事业单位", None]],
        cadres=[
            ["GB102", "周海", "男", None, "DW10", "副主任", "否", "2023-02-01"],
            ["GB002", "李明", "女", None, "DW03", "副局长", "否", "2024-09-01"],
            ["GB004", "赵丽丽", None, None, "DW03", "局长", "是", None],
        ],
    )
    load = roster_module.Stored.load

    def slow_load() -> roster_module.Stored:
        stored = load()
        time.sleep(0.3)  # holds the snapshot long enough for the other import to read its own
        return stored

    monkeypatch.setattr(roster_module.Stored, "load", staticmethod(slow_load))
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def run_in_thread(data: bytes, name: str) -> None:
        try:
            start.wait()
            run(data, name=name)
        except BaseException as error:  # reported by the asserts below
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run_in_thread, args=(data, name))
        for data, name in ((first, "first.xlsx"), (second, "second.xlsx"))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert UnitCategory.objects.filter(name="事业单位").count() == 1
    assert set(Cadre.objects.filter(current_unit__code="DW10").values_list("code", flat=True)) == {
        "GB101",
        "GB102",
    }
    assert Cadre.objects.get(code="GB004").name == "赵丽丽"
    imports = list(AuditEntry.objects.filter(action="roster.import").order_by("seq"))
    assert len(imports) == 2
    # GB002 holds the post of the later import, with the earlier one's kept in the history.
    later = {"first.xlsx": ("DW02", "镇长"), "second.xlsx": ("DW03", "副局长")}[imports[1].object_repr]
    positions = Position.objects.filter(cadre__code="GB002")
    assert list(positions.filter(end__isnull=True).values_list("unit__code", "title")) == [later]
    assert positions.count() == 3
    assert imports[1].after["units"] == {
        "created": 0,
        "updated": 0,
        "unchanged": 1,
    }  # DW10, made by the first

"""`kaohe assess`: the command around the reader, the engine and the writer. Needs no database."""

import io
import json

import openpyxl
import pytest
from django.core.management import call_command

from kaohe.results.management.commands.assess import Command
from kaohe.workbook.tests.books import small, with_rows, xlsx


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(Command(), *map(str, args), stdout=out, stderr=err)
        status = 0
    except SystemExit as exit_:
        status = exit_.code
    return status, out.getvalue(), err.getvalue()


@pytest.fixture
def book(tmp_path):
    path = tmp_path / "考核.xlsx"
    path.write_bytes(xlsx(small()).getvalue())
    return path


def test_assess_writes_the_results_workbook(book, tmp_path):
    status, out, _ = run(book, "-o", tmp_path / "结果.xlsx")
    assert (status, out) == (0, "")
    assert openpyxl.load_workbook(tmp_path / "结果.xlsx").sheetnames == ["结果", "名额", "无效票"]


def test_assess_prints_the_json_document(book):
    status, out, _ = run(book, "--json")
    assert status == 0
    document = json.loads(out)
    assert document["year"] == 2025
    assert [r["code"] for r in document["results"]] == ["DW01", "DW02", "GB01", "GB02", "GB03"]


def test_input_errors_exit_with_2_one_line_each_and_write_nothing(tmp_path):
    path = tmp_path / "考核.xlsx"
    sheets = with_rows(small(), "测评票", ["P03", "同级", "GB01", "优"], ["P04", "外部", "GB01", "优秀"])
    path.write_bytes(xlsx(sheets).getvalue())
    status, out, err = run(path, "-o", tmp_path / "结果.xlsx", "--json")
    assert (status, out) == (2, "")
    assert err.splitlines() == [
        "测评票 第7行 评价: 「优」不是有效的选项（优秀、称职、基本称职、不称职）",
        "测评票 第8行 评价人类别: 「外部」没有设置权重（评价人权重：上级、同级、下级）",
    ]
    assert not (tmp_path / "结果.xlsx").exists()


def test_a_file_that_is_not_a_workbook_exits_with_2(tmp_path):
    path = tmp_path / "考核.xlsx"
    path.write_text("单位,干部\n")
    assert run(path)[0::2] == (2, "不是 Excel 或 WPS/LibreOffice 工作簿（.xlsx、.xls、.ods）文件\n")


def test_template_writes_the_empty_workbook(tmp_path):
    status, _, _ = run("--template", tmp_path / "空白.xlsx")
    assert status == 0
    assert openpyxl.load_workbook(tmp_path / "空白.xlsx").sheetnames[:3] == ["说明", "参数", "单位"]


def test_the_empty_template_asks_for_the_year(tmp_path):
    run("--template", tmp_path / "空白.xlsx")
    assert run(tmp_path / "空白.xlsx") == (2, "", "参数 第2行 值: 年度不能为空（必填，如 2025）\n")

"""`kaohe roster import|export|template`: exit status 0, or 2 with one line per problem on stderr."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kaohe.audit.models import AuditEntry
from kaohe.org.models import Cadre, Unit
from kaohe.org.tests.test_roster_books import new_roster, roster_book

ROOT = Path(__file__).resolve().parents[3]


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_import_prints_the_counts_and_succeeds(roster, tmp_path):
    out = io.StringIO()
    call_command("roster", "import", str(write(tmp_path / "名册.xlsx", new_roster())), stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[:3] == [
        "单位：新增 2，更新 0，未变 3",
        "干部：新增 2，更新 0，未变 5",
        "新增单位类别：事业单位",
    ]
    assert Unit.objects.filter(code="DW11").exists()
    entry = AuditEntry.objects.get()
    assert (entry.actor_name, entry.after["file"]) == ("命令行", "名册.xlsx")


def test_import_of_a_bad_file_exits_2_with_one_line_per_problem_and_saves_nothing(roster, tmp_path):
    path = write(
        tmp_path / "bad.xlsx",
        roster_book(
            units=[["DW10", "甲单位", "事业单位", "DW97"]],
            cadres=[["GB102", "周海", "M", None, "DW99", "科员", "也许", None]],
        ),
    )
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("roster", "import", str(path), stderr=err)
    assert caught.value.returncode == 2
    assert err.getvalue().splitlines() == [
        "单位 第2行 上级单位编码: 「DW97」不存在（本文件的「单位」表和系统中都没有这个单位）",
        "干部 第2行 性别: 「M」不是有效的选项（男、女）",
        "干部 第2行 单位编码: 「DW99」不存在（本文件的「单位」表和系统中都没有这个单位）",
        "干部 第2行 主要负责人: 「也许」不是有效的选项（是、否）",
    ]
    assert "未保存任何数据" in str(caught.value)
    assert not Unit.objects.filter(code="DW10").exists()
    assert not Cadre.objects.filter(code="GB102").exists()
    assert not AuditEntry.objects.exists()


def test_import_of_a_missing_file_exits_2(db, tmp_path):
    with pytest.raises(CommandError) as caught:
        call_command("roster", "import", str(tmp_path / "nowhere.xlsx"))
    assert caught.value.returncode == 2


def test_export_then_import_of_the_export_changes_nothing(roster, tmp_path):
    out = io.StringIO()
    call_command("roster", "export", str(tmp_path / "out.xlsx"), stdout=out)
    assert "5 名干部" in out.getvalue()
    out = io.StringIO()
    call_command("roster", "import", str(tmp_path / "out.xlsx"), stdout=out)
    assert out.getvalue().splitlines()[:2] == ["单位：新增 0，更新 0，未变 3", "干部：新增 0，更新 0，未变 5"]


def test_template_writes_a_workbook(tmp_path):
    call_command("roster", "template", str(tmp_path / "t.xlsx"), stdout=io.StringIO())
    assert openpyxl.load_workbook(tmp_path / "t.xlsx").sheetnames == ["说明", "单位", "干部"]


def kaohe(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "KAOHE_VAR_DIR": str(cwd), "DATABASE_URL": f"sqlite:///{cwd / 'cli.sqlite3'}"}
    return subprocess.run(  # noqa: S603 — our own command, fixed arguments
        [sys.executable, "-m", "kaohe", "roster", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_command_line_exits_0_on_success_and_2_on_a_refused_file(tmp_path):
    done = kaohe("template", str(tmp_path / "t.xlsx"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "已生成名册模板" in done.stdout

    refused = kaohe("import", str(write(tmp_path / "x.xlsx", b"not a workbook")), cwd=tmp_path)
    assert refused.returncode == 2
    assert refused.stderr.splitlines()[0] == "不是 Excel 或 WPS/LibreOffice 工作簿（.xlsx、.xls、.ods）文件"

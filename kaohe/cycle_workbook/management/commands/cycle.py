"""`kaohe cycle import BOOK.xlsx` and `kaohe cycle export YEAR BOOK.xlsx`: a cycle as an assessment workbook.

Errors as `kaohe assess`: exit status 2, nothing saved or written, one line per problem on standard error.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kaohe.accounts.actors import CLI
from kaohe.crypto.modes import shown
from kaohe.cycle_workbook import actions as cycle_workbook
from kaohe.cycle_workbook import export
from kaohe.plans.models import AssessmentCycle
from kaohe.rules.errors import InputError
from kaohe.workbook.sheets import WorkbookError

INPUT_ERROR = 2


class Command(BaseCommand):
    help = "年度考核与考核数据工作簿：导入（import）工作簿建立或更新该年度考核；导出（export）某年度考核为工作簿。"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, title="操作")
        importing = actions.add_parser(
            "import", help="导入考核数据工作簿，建立或更新其「年度」的考核；有任何问题则全部不导入"
        )
        importing.add_argument("book", help="考核数据工作簿 .xlsx")
        exporting = actions.add_parser("export", help="把某年度考核导出为考核数据工作簿")
        exporting.add_argument("year", type=int, help="年度，如 2025")
        exporting.add_argument("book", help="要写入的 .xlsx 文件")

    def handle(self, *args: Any, action: str, book: str, **options: Any) -> None:
        if action == "import":
            self.handle_import(Path(book))
        else:
            self.handle_export(options["year"], Path(book))

    def fail(self, lines: list[str]) -> None:
        for line in lines:
            self.stderr.write(line, style_func=lambda text: text)
        raise SystemExit(INPUT_ERROR)

    def handle_import(self, path: Path) -> None:
        began = time.monotonic()
        try:
            summary = cycle_workbook.cycle_import_file(source=path, actor=CLI, file_name=path.name)
        except WorkbookError as error:
            self.fail([str(problem) for problem in error.problems] + ([error.more] if error.more else []))
        except InputError as error:
            self.fail(error.messages)
        except OSError as error:
            self.fail([f"无法读取文件「{path}」：{error.strerror}"])
        for line in summary_lines(summary):
            self.stdout.write(line)
        self.stdout.write(f"用时 {time.monotonic() - began:.1f} 秒")

    def handle_export(self, year: int, path: Path) -> None:
        cycle = AssessmentCycle.objects.filter(year=year).first()
        if cycle is None:
            known = "、".join(
                str(y) for y in AssessmentCycle.objects.order_by("year").values_list("year", flat=True)
            )
            self.fail([f"没有 {year} 年度的考核（已有：{known or '无'}）"])
        assert cycle is not None
        handle, temporary = tempfile.mkstemp(suffix=".xlsx", dir=path.parent if str(path.parent) else ".")
        os.close(handle)
        try:
            data = export.cycle_export_to(cycle, temporary)
            os.chmod(temporary, 0o644)
            os.replace(temporary, path)
        except export.ExportRefused as error:
            os.unlink(temporary)
            self.fail(error.messages)
        except BaseException:
            os.unlink(temporary)
            raise
        self.stdout.write(
            f"已导出 {year} 年度考核到 {path}：{len(data.units)} 个单位、{len(data.cadres)} 名干部、"
            f"{len(data.marks)} 条测评评价"
        )


def summary_lines(summary: cycle_workbook.ImportSummary) -> list[str]:
    s = summary
    lines = [
        f"{s.year} 年度考核已{'建立' if s.cycle_created else '更新'}（文件 {s.file_name}，{shown(s.digest_algorithm, s.digest[:16])}…）",
        f"参加考核：单位 {s.units}，干部 {s.cadres}；名册新增单位 {s.units_created}、干部 {s.cadres_created}",
        f"指标 {s.indicators}（删除 {s.indicators_removed}），指标得分变更 {s.scores_changed}"
        + (f"（取代现场核验 {s.verifications_replaced}）" if s.verifications_replaced else ""),
        f"处分新增 {s.sanctions_added}，加减分 {s.adjustments}，一票否决 {s.vetoes}，往年等次 {s.prior_grades}",
        f"测评票 {s.ballots} 张、评价 {s.marks} 条"
        + (f"；另有 {s.ballots_already_counted} 张已在其他测评会中计入" if s.ballots_already_counted else ""),
    ]
    if s.categories_created:
        lines.append(f"新增单位类别：{'、'.join(s.categories_created)}")
    lines += [f"注意：{note}（名册未修改）" for note in s.renamed]
    lines += [f"注意：{note}" for note in s.collected]
    return lines

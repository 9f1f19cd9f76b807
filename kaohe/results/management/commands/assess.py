"""`kaohe assess BOOK.xlsx [-o RESULTS.xlsx] [--json]` and `kaohe assess --template BOOK.xlsx`.

Computes a year's results offline from an assessment workbook (docs: workbook.md). Needs no database.
Input errors: exit status 2, nothing written, one line per problem on standard error.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaohe.rules import InputError, assess, assessment_document
from kaohe.rules.model import Assessment, Kind
from kaohe.workbook.reader import read_assessment_workbook
from kaohe.workbook.sheets import WorkbookError
from kaohe.workbook.template import write_template
from kaohe.workbook.writer import write_results

INPUT_ERROR = 2


class Command(BaseCommand):
    help = "按考核数据工作簿计算年度考核结果（不需要数据库）；或用 --template 生成空白工作簿。"
    requires_system_checks: list[str] = []  # works without a database or a configured site

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "book", help="考核数据工作簿 .xlsx、.xls 或 .ods（用 --template 时为要生成的文件）"
        )
        parser.add_argument("-o", "--output", help="把结果写入此 .xlsx 文件（工作表 结果、名额、无效票）")
        parser.add_argument(
            "--json", dest="as_json", action="store_true", help="在标准输出打印结果的 JSON 文档"
        )
        parser.add_argument("--template", action="store_true", help="生成空白工作簿（含说明和默认参数）")

    def handle(
        self, *args: Any, book: str, output: str | None, as_json: bool, template: bool, **options: Any
    ) -> None:
        destination = Path(book if template else output or ".")
        if not destination.resolve().parent.is_dir():
            raise CommandError(f"目录「{destination.parent}」不存在")
        if template:
            _write_atomically(destination, write_template)
            self.stderr.write(f"已生成空白考核数据工作簿：{book}")
            return
        try:
            assessment = assess(read_assessment_workbook(book))
        except WorkbookError as error:
            self.fail([str(problem) for problem in error.problems] + ([error.more] if error.more else []))
        except InputError as error:
            self.fail(error.messages)
        if output:
            _write_atomically(destination, lambda path: write_results(assessment, path))
        if as_json:
            self.stdout.write(_json(assessment_document(assessment)))
        self.stderr.write(_summary(assessment), style_func=lambda text: text)

    def fail(self, lines: list[str]) -> None:
        for line in lines:
            self.stderr.write(line, style_func=lambda text: text)
        raise SystemExit(INPUT_ERROR)


def _summary(assessment: Assessment) -> str:
    """One line on standard error, so that standard output stays the JSON document alone."""
    grades = Counter(result.grade for result in assessment.results)
    teams = sum(result.kind is Kind.TEAM for result in assessment.results)
    counted = "、".join(f"{grade}{n}" for grade, n in grades.most_common())
    return (
        f"{assessment.year}年度：领导班子{teams}个、干部{len(assessment.results) - teams}名（{counted or '无'}），"
        f"无效票{len(assessment.invalid_ballots)}张。"
    )


def _json(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2)


def _write_atomically(path: Path, write: Any) -> None:
    """Write beside the destination and rename, so a failed run leaves no half-written file."""
    handle, temporary = tempfile.mkstemp(suffix=".xlsx", dir=path.parent if str(path.parent) else ".")
    os.close(handle)
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(temporary, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's 0600
        write(temporary)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise

"""`kaohe roster import|export|template FILE.xlsx`: the roster in xlsx, from the command line."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaohe.accounts.actors import CLI
from kaohe.org import actions, roster_writer
from kaohe.workbook.sheets import WorkbookError


class Command(BaseCommand):
    help = "干部名册：导入（import）、导出（export）xlsx，或生成空白模板（template）。"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, title="操作")
        importing = actions.add_parser(
            "import", help="导入名册（单位、干部两个工作表）；有任何问题则全部不导入"
        )
        importing.add_argument("file", help="名册文件 .xlsx")
        exporting = actions.add_parser("export", help="导出当前名册（每名干部一行，现任职务）")
        exporting.add_argument("file", help="要写入的 .xlsx 文件")
        template = actions.add_parser("template", help="生成空白名册模板（含「说明」工作表）")
        template.add_argument("file", help="要写入的 .xlsx 文件")

    def handle(self, *args: Any, action: str, file: str, **options: Any) -> None:
        getattr(self, f"handle_{action}")(Path(file))

    def handle_import(self, path: Path) -> None:
        began = time.monotonic()
        try:
            with path.open("rb") as source:
                result = actions.roster_import(actor=CLI, source=source, file_name=path.name)
        except OSError as error:
            raise CommandError(f"无法读取文件「{path}」：{error.strerror}", returncode=2) from None
        except WorkbookError as error:
            for problem in error.problems:
                self.stderr.write(str(problem))
            if error.more:
                self.stderr.write(error.more)
            raise CommandError(
                f"名册未导入：共 {error.total} 个问题，未保存任何数据。", returncode=2
            ) from None
        for label, counts in (("单位", result.units), ("干部", result.cadres)):
            self.stdout.write(
                f"{label}：新增 {counts.created}，更新 {counts.updated}，未变 {counts.unchanged}"
            )
        if result.categories_created:
            self.stdout.write(f"新增单位类别：{'、'.join(result.categories_created)}")
        if result.moves:
            self.stdout.write(f"职务调整：{result.moves} 人（原职务已结束并保留在任职经历中）")
        self.stdout.write(f"用时 {time.monotonic() - began:.1f} 秒")

    def handle_export(self, path: Path) -> None:
        units, cadres = roster_writer.write_roster(path)
        self.stdout.write(f"已导出 {units} 个单位、{cadres} 名干部到 {path}")

    def handle_template(self, path: Path) -> None:
        roster_writer.write_template(path)
        self.stdout.write(f"已生成名册模板 {path}")

"""`kaohe results compute YEAR [--json]`, `kaohe results verify YEAR`, `kaohe results compare YEAR A B`,
`kaohe results export YEAR RESULTS.xlsx [--run N]`.

compute stores the next run of the cycle and, with --json, prints exactly the JSON document that
`kaohe assess --json` prints for the same data (for a cycle imported from a workbook, the same text).
verify exits 0 when the sealed results are intact, 1 naming every difference. Input errors and refusals:
exit status 2, one line per problem on standard error, nothing saved.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser

from kaohe.accounts.actors import CLI
from kaohe.crypto.modes import shown
from kaohe.plans.models import AssessmentCycle
from kaohe.results import actions, selectors
from kaohe.results.exports import write_run_workbook
from kaohe.results.management.commands.assess import _json, _summary, _write_atomically
from kaohe.results.verification import results_verify

INPUT_ERROR = 2
DIFFERENT = 1


class Command(BaseCommand):
    help = "年度考核结果：计算（compute）、核验封存（verify）、比较两次计算（compare）、导出结果工作簿（export）。"

    def add_arguments(self, parser: CommandParser) -> None:
        actions_ = parser.add_subparsers(dest="action", required=True, title="操作")
        computing = actions_.add_parser("compute", help="按数据库中的考核数据计算结果，保存为新的一次计算")
        computing.add_argument("year", type=int, help="年度，如 2025")
        computing.add_argument(
            "--json", dest="as_json", action="store_true", help="在标准输出打印结果的 JSON 文档"
        )
        computing.add_argument("--note", default="", help="这次计算的说明")
        verifying = actions_.add_parser("verify", help="按保存的输入数据重新计算，与定档结果和封存哈希比较")
        verifying.add_argument("year", type=int)
        comparing = actions_.add_parser("compare", help="比较两次计算：谁的等次或排名变了，为什么")
        comparing.add_argument("year", type=int)
        comparing.add_argument("old", type=int, help="较早一次计算的序号")
        comparing.add_argument("new", type=int, help="较晚一次计算的序号")
        exporting = actions_.add_parser("export", help="把一次计算的结果写成结果工作簿（结果、名额、无效票）")
        exporting.add_argument("year", type=int)
        exporting.add_argument("book", help="要写入的 .xlsx 文件")
        exporting.add_argument("--run", type=int, help="第几次计算（默认最新一次）")

    def handle(self, *args: Any, action: str, year: int, **options: Any) -> None:
        cycle = self.cycle(year)
        if action == "compute":
            self.handle_compute(cycle, options["as_json"], options["note"])
        elif action == "verify":
            self.handle_verify(cycle)
        elif action == "compare":
            self.handle_compare(cycle, options["old"], options["new"])
        else:
            self.handle_export(cycle, Path(options["book"]), options["run"])

    def fail(self, lines: list[str], status: int = INPUT_ERROR) -> None:
        for line in lines:
            self.stderr.write(line, style_func=lambda text: text)
        raise SystemExit(status)

    def cycle(self, year: int) -> AssessmentCycle:
        cycle = AssessmentCycle.objects.filter(year=year).first()
        if cycle is None:
            known = "、".join(
                str(y) for y in AssessmentCycle.objects.order_by("year").values_list("year", flat=True)
            )
            self.fail([f"没有 {year} 年度的考核（已有：{known or '无'}）"])
        assert cycle is not None
        return cycle

    def handle_compute(self, cycle: AssessmentCycle, as_json: bool, note: str) -> None:
        began = time.monotonic()
        try:
            computed = actions.assess_cycle(cycle)
            run = actions.compute_run_create(actor=CLI, cycle=cycle, note=note, computed=computed)
        except ValidationError as error:
            self.fail(error.messages)
        if as_json:
            self.stdout.write(_json(computed.document))
        self.stderr.write(
            f"第{run.version}次计算 · {_summary(computed.assessment)} 输入摘要 {shown(run.input_digest_algorithm, run.input_digest[:16])}…，"
            f"用时 {time.monotonic() - began:.1f} 秒",
            style_func=lambda text: text,
        )

    def handle_verify(self, cycle: AssessmentCycle) -> None:
        problems = results_verify(cycle)
        if problems:
            self.fail(problems, DIFFERENT)
        seal = selectors.results_state(cycle).seal
        assert seal is not None
        self.stdout.write(
            f"{cycle.year}年度考核结果与封存一致（第{seal.run.version}次计算，封存哈希 {seal.shown}）"
        )

    def handle_compare(self, cycle: AssessmentCycle, old: int, new: int) -> None:
        found = {run.version: run for run in selectors.runs(cycle).filter(version__in=[old, new])}
        missing = [str(v) for v in (old, new) if v not in found]
        if missing:
            self.fail([f"{cycle.year}年度没有第{'、'.join(missing)}次计算"])
        moves = selectors.compare_runs(found[old], found[new])
        for move in moves:
            self.stdout.write(
                json.dumps(
                    {
                        "kind": move.kind,
                        "code": move.code,
                        "name": move.name,
                        "grade": [move.old_grade, move.new_grade],
                        "rank": [move.old_rank, move.new_rank],
                        "why": move.reasons,
                    },
                    ensure_ascii=False,
                )
            )
        self.stderr.write(
            f"第{old}次 → 第{new}次：{len(moves)} 个对象的等次或排名有变化", style_func=lambda t: t
        )

    def handle_export(self, cycle: AssessmentCycle, path: Path, version: int | None) -> None:
        if not path.resolve().parent.is_dir():
            self.fail([f"目录「{path.parent}」不存在"])
        run = (
            selectors.runs(cycle).filter(version=version).first() if version else selectors.current_run(cycle)
        )
        if run is None:
            self.fail([f"{cycle.year}年度没有{'第' + str(version) + '次' if version else ''}计算结果"])
        _write_atomically(path, lambda target: write_run_workbook(run, target))
        self.stderr.write(f"已写入第{run.version}次计算的结果工作簿：{path}", style_func=lambda t: t)

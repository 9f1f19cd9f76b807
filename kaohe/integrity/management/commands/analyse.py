"""``kaohe analyse YEAR [--json] [--save]``: the integrity analysis of a cycle's closed sessions and latest
compute run, printed (findings with what to do; ``--json`` the whole report). ``--save`` keeps it as the
cycle's latest analysis, as the page's button does (audited). A bad year: exit status 2, a Chinese line
on standard error."""

from __future__ import annotations

import json
import time
from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kaohe.integrity import actions
from kaohe.plans.models import AssessmentCycle

INPUT_ERROR = 2
CLI_ACTOR = "kaohe analyse"


class Command(BaseCommand):
    help = "数据质量分析：评分偏宽、雷同票、样本偏少、等次取决于权重等"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", help="考核年度，如 2025")
        parser.add_argument("--json", action="store_true", dest="as_json", help="以 JSON 输出完整报告")
        parser.add_argument("--save", action="store_true", help="保存为该年度最新一次分析（记入审计日志）")

    def fail(self, line: str) -> None:
        self.stderr.write(line, style_func=lambda text: text)
        raise SystemExit(INPUT_ERROR)

    def handle(self, *args: Any, year: str, as_json: bool, save: bool, **options: Any) -> None:
        if not year.strip().isdigit():
            self.fail(f"年度「{year}」不是有效的年份，请写四位数字，如 2025")
        cycle = AssessmentCycle.objects.filter(year=int(year)).first()
        if cycle is None:
            known = "、".join(
                str(y) for y in AssessmentCycle.objects.order_by("year").values_list("year", flat=True)
            )
            self.fail(f"没有 {int(year)} 年度的考核（已有：{known or '无'}）")
        assert cycle is not None
        began = time.monotonic()
        if save:
            report = actions.analysis_run(actor=CLI_ACTOR, cycle=cycle).report
        else:
            report = actions.cycle_report(cycle)
        if as_json:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=1))
        else:
            self.stdout.write(
                f"{cycle.name}：{report['sessions']} 个测评会、{report['ballots']} 张票、{report['marks']} 个评价"
            )
            for note in report["notes"]:
                self.stdout.write(f"· {note}")
            for f in report["findings"]:
                self.stdout.write(
                    f"[{f['check_label']}·{f['scope_label']}] {f['label']}：{f['sentence']}（{f['action']}）"
                )
        counts = Counter(f["check_label"] for f in report["findings"])
        summary = "，".join(f"{label} {n}" for label, n in counts.items()) or "无"
        self.stderr.write(
            f"发现 {len(report['findings'])} 项（{summary}），k = {report['k']}，用时 {time.monotonic() - began:.1f} 秒",
            style_func=lambda text: text,
        )

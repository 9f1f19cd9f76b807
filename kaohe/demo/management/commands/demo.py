"""`kaohe demo [--scale city|province] [--if-empty] [--seed N]`: load the fictional 示例市 and its accounts."""

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from kaohe.demo.roster import (
    DEFAULT_SEED,
    DEMO_PASSWORD,
    SCALES,
    DemoNotEmpty,
    accounts_table,
    demo_accounts,
    demo_load,
)
from kaohe.org.models import Unit


class Command(BaseCommand):
    help = "载入演示数据：示例市（约80个单位、600名干部）或全省规模（约5000个单位、5万名干部）及演示账号。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale", choices=SCALES, default="city", help="规模：city（全市）或 province（全省）"
        )
        parser.add_argument("--if-empty", action="store_true", help="数据库中已有单位时什么也不做")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="随机种子；同一种子生成相同的数据")
        parser.add_argument(
            "--roster-only",
            action="store_true",
            help="只载入名册和账号，不载入2024、2025年度考核数据（全省规模总是只载入名册）",
        )

    def handle(self, *args, scale: str, if_empty: bool, seed: int, roster_only: bool, **options) -> None:
        if if_empty and Unit.objects.exists():
            self.stdout.write("数据库中已有单位，未载入演示数据。")
        else:
            began = time.monotonic()
            cycles = None
            try:
                with transaction.atomic():
                    summary = demo_load(scale=scale, seed=seed)
                    if scale == "city" and not roster_only:
                        from kaohe.demo.cycles import demo_cycles_load

                        cycles = demo_cycles_load(seed=seed)
                        from kaohe.reports.demo import demo_reports_load  # the reports' documents

                        demo_reports_load()
                        from kaohe.demo.interviews import demo_interviews_load  # who was heard

                        demo_interviews_load(seed=seed)
                        from kaohe.demo.fieldwork import demo_fieldwork_load  # the groups' work plan

                        demo_fieldwork_load(seed=seed)
                        from kaohe.demo.dutyreports import demo_dutyreports_load  # 述职述廉, 一报告两评议

                        demo_dutyreports_load(seed=seed)
                        from kaohe.demo.feedback import demo_feedback_load  # letters, 整改, 结果运用

                        demo_feedback_load()
            except DemoNotEmpty as error:
                raise CommandError(str(error)) from error
            self.stdout.write(
                self.style.SUCCESS(
                    f"已载入演示数据：{summary.units} 个单位、{summary.cadres} 名干部、"
                    f"{summary.positions} 条任职记录（用时 {time.monotonic() - began:.1f} 秒）。"
                )
            )
            if cycles is not None:
                self.stdout.write(cycles.describe())
        lines = demo_accounts()
        if lines:
            self.stdout.write(f"\n演示账号（密码均为 {DEMO_PASSWORD}）：\n")
            self.stdout.write(accounts_table(lines))

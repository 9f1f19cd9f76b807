"""`kaohe audit verify|anchor|restore-acknowledge`: check the chain, anchor its head outside the database,
and confirm a restore from backup (docs/operations.md, 审计日志)."""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from kaohe.audit import anchors
from kaohe.audit.actions import audit_verify
from kaohe.audit.models import UNKEYED, AuditEntry
from kaohe.crypto.modes import CryptoError


class Command(BaseCommand):
    help = (
        "审计日志：verify 校验哈希链与锚点；anchor 把链尾写入锚点文件；restore-acknowledge 确认从备份恢复。"
    )

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(
            dest="subcommand", required=True, metavar="{verify,anchor,restore-acknowledge}"
        )
        verify = subcommands.add_parser(
            "verify", help="校验审计链：被修改、删除或截断时以状态 1 退出并指明。"
        )
        verify.add_argument(
            "--anchor",
            action="append",
            default=[],
            metavar="序号:哈希",
            help="另核对一个印在审定表上的锚点（可重复）",
        )
        subcommands.add_parser("anchor", help="把审计链当前的链尾写入锚点文件（每日由定时任务运行）。")
        acknowledge = subcommands.add_parser(
            "restore-acknowledge", help="确认数据库已从备份恢复（记入审计）。"
        )
        acknowledge.add_argument("--operator", required=True, help="确认人")
        acknowledge.add_argument("--reason", required=True, help="恢复的原因与所用备份")

    def handle(self, *args, subcommand: str, **options):
        if subcommand == "verify":
            self.verify(options["anchor"])
        elif subcommand == "anchor":
            anchor = anchors.anchor_write(reason="daily")
            self.stdout.write(
                f"已写入{anchor.label}，哈希 {anchor.hash[: anchors.PRINTED_HEX]} → {anchors.anchor_file()}"
            )
        else:
            self.acknowledge(options["operator"], options["reason"])

    def verify(self, printed: list[str]) -> None:
        try:
            extra = [anchors.parse_printed(text) for text in printed]
        except ValueError as error:
            raise CommandError(str(error), returncode=2) from error
        try:
            broken = audit_verify()
        except CryptoError as error:
            raise CommandError(f"无法校验审计链：{error}", returncode=1) from None
        if broken is not None:
            raise CommandError(f"审计链已损坏：{broken}", returncode=1)
        finding = anchors.anchors_check(extra)
        if not finding.ok:
            raise CommandError(f"审计链已损坏：{finding.message}{finding.advice}", returncode=1)
        count = AuditEntry.objects.count()
        self.stdout.write(self.style.SUCCESS(f"审计链完整，共 {count} 条记录；{finding.message}"))
        by_algorithm = dict(
            AuditEntry.objects.values_list("algorithm").annotate(n=Count("pk")).order_by("algorithm")
        )
        if by_algorithm:
            parts = "，".join(f"{algorithm} {n} 条" for algorithm, n in by_algorithm.items())
            self.stdout.write(f"校验算法：{parts}")
        if by_algorithm.get(UNKEYED):
            self.stdout.write(f"其中 {by_algorithm[UNKEYED]} 条写于启用密钥之前，由其后有密钥的记录保护。")
        for anchor in anchors.anchors_read():
            if anchor.restored_to is not None:
                self.stdout.write(f"已确认的恢复：{anchor.label}，恢复后保留到第 {anchor.restored_to} 条")

    def acknowledge(self, operator: str, reason: str) -> None:
        try:
            finding, anchor = anchors.restore_acknowledge(operator=operator, reason=reason)
        except ValueError as error:
            raise CommandError(str(error), returncode=1) from error
        self.stdout.write(
            f"已确认：{finding.message}。\n已记入审计（第 {anchor.seq} 条）并写入{anchor.label}"
        )

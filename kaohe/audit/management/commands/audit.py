"""`kaohe audit verify`: walk the audit log's hash chain; exit 1 naming the first broken entry."""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from kaohe.audit.actions import audit_verify
from kaohe.audit.models import UNKEYED, AuditEntry
from kaohe.crypto.modes import CryptoError


class Command(BaseCommand):
    help = "审计日志：verify 校验哈希链是否完整。"

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="{verify}")
        subcommands.add_parser("verify", help="校验审计链：任何记录被修改或删除时以状态 1 退出。")

    def handle(self, *args, subcommand: str, **options):
        if subcommand == "verify":
            self.verify()

    def verify(self) -> None:
        try:
            broken = audit_verify()
        except CryptoError as error:
            raise CommandError(f"无法校验审计链：{error}", returncode=1) from None
        if broken is not None:
            raise CommandError(f"审计链已损坏：{broken}", returncode=1)
        count = AuditEntry.objects.count()
        self.stdout.write(self.style.SUCCESS(f"审计链完整，共 {count} 条记录"))
        by_algorithm = dict(
            AuditEntry.objects.values_list("algorithm").annotate(n=Count("pk")).order_by("algorithm")
        )
        if by_algorithm:
            parts = "，".join(f"{algorithm} {n} 条" for algorithm, n in by_algorithm.items())
            self.stdout.write(f"校验算法：{parts}")
        if by_algorithm.get(UNKEYED):
            self.stdout.write(f"其中 {by_algorithm[UNKEYED]} 条写于启用密钥之前，由其后有密钥的记录保护。")

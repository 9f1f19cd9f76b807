"""`kaohe admins`: make the first three administrators (三员) and list who holds the roles.

No migration makes an administrator: the operator runs, once per role,

    kaohe admins create --role sysadmin zhang-sys

and types the password twice (or sets KAOHE_ADMIN_PASSWORD for a script). The holder changes it and
binds an authenticator at the first login. Later administrators are granted by the security
administrator on the 安全管理 page.
"""

import getpass
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from kaohe.accounts.actors import CLI
from kaohe.accounts.models import ADMIN_ROLES, Role, User
from kaohe.accounts.security import administrator_create


class Command(BaseCommand):
    help = "三员管理员：create 创建系统管理员、安全管理员或审计管理员；list 列出现有管理员。"

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="{create,list}")
        create = subcommands.add_parser(
            "create", help="创建一名管理员（首次登录须修改密码并绑定身份验证器）。"
        )
        create.add_argument("username")
        create.add_argument("--role", required=True, choices=[str(r) for r in ADMIN_ROLES])
        create.add_argument("--full-name", default="")
        subcommands.add_parser("list", help="列出三员管理员账号。")

    def handle(self, *args, subcommand: str, **options):
        if subcommand == "create":
            self.create(options["username"], options["role"], options["full_name"])
        else:
            self.list()

    def create(self, username: str, role: str, full_name: str) -> None:
        password = os.environ.get("KAOHE_ADMIN_PASSWORD") or self._ask_password()
        try:
            with transaction.atomic():
                user = administrator_create(
                    actor=CLI, username=username, role=role, password=password, full_name=full_name
                )
        except ValidationError as error:
            raise CommandError("；".join(error.messages), returncode=1) from None
        label = Role(role).label
        self.stdout.write(
            self.style.SUCCESS(f"已创建{label}“{user.username}”：首次登录须修改密码并绑定身份验证器。")
        )

    def _ask_password(self) -> str:
        first = getpass.getpass("初始密码：")
        if first != getpass.getpass("再次输入："):
            raise CommandError("两次输入的密码不一致。", returncode=1)
        return first

    def list(self) -> None:
        admins = User.objects.filter(role__in=ADMIN_ROLES).order_by("role", "username")
        if not admins:
            self.stdout.write("尚无管理员账号。用 kaohe admins create --role sysadmin 用户名 创建。")
        for user in admins:
            state = "启用" if user.is_active else "已停用"
            self.stdout.write(f"{user.get_role_display()}\t{user.username}\t{user.full_name}\t{state}")

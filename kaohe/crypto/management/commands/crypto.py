"""`kaohe crypto`: status (mode, algorithms, key provider) and init-key (make the key file once)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kaohe.crypto.configured import active_suite, key_provider
from kaohe.crypto.keys import KeyFileProvider, create_key_file
from kaohe.crypto.modes import CryptoError, openssl_version


class Command(BaseCommand):
    # Runs before the key exists: the key check that guards every other command must not guard this one.
    requires_system_checks: list[str] = []
    help = "密码：status 显示密码模式和密钥；init-key 生成密钥文件（已存在时不覆盖）。"

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="{status,init-key}")
        subcommands.add_parser("status", help="显示密码模式、算法、OpenSSL 版本和密钥提供方。")
        subcommands.add_parser("init-key", help="生成 CRYPTO_KEY_FILE 指向的密钥文件（权限 0600）。")

    def handle(self, *args, subcommand: str, **options):
        if subcommand == "init-key":
            self.init_key()
        else:
            self.status()

    def init_key(self) -> None:
        path = settings.CRYPTO_KEY_FILE
        if create_key_file(path):
            self.stdout.write(
                self.style.SUCCESS(
                    f"已生成密钥文件 {path}。请另行备份：丢失后审计链无法校验、加密记录无法解密。"
                )
            )
        else:
            raise CommandError(f"密钥文件 {path} 已存在，未覆盖。", returncode=1)

    def status(self) -> None:
        chosen = active_suite()
        self.stdout.write(f"密码模式：{chosen.mode.value}")
        self.stdout.write(
            f"摘要 {chosen.digest.value}，消息认证码 {chosen.mac.value}，加密 {chosen.aead.value}"
        )
        self.stdout.write(f"OpenSSL：{openssl_version()}")
        self.stdout.write(f"密钥提供方：{settings.CRYPTO_KEY_PROVIDER}")
        try:
            provider = key_provider()
            if isinstance(provider, KeyFileProvider):
                provider.secret()
                self.stdout.write(f"密钥文件：{provider.path}（可读）")
        except CryptoError as error:
            raise CommandError(str(error), returncode=1) from None

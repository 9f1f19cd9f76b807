"""`kaohe files seal [--check]`: seal the files stored before FILE_KEY_FILE was set (docs/operations.md)."""

from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError

from kaohe.filestore.cipher import MAGIC, is_sealed
from kaohe.filestore.storage import SealedStorage


class Command(BaseCommand):
    help = "文件存储：seal 把设置密钥之前存入的文件加密（--check 只统计）。"

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="{seal}")
        seal = subcommands.add_parser("seal", help="加密尚未加密的已存文件")
        seal.add_argument("--check", action="store_true", help="只统计，不改动；有未加密文件时以状态 1 退出")

    def handle(self, *args, subcommand: str, check: bool, **options):
        storage = storages["default"]
        if not isinstance(storage, SealedStorage) or storage.cipher is None:
            raise CommandError("没有设置 FILE_KEY_FILE：文件按原样存放，无可加密。")
        names = storage.walk()
        if check:
            plain = []
            for name in names:
                with storage.inner.open(name, "rb") as stored:
                    if not is_sealed(stored.read(len(MAGIC))):
                        plain.append(name)
            self.stdout.write(f"共 {len(names)} 个文件，{len(plain)} 个未加密")
            if plain:
                raise CommandError("、".join(plain[:10]), returncode=1)
            return
        sealed = sum(storage.seal_in_place(name) for name in names)
        self.stdout.write(f"共 {len(names)} 个文件，本次加密 {sealed} 个（{storage.cipher.algorithm}）")

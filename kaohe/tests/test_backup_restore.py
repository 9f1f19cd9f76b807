"""Backups that restore, with the commands of docs/operations.md: a demo install is backed up, restored into
a fresh database, and every seal verifies (`kaohe results verify`, `kaohe audit verify`). Work goes on and
is anchored; restoring the older backup then makes `kaohe audit verify` name the anchor it was restored to
and the entries missing after it, and the operator's acknowledgement goes into the audit chain.

On SQLite (the SQLite pass) with `sqlite3 .backup`; on PostgreSQL (the PostgreSQL pass) with pg_dump and
pg_restore, in databases of its own beside the test one.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from django.db import connection


def kaohe(env: dict[str, str], *args: str, ok: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "kaohe", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if ok:
        assert done.returncode == 0, f"kaohe {' '.join(args)}: {done.stdout[-2000:]}{done.stderr[-3000:]}"
    return done


class Sqlite:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp

    def url(self, name: str) -> str:
        return f"sqlite:///{self.tmp / (name + '.sqlite3')}"

    def backup(self, name: str, to: Path) -> None:
        source = self.tmp / f"{name}.sqlite3"
        if shutil.which("sqlite3"):  # the command of docs/operations.md
            subprocess.run(["sqlite3", str(source), f".backup {to}"], check=True)  # noqa: S603, S607
        else:
            with sqlite3.connect(source) as live, sqlite3.connect(to) as copy:
                live.backup(copy)

    def restore(self, backup: Path, name: str) -> None:
        shutil.copy(backup, self.tmp / f"{name}.sqlite3")

    def drop_all(self) -> None:
        pass


class Postgres:
    def __init__(self, tmp: Path) -> None:
        s = connection.settings_dict
        self.base = s["NAME"]
        self.server = {
            "host": s["HOST"] or "127.0.0.1",
            "port": str(s["PORT"] or 5432),
            "user": s["USER"] or "postgres",
        }
        self.made: list[str] = []

    def db(self, name: str) -> str:
        return f"{self.base}_{name}"

    def admin(self, statement: str) -> None:
        with psycopg.connect(dbname="postgres", autocommit=True, **self.server) as conn:
            conn.execute(statement)

    def url(self, name: str) -> str:
        if self.db(name) not in self.made:
            self.admin(f'DROP DATABASE IF EXISTS "{self.db(name)}" WITH (FORCE)')
            self.admin(f'CREATE DATABASE "{self.db(name)}"')
            self.made.append(self.db(name))
        return f"postgres://{self.server['user']}@{self.server['host']}:{self.server['port']}/{self.db(name)}"

    def args(self) -> list[str]:
        return ["-h", self.server["host"], "-p", self.server["port"], "-U", self.server["user"]]

    def backup(self, name: str, to: Path) -> None:
        dump = ["pg_dump", *self.args(), "--format=custom", f"--file={to}", self.db(name)]
        subprocess.run(dump, check=True)  # noqa: S603, S607

    def restore(self, backup: Path, name: str) -> None:
        self.url(name)  # a fresh, empty database
        subprocess.run(  # noqa: S603
            [  # noqa: S607
                "pg_restore",
                *self.args(),
                f"--dbname={self.db(name)}",
                "--no-owner",
                "--exit-on-error",
                str(backup),
            ],
            check=True,
        )

    def drop_all(self) -> None:
        for name in self.made:
            self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def engine(tmp_path):
    chosen = Postgres(tmp_path) if connection.vendor == "postgresql" else Sqlite(tmp_path)
    yield chosen
    chosen.drop_all()


def test_a_backup_restores_with_every_seal_verifying_and_an_older_one_is_named(tmp_path, engine):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_", "KAOHE_"))}
    base = {
        **clean,
        "KAOHE_DEV": "1",  # a development instance: its demo secret, and it makes its key file under var/
        "KAOHE_VAR_DIR": str(tmp_path / "var"),
        "KAOHE_AUDIT_ANCHOR_FILE": str(tmp_path / "anchors.jsonl"),
    }
    (tmp_path / "var").mkdir()
    env: Callable[[str], dict[str, str]] = lambda name: {**base, "DATABASE_URL": engine.url(name)}  # noqa: E731

    # A demo install: 2024 finalised and sealed (an anchor is written at the seal), 2025 under way.
    kaohe(env("live"), "migrate", "--no-input", "-v0")
    kaohe(env("live"), "demo")
    engine.backup("live", tmp_path / "first.backup")

    # Restored into a fresh database: the results' seal and the audit chain verify.
    engine.restore(tmp_path / "first.backup", "restored")
    assert "与封存一致" in kaohe(env("restored"), "results", "verify", "2024").stdout
    first = kaohe(env("restored"), "audit", "verify").stdout
    assert "审计链完整" in first and "锚点一致" in first
    entries = int(re.search(r"共 (\d+) 条记录", first).group(1))

    # Work goes on in the live database and is anchored (the daily timer).
    kaohe(env("live"), "results", "compute", "2025")
    kaohe(env("live"), "audit", "anchor")
    live = kaohe(env("live"), "audit", "verify").stdout
    newest = int(re.search(r"共 (\d+) 条记录", live).group(1))
    assert newest > entries

    # The live database is lost; the older backup is restored: verify names the anchor and what is missing.
    engine.restore(tmp_path / "first.backup", "again")
    refused = kaohe(env("again"), "audit", "verify", ok=False)
    assert refused.returncode == 1
    assert "已恢复到锚点 1（" in refused.stderr
    assert f"其后 {newest - entries} 条记录缺失（第 {entries + 1}" in refused.stderr

    # The operator acknowledges it: audited, and from then on the chain verifies.
    done = kaohe(
        env("again"),
        "audit",
        "restore-acknowledge",
        "--operator",
        "王运维",
        "--reason",
        "服务器损坏，用首份备份恢复",
    )
    assert f"已记入审计（第 {entries + 1} 条）" in done.stdout
    after = kaohe(env("again"), "audit", "verify").stdout
    assert f"审计链完整，共 {entries + 1} 条记录" in after and "已确认的恢复：锚点 3" in after
    assert "与封存一致" in kaohe(env("again"), "results", "verify", "2024").stdout
    shown = kaohe(
        env("again"),
        "shell",
        "-c",
        "from kaohe.audit.models import AuditEntry; e = AuditEntry.objects.order_by('-seq').first(); "
        "print(e.action, e.actor_name, e.after['missing'], e.after['reason'])",
    ).stdout
    assert f"audit.restore_acknowledge 王运维 {newest - entries} 服务器损坏" in shown

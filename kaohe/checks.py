"""Kaohe's own checks: deployment ones, run by ``kaohe check --deploy``, and database ones, run by
``kaohe migrate`` and ``kaohe check --database default``."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import connections


@register(Tags.security, deploy=True)
def plain_http(app_configs, **kwargs):
    if not getattr(settings, "PLAIN_HTTP", False):
        return []
    return [
        Warning(
            "KAOHE_PLAIN_HTTP 已开启：密码和会话 Cookie 以明文传输，且没有 HSTS。",
            hint="生产环境请在反向代理上启用 HTTPS，并去掉 KAOHE_PLAIN_HTTP（见 docs/operations.md）。",
            id="kaohe.W001",
        )
    ]


# A rater is shown the receipt once the ballot's transaction has committed; these settings make a commit
# mean the log is on disk. With either off, PostgreSQL acknowledges commits that a crash can lose.
DURABLE = ("synchronous_commit", "fsync")
HINTS = {
    "synchronous_commit": "改回 on：postgresql.conf 中的 synchronous_commit，以及 ALTER ROLE/ALTER DATABASE "
    "… SET synchronous_commit 的设置（RESET 即可），见 docs/operations.md。",
    "fsync": "在 postgresql.conf 中把 fsync 改回 on 并重新加载配置，见 docs/operations.md。",
}


@register(Tags.database)
def durable_commits(app_configs, databases=None, **kwargs):
    problems = []
    for alias in databases or ():
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        with connection.cursor() as cursor:
            for name in DURABLE:
                cursor.execute("SELECT current_setting(%s)", [name])
                if cursor.fetchone()[0] == "off":
                    problems.append(
                        Error(
                            f"PostgreSQL 的 {name} 为 off：已向测评人显示回执的测评票可能在数据库崩溃后丢失。",
                            hint=HINTS[name],
                            id="kaohe.E001",
                        )
                    )
    return problems

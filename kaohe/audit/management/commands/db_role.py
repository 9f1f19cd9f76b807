"""`kaohe db_role ROLE`: on PostgreSQL, make (or re-tighten) the role the app connects as.

The tables belong to the role that runs `kaohe migrate`; the app's role owns nothing and may read and
write rows, except that it may only read and append the audit log and only read its head (the database
advances the head itself: migration audit 0004). It cannot TRUNCATE, ALTER or disable a trigger. Run it
as the owning role after every `kaohe migrate` (docs/operations.md, 数据库角色).
"""

import os

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from psycopg import sql

ROW_RIGHTS = "SELECT, INSERT, UPDATE, DELETE"
AUDIT_RIGHTS = {"audit_auditentry": "SELECT, INSERT", "audit_audithead": "SELECT"}


class Command(BaseCommand):
    help = "PostgreSQL：创建或收紧应用连接所用的数据库角色（不拥有任何表，不能清空或改写审计日志）。"

    def add_arguments(self, parser):
        parser.add_argument("role", help="应用连接所用的角色名，如 kaohe_app")
        parser.add_argument(
            "--password-env",
            metavar="VAR",
            help="从此环境变量读取该角色的登录密码（不写在命令行上）",
        )

    def handle(self, *args, role: str, password_env: str | None, **options):
        if connection.vendor != "postgresql":
            raise CommandError("数据库角色只用于 PostgreSQL；SQLite 没有角色。")
        name = sql.Identifier(role)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
            found = cursor.fetchone()
            if found is None:
                cursor.execute(
                    sql.SQL("CREATE ROLE {} LOGIN NOINHERIT").format(name).as_string(cursor.connection)
                )
                self.stdout.write(f"已创建角色 {role}")
            elif found[0]:
                raise CommandError(f"角色 {role} 是超级用户，不能作为应用角色。")
            if password_env:
                password = os.environ.get(password_env, "")
                if not password:
                    raise CommandError(f"环境变量 {password_env} 为空。")
                cursor.execute(
                    sql.SQL("ALTER ROLE {} PASSWORD {}")
                    .format(name, sql.Literal(password))
                    .as_string(cursor.connection)
                )
            cursor.execute(
                "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = %s",
                [role],
            )
            if cursor.fetchone()[0]:
                raise CommandError(
                    f"角色 {role} 拥有数据表，不能作为应用角色：先把表的所有者改为运行 migrate 的角色。"
                )
            cursor.execute("SELECT current_schema(), current_user")
            schema, owner = cursor.fetchone()
            if owner == role:
                raise CommandError("请以拥有数据表的角色（运行 migrate 的角色）执行此命令。")
            cursor.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = %s AND tableowner = current_user",
                [schema],
            )
            tables = [row[0] for row in cursor.fetchall()]
            statements = [
                sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(sql.Identifier(schema), name),
                sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA {} FROM {}").format(sql.Identifier(schema), name),
                sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(
                    sql.Identifier(schema), name
                ),
                # Tables a later migration adds are usable at once; running this command again after
                # `migrate` takes back what the audit tables must not have.
                sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA {} GRANT {} ON TABLES TO {}").format(
                    sql.Identifier(schema), sql.SQL(ROW_RIGHTS), name
                ),
                sql.SQL(
                    "ALTER DEFAULT PRIVILEGES IN SCHEMA {} GRANT USAGE, SELECT ON SEQUENCES TO {}"
                ).format(sql.Identifier(schema), name),
            ]
            for table in tables:
                rights = AUDIT_RIGHTS.get(table, ROW_RIGHTS)
                statements.append(
                    sql.SQL("GRANT {} ON TABLE {} TO {}").format(sql.SQL(rights), sql.Identifier(table), name)
                )
            for statement in statements:
                cursor.execute(statement.as_string(cursor.connection))
            cursor.execute("SELECT has_schema_privilege(%s, %s, 'CREATE')", [role, schema])
            may_create = cursor.fetchone()[0]
        self.stdout.write(
            f"角色 {role}：{len(tables)} 张表可读写行；审计日志只可读和追加，链尾只可读；不能 TRUNCATE。"
        )
        if may_create:
            self.stderr.write(
                f"注意：{role} 仍可在模式 {schema} 中建表（PostgreSQL 14 及以前的默认）。以超级用户执行："
                f"REVOKE CREATE ON SCHEMA {schema} FROM PUBLIC; GRANT CREATE ON SCHEMA {schema} TO {owner};"
            )

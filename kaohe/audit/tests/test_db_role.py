"""The PostgreSQL role the app connects as owns no table, cannot TRUNCATE or rewrite the audit log, and
cannot touch the chain's head; the app still appends to the log through it (the database advances the
head). Run with DATABASE_URL pointing at PostgreSQL; on SQLite only the refusal is checked."""

import os
import subprocess
import sys
import uuid

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from kaohe.accounts.actors import SystemActor
from kaohe.audit.actions import audit_record, audit_verify
from kaohe.audit.models import AuditEntry, AuditHead

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="roles exist on PostgreSQL")

REFUSED = [
    "TRUNCATE audit_auditentry",
    "TRUNCATE audit_audithead",
    "DELETE FROM audit_audithead",
    "UPDATE audit_audithead SET seq = 0",
    "INSERT INTO audit_audithead (id, seq, hash) VALUES (2, 0, '')",
    "DELETE FROM audit_auditentry",
    "UPDATE audit_auditentry SET actor_name = 'x'",
    "ALTER TABLE audit_auditentry DISABLE TRIGGER audit_auditentry_append_only",
    "TRUNCATE accounts_user CASCADE",
    "CREATE TABLE mine (id int)",
]


@pytest.fixture
def app_role(transactional_db):
    role = f"kaohe_app_{uuid.uuid4().hex[:8]}"
    call_command("db_role", role)
    yield role
    with connection.cursor() as cursor:
        cursor.execute(f'DROP OWNED BY "{role}"')
        cursor.execute(f'DROP ROLE "{role}"')


def connect_as(role: str) -> psycopg.Connection:
    s = connection.settings_dict
    return psycopg.connect(
        dbname=s["NAME"], user=role, host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, autocommit=True
    )


def database_url(role: str) -> str:
    s = connection.settings_dict
    return f"postgres://{role}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@postgres_only
@pytest.mark.parametrize("statement", REFUSED)
def test_the_app_role_cannot_cut_or_rewrite_the_audit_log(app_role, statement):
    with transaction.atomic():
        audit_record(actor=SystemActor("system"), action="unit.update", object_type="org.unit", object_id="1")
    with connect_as(app_role) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(statement)
    assert AuditEntry.objects.count() == 1 and AuditHead.objects.get().seq == 1
    assert audit_verify() is None


@postgres_only
def test_the_app_role_owns_nothing_and_reads_and_writes_rows(app_role):
    with connect_as(app_role) as conn:
        owned = conn.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = current_user"
        ).fetchone()
        assert owned == (0,)
        conn.execute("INSERT INTO django_session VALUES ('k', 'd', now())")
        conn.execute("DELETE FROM django_session WHERE session_key = 'k'")


@postgres_only
def test_the_app_appends_to_the_audit_log_as_that_role_and_the_database_advances_the_head(app_role, tmp_path):
    with transaction.atomic():
        audit_record(actor=SystemActor("system"), action="unit.update", object_type="org.unit", object_id="1")
    script = (
        "from django.db import transaction\n"
        "from kaohe.accounts.actors import SystemActor\n"
        "from kaohe.audit.actions import audit_record\n"
        "for i in range(3):\n"
        "    with transaction.atomic():\n"
        "        audit_record(actor=SystemActor('王运维'), action='unit.update', object_type='org.unit', object_id=str(i))\n"
    )
    # The children's own anchor file: var/'s belongs to the instance `make run` serves, not to this database.
    anchors = str(tmp_path / "audit-anchors.jsonl")
    env = {
        **os.environ,
        "DATABASE_URL": database_url(app_role),
        "CONN_MAX_AGE": "0",
        "KAOHE_AUDIT_ANCHOR_FILE": anchors,
    }
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "kaohe", "shell", "-c", script],
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    verified = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "kaohe", "audit", "verify"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert verified.returncode == 0, verified.stderr
    assert "共 4 条记录" in verified.stdout
    assert AuditHead.objects.get().seq == 4 and AuditEntry.objects.filter(actor_name="王运维").count() == 3


@postgres_only
def test_an_entry_that_does_not_follow_the_head_is_refused_by_the_database(app_role):
    with transaction.atomic():
        audit_record(actor=SystemActor("system"), action="unit.update", object_type="org.unit", object_id="1")
    with connect_as(app_role) as conn, pytest.raises(psycopg.errors.IntegrityConstraintViolation):
        conn.execute(
            "INSERT INTO audit_auditentry (seq, at, actor_name, action, object_type, object_id, object_repr,"
            " prev_hash, hash) VALUES (7, now(), 'x', 'x', '', '', '', %s, %s)",
            ["0" * 64, "f" * 64],
        )
    assert audit_verify() is None


@postgres_only
def test_the_command_refuses_a_superuser(transactional_db):
    with pytest.raises(CommandError, match="超级用户"):
        call_command("db_role", "postgres")


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the SQLite refusal")
def test_on_sqlite_the_command_says_roles_are_for_postgresql(db):
    with pytest.raises(CommandError, match="只用于 PostgreSQL"):
        call_command("db_role", "kaohe_app")

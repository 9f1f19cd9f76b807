"""Helpers for the audit tests: a small chain, and an attacker with direct database access."""

from contextlib import contextmanager

from django.db import connection, transaction

from kaohe.audit.actions import audit_record

TRIGGER = "audit_auditentry_append_only"


def make_chain(actor, count: int = 3) -> None:
    for i in range(1, count + 1):
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="unit.update",
                object_type="org.unit",
                object_id=str(i),
                object_repr=f"单位{i}",
                before={"name": f"旧名{i}"},
                after={"name": f"新名{i}"},
            )


@contextmanager
def attacker_cursor():
    """A raw cursor, as someone with database access has. On PostgreSQL the append-only trigger must be
    disabled first (which needs the table owner or a superuser); it is enabled again afterwards."""
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            # ALTER TABLE refuses while the test's transaction has deferred foreign-key checks queued.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE audit_auditentry DISABLE TRIGGER {TRIGGER}")
        try:
            yield cursor
        finally:
            if postgres:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"ALTER TABLE audit_auditentry ENABLE TRIGGER {TRIGGER}")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def forge_after(cursor, seq: int, value: str) -> None:
    """Overwrite an entry's `after` with the JSON text `value`."""
    if connection.vendor == "postgresql":
        cursor.execute("UPDATE audit_auditentry SET after = CAST(%s AS jsonb) WHERE seq = %s", [value, seq])
    else:
        cursor.execute("UPDATE audit_auditentry SET after = %s WHERE seq = %s", [value, seq])

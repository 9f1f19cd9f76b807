"""On PostgreSQL the head row is locked and advanced by the database itself, as the table owner, so the
app's role needs no right to write it (and gets none: `kaohe db_role grant`).

`audit_head_lock()` (SECURITY DEFINER) locks the row, creating it if missing, and returns it; an insert
trigger on `audit_auditentry` refuses an entry that does not follow the head and advances the head to it.
Elsewhere (SQLite) this migration does nothing: `kaohe.audit.head` writes the row there.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_head_lock(OUT seq bigint, OUT hash varchar)
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
    INSERT INTO audit_audithead (id, seq, hash) VALUES (1, 0, repeat('0', 64)) ON CONFLICT (id) DO NOTHING;
    SELECT h.seq, h.hash INTO seq, hash FROM audit_audithead h WHERE h.id = 1 FOR UPDATE;
END;
$$;

CREATE OR REPLACE FUNCTION audit_auditentry_advance_head() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    head record;
BEGIN
    SELECT h.seq, h.hash INTO head FROM audit_head_lock() h;
    IF NEW.seq <> head.seq + 1 OR NEW.prev_hash <> head.hash THEN
        RAISE EXCEPTION 'audit entry #% does not follow the head #%', NEW.seq, head.seq
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    UPDATE audit_audithead SET seq = NEW.seq, hash = NEW.hash WHERE id = 1;
    RETURN NEW;
END;
$$;

CREATE TRIGGER audit_auditentry_advance_head
    BEFORE INSERT ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_auditentry_advance_head();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_auditentry_advance_head ON audit_auditentry;
DROP FUNCTION IF EXISTS audit_auditentry_advance_head();
DROP FUNCTION IF EXISTS audit_head_lock();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_append_only_trigger")]

    operations = [migrations.RunPython(create, drop, elidable=False)]

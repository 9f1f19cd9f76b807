"""Codes are unique across units and cadres together, held by the database: a code names one thing, so
`kaohe session create --targets GB000001` can never find a unit where a cadre was meant.

Triggers on both tables refuse an INSERT or UPDATE whose code the other table holds, on SQLite and on
PostgreSQL. On PostgreSQL a transaction-scoped advisory lock on the code serialises two writers of the
same code, so neither can miss the other's uncommitted row (SQLite has one writer at a time anyway).

An install that already has a collision is refused, every colliding code listed, before anything changes.
"""

from django.db import migrations


POSTGRES = """
CREATE OR REPLACE FUNCTION org_code_free() RETURNS trigger AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('org.code:' || NEW.code));
    IF TG_TABLE_NAME = 'org_unit' THEN
        IF EXISTS (SELECT 1 FROM org_cadre WHERE code = NEW.code) THEN
            RAISE EXCEPTION 'code % is used by both a unit and a cadre', NEW.code USING ERRCODE = 'unique_violation';
        END IF;
    ELSIF EXISTS (SELECT 1 FROM org_unit WHERE code = NEW.code) THEN
        RAISE EXCEPTION 'code % is used by both a unit and a cadre', NEW.code USING ERRCODE = 'unique_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER org_unit_code_free BEFORE INSERT OR UPDATE OF code ON org_unit
    FOR EACH ROW EXECUTE FUNCTION org_code_free();
CREATE TRIGGER org_cadre_code_free BEFORE INSERT OR UPDATE OF code ON org_cadre
    FOR EACH ROW EXECUTE FUNCTION org_code_free();
"""
POSTGRES_DROP = """
DROP TRIGGER IF EXISTS org_unit_code_free ON org_unit;
DROP TRIGGER IF EXISTS org_cadre_code_free ON org_cadre;
DROP FUNCTION IF EXISTS org_code_free();
"""
SQLITE = [
    f"""CREATE TRIGGER org_{table}_code_free_{when} BEFORE {event} ON org_{table}
    FOR EACH ROW WHEN EXISTS (SELECT 1 FROM org_{other} WHERE code = NEW.code)
    BEGIN SELECT RAISE(ABORT, 'code used by both a unit and a cadre'); END;"""
    for table, other in (("unit", "cadre"), ("cadre", "unit"))
    for when, event in (("insert", "INSERT"), ("update", "UPDATE OF code"))
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS org_{table}_code_free_{when};"
    for table in ("unit", "cadre")
    for when in ("insert", "update")
]


def refuse_collisions(apps, schema_editor) -> None:
    Unit = apps.get_model("org", "Unit")
    Cadre = apps.get_model("org", "Cadre")
    shared = sorted(set(Unit.objects.values_list("code", flat=True)) & set(Cadre.objects.values_list("code", flat=True)))
    if shared:
        listed = "、".join(shared[:100]) + ("……" if len(shared) > 100 else "")
        raise RuntimeError(
            f"有 {len(shared)} 个编码同时用于单位和干部：{listed}。"
            "请先改正（单位和干部的编码不能相同），再运行 kaohe migrate。"
        )


def create_triggers(apps, schema_editor) -> None:
    refuse_collisions(apps, schema_editor)
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DROP, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers, elidable=False)]

"""The code triggers' advisory lock (0002) is taken on one of 256 buckets of the code, not on the code.

A lock on each code held every code of a transaction until it ended: a province roster import (50,000
cadres in one transaction) needed 50,000 locks and PostgreSQL refused it, "out of shared memory", its lock
table being about 6,400 entries. Two writers of the same code still meet on the same bucket; writers of
different codes in one bucket merely wait for each other.
"""

import importlib

from django.db import migrations

PREVIOUS = importlib.import_module("kaohe.org.migrations.0002_codes_unique_across_units_and_cadres")
BUCKETS = 256
# The first key names the lock's use, so no other advisory lock of the app (bulk.ROSTER_LOCK) can collide.
POSTGRES = f"""
CREATE OR REPLACE FUNCTION org_code_free() RETURNS trigger AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('org.code'), abs(hashtext(NEW.code) % {BUCKETS}));
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
"""


def bounded(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES, params=None)


def per_code(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PREVIOUS.POSTGRES.split("CREATE TRIGGER")[0], params=None)


class Migration(migrations.Migration):
    dependencies = [("org", "0002_codes_unique_across_units_and_cadres")]

    operations = [migrations.RunPython(bounded, per_code, elidable=False)]

"""On PostgreSQL, refuse UPDATE and DELETE of trail entries in the database itself.

The model already refuses them in Python; the trigger also stops raw SQL, the admin's bulk delete and
cascades. Removing it takes ALTER TABLE rights, which the application's database role should not have.
TRUNCATE is left alone here; migration 0003 refuses it too, except for the test runner's flush.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION trail_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'trail entries are append-only: % refused on %', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER trail_entry_append_only
    BEFORE UPDATE OR DELETE ON trail_trailentry
    FOR EACH ROW EXECUTE FUNCTION trail_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS trail_entry_append_only ON trail_trailentry;
DROP FUNCTION IF EXISTS trail_refuse_change();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("trail", "0001_initial")]

    operations = [migrations.RunPython(create_trigger, drop_trigger, elidable=False)]

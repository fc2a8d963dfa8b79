"""The supervision log is append-only: the database refuses UPDATE and DELETE of sign-offs,
like the audit log (a browser test that flushes tables lifts them with `drop`)."""

from django.db import migrations

TABLE = "atensi_signoff"
SQLITE = [
    f"""CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE}
       BEGIN SELECT RAISE(ABORT, 'sign-offs are append-only'); END;""",
    f"""CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE}
       BEGIN SELECT RAISE(ABORT, 'sign-offs are append-only'); END;""",
]
POSTGRES = [
    f"""CREATE FUNCTION {TABLE}_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'sign-offs are append-only'; END; $$ LANGUAGE plpgsql;""",
    f"""CREATE TRIGGER {TABLE}_no_change BEFORE UPDATE OR DELETE ON {TABLE}
       FOR EACH ROW EXECUTE FUNCTION {TABLE}_append_only();""",
]
DROP = {
    "sqlite": [f"DROP TRIGGER {TABLE}_no_update", f"DROP TRIGGER {TABLE}_no_delete"],
    "postgresql": [
        f"DROP TRIGGER {TABLE}_no_change ON {TABLE}",
        f"DROP FUNCTION {TABLE}_append_only()",
    ],
}


def create(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRES}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    for sql in DROP.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("atensi", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]

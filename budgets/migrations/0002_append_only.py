"""The DIPA revisions and the allocation history are append-only: the database refuses UPDATE
and DELETE of their rows, like the audit log (a test that flushes tables lifts them with
`drop`)."""

from django.db import migrations

TABLES = ["budgets_diparevision", "budgets_allocationentry"]


def _sqlite(table: str) -> list[str]:
    return [f"""CREATE TRIGGER {table}_no_{op} BEFORE {op.upper()} ON {table}
               BEGIN SELECT RAISE(ABORT, 'budget history is append-only'); END;"""
            for op in ("update", "delete")]


def _postgres(table: str) -> list[str]:
    return [f"""CREATE FUNCTION {table}_append_only() RETURNS trigger AS $$
               BEGIN RAISE EXCEPTION 'budget history is append-only'; END; $$
               LANGUAGE plpgsql;""",
            f"""CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table}
               FOR EACH ROW EXECUTE FUNCTION {table}_append_only();"""]


def _drop(vendor: str, table: str) -> list[str]:
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {table}_no_update",
                f"DROP TRIGGER IF EXISTS {table}_no_delete"]
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}",
                f"DROP FUNCTION IF EXISTS {table}_append_only()"]
    return []


def create(apps, schema_editor):
    make = {"sqlite": _sqlite, "postgresql": _postgres}.get(schema_editor.connection.vendor)
    for table in TABLES if make else []:
        for sql in make(table):
            schema_editor.execute(sql)


def drop(apps, schema_editor):
    for table in TABLES:
        for sql in _drop(schema_editor.connection.vendor, table):
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("budgets", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]

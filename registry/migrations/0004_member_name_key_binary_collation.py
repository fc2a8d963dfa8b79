"""On PostgreSQL, name_key gets the binary "C" collation, whatever the database's default.

name_key is upper-case ASCII; with "C" a prefix search (LIKE 'SITI%') becomes a range on the
(name_key, id) index, which also gives the list order, so a search reads only the rows it shows.
Under a linguistic collation PostgreSQL must fetch every match and sort it. SQLite compares
bytes already (the selectors use a range there).
"""

from django.db import migrations

FORWARD = 'ALTER TABLE registry_member ALTER COLUMN name_key TYPE varchar(100) COLLATE "C"'
BACKWARD = "ALTER TABLE registry_member ALTER COLUMN name_key TYPE varchar(100) COLLATE \"default\""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_member_search_indexes")]
    operations = [migrations.RunPython(forward, backward)]

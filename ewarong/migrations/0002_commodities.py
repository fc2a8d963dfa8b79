"""The shipped commodity catalogue (ewarong/data/commodities.csv): the allowed foods of FACTS
and, so that a till can name them when it refuses them, the banned ones."""

import csv
from pathlib import Path

from django.db import migrations

CATALOGUE = Path(__file__).resolve().parent.parent / "data" / "commodities.csv"


def install(apps, schema_editor):
    Commodity = apps.get_model("ewarong", "Commodity")
    with CATALOGUE.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            Commodity.objects.update_or_create(code=row["code"], defaults=row)


class Migration(migrations.Migration):
    dependencies = [("ewarong", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]

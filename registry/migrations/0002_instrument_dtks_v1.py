from django.db import migrations


def publish(apps, schema_editor):
    from registry.instrument import shipped_definition

    definition = shipped_definition("dtks", 1)
    apps.get_model("registry", "InstrumentVersion").objects.get_or_create(
        code="dtks", version=1,
        defaults={"title": definition["title"]["id"], "definition": definition},
    )


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(publish, migrations.RunPython.noop)]

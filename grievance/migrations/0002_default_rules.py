from django.db import migrations


def seed(apps, schema_editor):
    from grievance.routing import DEFAULT_RULES

    RoutingRule = apps.get_model("grievance", "RoutingRule")
    for category, (unit, hours) in DEFAULT_RULES.items():
        RoutingRule.objects.get_or_create(category=str(category), region_prefix="",
                                          defaults={"unit": str(unit), "sla_hours": hours})


class Migration(migrations.Migration):
    dependencies = [("grievance", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

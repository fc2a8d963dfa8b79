from django.db import migrations


def install(apps, schema_editor):
    from payments.layouts import install as install_shipped

    install_shipped(apps.get_model("payments", "PaymentChannel"),
                    apps.get_model("payments", "ChannelRule"),
                    apps.get_model("payments", "FileLayout"))


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]

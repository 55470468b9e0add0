"""The national programme list (GUIDE §2) as rows; counties configure standards for them."""

from django.db import migrations

from jiuzhu.programmes.catalogue import PROGRAMMES


def forwards(apps, schema_editor):
    Programme = apps.get_model("programmes", "Programme")
    for p in PROGRAMMES:
        Programme.objects.update_or_create(
            code=p.code, defaults={"name": p.name, "payment": p.payment, "needs_notice": p.needs_notice})


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

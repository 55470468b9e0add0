"""A person's date of death, recorded by payments.deaths.death_record."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("registry", "0008_rows_gone")]

    operations = [
        migrations.AddField(
            model_name="person",
            name="died_on",
            field=models.DateField(blank=True, null=True, verbose_name="死亡日期"),
        ),
    ]

"""PostgreSQL only: leave a tenth of each page of applications free, so the in-place changes a
case goes through (status steps, 单独登记备案 marks — thousands at once after a cross-check run)
can stay on the page as heap-only updates instead of adding an entry to each of the table's
indexes. Applies to pages written from now on."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE cases_application SET (fillfactor = 90)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE cases_application RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_extreme_poverty_intake")]
    operations = [migrations.RunPython(forwards, backwards)]

"""PostgreSQL only: leave a tenth of each page of applications free, so the in-place changes a
case goes through (status steps, 单独登记备案 marks — thousands at once after a cross-check run)
can stay on the page as heap-only updates instead of adding an entry to each of the table's
indexes. Applies to pages written from now on."""

from django.db import migrations

from jiuzhu.core.pg_migrations import postgres_sql


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_extreme_poverty_intake")]
    operations = [postgres_sql("ALTER TABLE cases_application SET (fillfactor = 90)",
                               "ALTER TABLE cases_application RESET (fillfactor)")]

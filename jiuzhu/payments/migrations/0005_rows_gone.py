"""PostgreSQL only: enrolments deleted or moved to another county are logged in core.RowGone
(jiuzhu.core.rowxid)."""

from django.db import migrations

from jiuzhu.core.rowxid import gone_trigger_operations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_rowgone"),
        ("payments", "0004_row_xid_index"),
    ]
    operations = [*gone_trigger_operations("payments_enrolment", "county_id")]

"""The log of rows gone (core.RowGone) and, on PostgreSQL, the trigger functions that write
it: ``jiuzhu_row_gone()`` (a row deleted or moved to another county: its ``id``) and
``jiuzhu_table_emptied()`` (TRUNCATE: no key). The tables' triggers are created by their
apps' migrations (``jiuzhu.core.rowxid.gone_trigger_operations``)."""

from django.db import migrations, models

from jiuzhu.core.pg_migrations import postgres_sql

XID = "pg_current_xact_id()::text::bigint"
FORWARD = f"""
CREATE OR REPLACE FUNCTION jiuzhu_row_gone() RETURNS trigger AS $$
BEGIN
  INSERT INTO core_rowgone (table_name, row_id, xid) VALUES (TG_TABLE_NAME, OLD.id, {XID});
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION jiuzhu_table_emptied() RETURNS trigger AS $$
BEGIN
  INSERT INTO core_rowgone (table_name, row_id, xid) VALUES (TG_TABLE_NAME, NULL, {XID});
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""
BACKWARD = "DROP FUNCTION IF EXISTS jiuzhu_row_gone(); DROP FUNCTION IF EXISTS jiuzhu_table_emptied();"


class Migration(migrations.Migration):
    dependencies = [("core", "0004_lean_indexes")]
    operations = [
        migrations.CreateModel(
            name="RowGone",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("table_name", models.CharField(max_length=63, verbose_name="数据表")),
                ("row_id", models.BigIntegerField(blank=True, null=True, verbose_name="行主键")),
                ("xid", models.BigIntegerField(verbose_name="数据库事务")),
            ],
            options={
                "verbose_name": "已移出的行",
                "indexes": [models.Index(fields=["table_name", "xid"], name="core_rowgone_since")],
            },
        ),
        postgres_sql(FORWARD, BACKWARD),
    ]

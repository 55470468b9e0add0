"""The keyed audit chain: the head records from which entry on the hashes are HMACs under the
audit key, and a MAC over itself; anchors (the head signed into files outside the database) and
the record of each verification.

An existing chain is not rewritten: its rows keep their SHA-256 hashes, the head is marked
keyed from the next entry on (whose previous hash covers them all) and gets its MAC now, with
the key from the settings."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from jiuzhu.core.hashchain import ChainKey


def key_the_head(apps, schema_editor):
    AuditHead = apps.get_model("core", "AuditHead")
    head = AuditHead.objects.filter(pk=1).first()
    if head is None:  # a new database: keyed from its first entry
        return
    head.keyed_from = head.last_seq + 1
    head.mac = ChainKey(settings.JIUZHU_AUDIT_KEY).head(
        seq=head.last_seq, hash=head.last_hash, keyed_from=head.keyed_from
    )
    head.save(update_fields=["keyed_from", "mac"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_rowgone"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="audithead",
            name="keyed_from",
            field=models.BigIntegerField(default=1),
        ),
        migrations.AddField(
            model_name="audithead",
            name="mac",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.CreateModel(
            name="AuditAnchor",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("seq", models.BigIntegerField(verbose_name="存证时末条序号")),
                ("hash", models.CharField(max_length=64, verbose_name="末条哈希")),
                ("count", models.BigIntegerField(verbose_name="记录条数")),
                ("at", models.DateTimeField(db_index=True, verbose_name="存证时间")),
                ("host", models.CharField(blank=True, max_length=100, verbose_name="服务器")),
                ("file_name", models.CharField(max_length=200, verbose_name="存证文件")),
                ("made_by", models.CharField(blank=True, max_length=150, verbose_name="发起")),
            ],
            options={
                "verbose_name": "审计链存证",
                "verbose_name_plural": "审计链存证",
                "ordering": ["-at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="AuditCheck",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("at", models.DateTimeField(db_index=True, verbose_name="校验时间")),
                (
                    "actor_name",
                    models.CharField(blank=True, max_length=150, verbose_name="校验人账号"),
                ),
                (
                    "via",
                    models.CharField(
                        choices=[("web", "网页"), ("command", "命令行")],
                        max_length=10,
                        verbose_name="方式",
                    ),
                ),
                ("rows_checked", models.BigIntegerField(default=0, verbose_name="校验条数")),
                ("passed", models.BooleanField(verbose_name="是否通过")),
                (
                    "broken_seq",
                    models.BigIntegerField(blank=True, null=True, verbose_name="首条不可信记录"),
                ),
                ("reason", models.CharField(blank=True, max_length=500, verbose_name="问题")),
                ("anchors_checked", models.IntegerField(default=0, verbose_name="核对存证数")),
                (
                    "seconds",
                    models.DecimalField(
                        decimal_places=2, default=0, max_digits=9, verbose_name="用时（秒）"
                    ),
                ),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="校验人",
                    ),
                ),
            ],
            options={
                "verbose_name": "审计链校验",
                "verbose_name_plural": "审计链校验",
                "ordering": ["-at", "-id"],
            },
        ),
        migrations.RunPython(key_the_head, migrations.RunPython.noop),
    ]

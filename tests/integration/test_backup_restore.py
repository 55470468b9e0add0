"""The backup drill: back up a county with households, an application and a finding with an
attachment; restore into a fresh database created on the same PostgreSQL cluster (and fresh file
directories) in another process; then the row counts equal the manifest, `jiuzhu audit verify`
passes against the restored database, and the restored attachment decrypts to the original
bytes. Committed rows, since pg_dump reads through its own connection: transactional test."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from jiuzhu.cases.models import Application
from jiuzhu.core import crypto
from jiuzhu.core.models import AuditEntry
from jiuzhu.crosscheck.findings import finding_verify
from jiuzhu.crosscheck.models import Finding, RegistrySnapshot
from jiuzhu.crosscheck.run import crosscheck_run
from jiuzhu.registry.models import Household, Person
from tests.integration.test_crosscheck_run import death_snapshot, enrol

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
ATTACHMENT = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

# Each in a new process pointed at the restored database, as the operator runs them
# (docs/operations.md section 5): restore; then, once the rows are counted, verify the audit
# chain (which records its check) against the anchors restored with it.
RESTORE = """
import sys
from jiuzhu.cli import main
code = main(["backup", "restore", sys.argv[1], "--keys-dir", sys.argv[2]])
from django.conf import settings
print(f"VAR_DIR={settings.VAR_DIR}")
print(f"SNAPSHOT_DIR={settings.JIUZHU_SNAPSHOT_DIR}")
print(f"ANCHOR_DIR={settings.JIUZHU_AUDIT_ANCHOR_DIR}")
sys.exit(code)
"""
VERIFY = """
import sys
from pathlib import Path
import django
django.setup()
from django.conf import settings
settings.JIUZHU_AUDIT_ANCHOR_DIR = Path(sys.argv[1])  # the test settings' is a new temporary one
from jiuzhu.cli import main
sys.exit(main(["audit", "verify"]))
"""


@pytest.fixture
def county(users, make_household, settings, tmp_path):
    """Three households, two enrolled (an application each), a death register, a run and its
    finding, verified on the ground with an attachment."""
    settings.VAR_DIR = tmp_path / "var"
    settings.JIUZHU_SNAPSHOT_DIR = tmp_path / "var" / "snapshots"
    dead = make_household(size=2, head_name="龙老汉")
    enrol(dead, users["county"], amount="900.00")
    enrol(make_household(size=3, head_name="吴春花"), users["county"], amount="620.00")
    make_household(size=1, head_name="麻小明")
    head = dead.members.get(relation="self")
    death_snapshot(users["county"], f"龙老汉,{crypto.decrypt(head.id_cipher)},,,,2026-09-20,火化\n")
    crosscheck_run(actor=users["county"], month="2026-11", inline=True)
    finding = Finding.objects.get(check_code="death")
    finding_verify(
        actor=users["officer_a"],
        finding_id=finding.pk,
        is_true=True,
        note="入户核实：已于9月去世",
        attachment_name="死亡证明.pdf",
        attachment=ATTACHMENT,
    )
    call_command("jiuzhu_audit", "anchor", stdout=io.StringIO())
    return Finding.objects.get(pk=finding.pk)


@pytest.fixture
def fresh_database():
    name = f"jiuzhu_restore_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def connect(name: str) -> psycopg.Connection:
    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"], port=db["PORT"] or None, user=db["USER"], dbname=name, autocommit=True
    )


def in_a_new_process(database: str, script: str, *args: Path):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.test", JIUZHU_DB_NAME=database)
    return subprocess.run(
        [sys.executable, "-c", script, *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_backup_restores_into_a_fresh_database(county, settings, tmp_path, fresh_database):
    backup, keys = tmp_path / "backup", tmp_path / "keys"
    out = io.StringIO()
    call_command("jiuzhu_backup", "create", str(backup), "--keys-dir", str(keys), stdout=out)
    assert "备份完成" in out.getvalue()
    manifest = json.loads((backup / "manifest.json").read_text())

    # the manifest describes the database as it was, and names the keys without their values
    assert manifest["tables"]["registry_household"] == Household.objects.count() == 3
    assert manifest["tables"]["registry_person"] == Person.objects.count() == 6
    assert manifest["tables"]["cases_application"] == Application.objects.count() == 2
    assert manifest["tables"]["crosscheck_finding"] == Finding.objects.count() >= 1
    assert manifest["tables"]["core_auditentry"] == AuditEntry.objects.count() > 0
    assert manifest["audit_head"]["last_seq"] == AuditEntry.objects.count()
    assert {"JIUZHU_FIELD_KEY", "JIUZHU_LOOKUP_KEY", "JIUZHU_AUDIT_KEY"} <= set(manifest["keys"])
    assert set(manifest["files"]) >= {"database.dump", "attachments.tar", "snapshots.tar"}
    secrets = [settings.JIUZHU_FIELD_KEY, settings.JIUZHU_LOOKUP_KEY, settings.JIUZHU_AUDIT_KEY]
    for path in backup.iterdir():
        assert not any(s.encode() in path.read_bytes() for s in secrets), path.name
    assert settings.JIUZHU_FIELD_KEY in (keys / "keys.env").read_text()
    assert all(p.stat().st_mode & 0o077 == 0 for p in [backup, keys, *backup.iterdir()])

    done = in_a_new_process(fresh_database, RESTORE, backup, keys)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "恢复完成" in done.stdout and "与备份清单一致" in done.stdout
    restored = {
        key: Path(done.stdout.split(f"\n{key}=")[1].splitlines()[0])
        for key in ("VAR_DIR", "SNAPSHOT_DIR", "ANCHOR_DIR")
    }

    with connect(fresh_database) as db:
        for table, expected in manifest["tables"].items():
            rows = db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            assert rows == expected, table
        name, path = db.execute(
            "SELECT attachment_name, attachment_path FROM crosscheck_finding WHERE id = %s",
            [county.pk],
        ).fetchone()
        snapshot_file = db.execute(
            "SELECT parquet_path FROM crosscheck_registrysnapshot WHERE kind = 'death'"
        ).fetchone()[0]
    assert name == "死亡证明.pdf" and path == county.attachment_path

    # the audit chain of the restored database verifies, with its anchors
    verified = in_a_new_process(fresh_database, VERIFY, restored["ANCHOR_DIR"])
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "审计链完整" in verified.stdout
    assert len(list(restored["ANCHOR_DIR"].iterdir())) >= 1  # the anchor made before the backup

    # the attachment, restored under the new var directory, decrypts to the original bytes
    relative = Path(county.attachment_path).relative_to(Path(settings.VAR_DIR) / "attachments")
    restored_file = restored["VAR_DIR"] / "attachments" / relative
    assert restored_file.stat().st_mode & 0o077 == 0
    assert crypto.decrypt_bytes(restored_file.read_bytes()) == ATTACHMENT
    # and the death register's Parquet file is there, byte for byte
    original = Path(settings.JIUZHU_SNAPSHOT_DIR) / snapshot_file
    assert (restored["SNAPSHOT_DIR"] / snapshot_file).read_bytes() == original.read_bytes()
    assert RegistrySnapshot.objects.filter(parquet_path=snapshot_file).exists()


def test_restore_refuses_a_database_that_is_not_empty(county, tmp_path):
    backup = tmp_path / "backup"
    call_command("jiuzhu_backup", "create", str(backup), "--no-keys", stdout=io.StringIO())
    err = io.StringIO()
    with pytest.raises(Exception, match="目标数据库不是空库"):
        call_command("jiuzhu_backup", "restore", str(backup), stdout=err)
    assert Household.objects.count() == 3  # nothing touched


def test_a_damaged_backup_is_not_restored(county, tmp_path, fresh_database):
    backup = tmp_path / "backup"
    call_command("jiuzhu_backup", "create", str(backup), "--no-keys", stdout=io.StringIO())
    with (backup / "attachments.tar").open("r+b") as tar:
        tar.seek(600)
        tar.write(b"x")
    with pytest.raises(Exception, match="attachments.tar 已损坏"):
        call_command("jiuzhu_backup", "check", str(backup), stdout=io.StringIO())
    done = in_a_new_process(fresh_database, RESTORE, backup, tmp_path / "no-keys")
    assert done.returncode != 0 and "备份不完整，未恢复" in done.stderr
    with connect(fresh_database) as restored:
        tables = restored.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()[0]
    assert tables == 0

"""Backup and restore of the embedded installation (demo settings, SQLite, keys in var/keys.json):
the real `jiuzhu` command in child processes, from one var directory into a new one. The keys
travel only through the separate keys directory, and a restore without them is refused."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REGIONS = ROOT / "jiuzhu/regions/data/433123_fenghuang.csv"
SECRET = "身份证复印件：433123197001010011".encode()

WRITE_ATTACHMENT = """
from pathlib import Path
from django.conf import settings
from jiuzhu.core import crypto
folder = Path(settings.VAR_DIR) / "attachments" / "findings"
folder.mkdir(parents=True, exist_ok=True)
(folder / "1-20261122101500.enc").write_bytes(crypto.encrypt_bytes(SECRET))
"""
READ_ATTACHMENT = """
import sys
from pathlib import Path
from django.conf import settings
from jiuzhu.core import crypto
path = Path(settings.VAR_DIR) / "attachments" / "findings" / "1-20261122101500.enc"
sys.stdout.buffer.write(crypto.decrypt_bytes(path.read_bytes()))
"""


def jiuzhu(var_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JIUZHU_", "DJANGO_"))}
    env.update(JIUZHU_VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="config.settings.local")
    return subprocess.run(
        [sys.executable, "-m", "jiuzhu.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=600,
    )


def ok(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 0, (done.stdout + done.stderr).decode()[-3000:]
    return done.stdout.decode()


def test_demo_backup_restores_into_a_new_var_directory(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    backup, keys = tmp_path / "backup", tmp_path / "usb" / "keys"
    ok(jiuzhu(old, "manage", "migrate", "-v", "0"))
    ok(jiuzhu(old, "import", "regions", str(REGIONS)))
    ok(jiuzhu(old, "manage", "shell", "-c", f"SECRET = {SECRET!r}\n{WRITE_ATTACHMENT}"))

    out = ok(jiuzhu(old, "backup", "create", str(backup), "--keys-dir", str(keys)))
    assert "备份完成" in out and "attachments.tar：1个文件" in out
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["engine"] == "sqlite" and manifest["tables"]["regions_region"] > 200
    old_keys = json.loads((old / "keys.json").read_text())
    assert old_keys["field_key"] not in "".join(p.read_text("latin-1") for p in backup.iterdir())
    assert f"JIUZHU_FIELD_KEY={old_keys['field_key']}" in (keys / "keys.env").read_text()
    assert "备份完整" in ok(jiuzhu(old, "backup", "check", str(backup)))

    # the new directory's own fresh keys are not the backup's: refused, nothing written
    refused = jiuzhu(new, "backup", "restore", str(backup))
    assert refused.returncode != 0 and "JIUZHU_FIELD_KEY" in refused.stderr.decode()
    assert not (new / "attachments").exists()

    out = ok(jiuzhu(new, "backup", "restore", str(backup), "--keys-dir", str(keys)))
    assert "恢复完成" in out and "与备份清单一致" in out
    assert json.loads((new / "keys.json").read_text()) == old_keys
    with sqlite3.connect(new / "jiuzhu.sqlite3") as db:
        for table, expected in manifest["tables"].items():
            assert db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] == expected, table
    assert "审计链完整" in ok(jiuzhu(new, "audit", "verify"))
    assert jiuzhu(new, "manage", "shell", "-v", "0", "-c", READ_ATTACHMENT).stdout == SECRET
    for path in (new / "jiuzhu.sqlite3", new / "keys.json", *(new / "attachments").rglob("*")):
        assert path.stat().st_mode & 0o077 == 0, path

    # a second restore over the restored installation is refused
    again = jiuzhu(new, "backup", "restore", str(backup), "--keys-dir", str(keys))
    assert again.returncode != 0 and "不是空库" in again.stderr.decode()

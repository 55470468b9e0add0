"""Everything the application writes under var/ is private to its user: the SQLite database, the
demo keys, uploaded imports, finding attachments, snapshots and the cache — whatever the umask of
the shell that started it. Runs the real `jiuzhu` command (demo settings, SQLite) in a child
process with a permissive umask, in a temporary JIUZHU_VAR_DIR."""

import os
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

VERIFY_WITH_ATTACHMENT = """
from jiuzhu.accounts.models import User
from jiuzhu.crosscheck.findings import finding_verify
from jiuzhu.crosscheck.models import Finding
finding = Finding.objects.filter(status="raised").order_by("pk").first()
finding_verify(
    actor=User.objects.get(username="county-admin"), finding_id=finding.pk, is_true=True,
    note="入户核实属实", attachment_name="核实记录.pdf", attachment=b"%PDF-1.4\\n1 0 obj\\n%%EOF\\n",
)
print("attachment", Finding.objects.get(pk=finding.pk).attachment_path)
"""


def jiuzhu(var_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JIUZHU_", "DJANGO_"))}
    env.update(JIUZHU_VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="config.settings.local")
    return subprocess.run(
        [sys.executable, "-m", "jiuzhu.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        preexec_fn=lambda: os.umask(0o022),  # a shell's usual umask: files 0644, dirs 0755
    )


def shared_bits(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode) & 0o077


def test_demo_database_keys_uploads_and_attachments_are_private(tmp_path):
    var = tmp_path / "var"
    demo = jiuzhu(var, "demo", "--households", "200", "--no-serve")
    assert demo.returncode == 0, demo.stderr[-3000:]
    verified = jiuzhu(var, "manage", "shell", "-c", VERIFY_WITH_ATTACHMENT)
    assert verified.returncode == 0, verified.stderr[-3000:]
    attachment = Path(verified.stdout.split("attachment ")[-1].strip())

    assert attachment.is_file() and var in attachment.parents
    for path in (
        var,
        var / "jiuzhu.sqlite3",
        var / "keys.json",
        var / "imports",
        var / "attachments",
        attachment.parent,
        attachment,
    ):
        assert path.exists(), path
        assert shared_bits(path) == 0, f"{path} is {stat.S_IMODE(path.stat().st_mode):o}"
    readable = [p for p in var.rglob("*") if shared_bits(p)]
    assert readable == [], readable[:5]


def test_an_older_world_readable_demo_is_tightened_at_start(tmp_path):
    var = tmp_path / "var"
    var.mkdir(mode=0o755)
    database = var / "jiuzhu.sqlite3"
    database.write_bytes(b"")
    database.chmod(0o644)
    var.chmod(0o755)
    done = jiuzhu(var, "help")  # loads the settings and apps, nothing more
    assert done.returncode == 0, done.stderr[-3000:]
    assert shared_bits(var) == 0 and shared_bits(database) == 0
    assert shared_bits(var / "keys.json") == 0

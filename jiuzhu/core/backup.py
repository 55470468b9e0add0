"""Backing up and restoring a whole installation: `jiuzhu backup create|check|restore`.

A backup is a directory (docs/operations.md section 5):

    database.dump        PostgreSQL: pg_dump -Fc, taken in one snapshot with the row counts
    database.sqlite3     SQLite (demo): SQLite's online backup API
    attachments.tar      finding attachments (VAR_DIR/attachments), encrypted with the field key
    snapshots.tar        registry snapshots (JIUZHU_SNAPSHOT_DIR), Parquet
    audit-anchors.tar    the audit chain's signed anchors (JIUZHU_AUDIT_ANCHOR_DIR), if any
    manifest.json        rows per table, the audit head, SHA-256 and size of each file, and the
                         names of the keys the data needs with a fingerprint of each — never a key

and, only when asked for (`--keys-dir`), a second directory that the operator keeps apart (other
medium, other custodian) with `keys.env`: the keys' values. Whoever holds both can read every ID
number, so the two are never written into one directory.

Restore goes into a fresh, empty database and empty file directories, and only with the keys
the backup was made with (checked by fingerprint): data restored under other keys could not be
decrypted or verified. Afterwards the row counts are compared with the manifest; the audit chain
is then verified by `jiuzhu audit verify` (a new process, so keys installed by the restore are
the ones in force). The database's own dump and restore are in `backup_db`.
"""

from __future__ import annotations

import hashlib
import json
import os
import tarfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connections

from . import backup_db
from .errors import ValidationFailed

FORMAT = 1
MANIFEST = "manifest.json"
KEYS_FILE = "keys.env"
# settings attribute -> environment variable (production reads each key from the variable)
KEY_SETTINGS = {
    "SECRET_KEY": "JIUZHU_SECRET_KEY",
    "JIUZHU_FIELD_KEY": "JIUZHU_FIELD_KEY",
    "JIUZHU_LOOKUP_KEY": "JIUZHU_LOOKUP_KEY",
    "JIUZHU_AUDIT_KEY": "JIUZHU_AUDIT_KEY",
    "JIUZHU_AUDIT_ANCHOR_KEY": "JIUZHU_AUDIT_ANCHOR_KEY",
}

Say = Callable[[str], None]


# ---- where things are ------------------------------------------------------------------------


def file_dirs() -> dict[str, Path]:
    """Archive name -> the directory it holds, as configured."""
    return {
        "attachments.tar": Path(settings.VAR_DIR) / "attachments",
        "snapshots.tar": Path(settings.JIUZHU_SNAPSHOT_DIR),
        "audit-anchors.tar": Path(settings.JIUZHU_AUDIT_ANCHOR_DIR),
    }


def keys_in_force() -> dict[str, str]:
    """Environment variable name -> the key's value, for each key this installation has."""
    return {
        env: getattr(settings, name)
        for name, env in KEY_SETTINGS.items()
        if getattr(settings, name, "")
    }


def fingerprint(name: str, value: str) -> str:
    """Tells whether two keys are the same without revealing either (64 bits of a hash of a
    random key of 32+ characters)."""
    return hashlib.sha256(f"jiuzhu-key-fingerprint\0{name}\0{value}".encode()).hexdigest()[:16]


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _private_dir(path: Path) -> None:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)


def _is_empty_dir(path: Path) -> bool:
    return not path.exists() or (path.is_dir() and not any(path.iterdir()))


# ---- create ----------------------------------------------------------------------------------


@dataclass
class Manifest:
    created_at: str
    engine: str
    database_file: str
    tables: dict[str, int]
    audit_head: dict
    files: dict[str, dict] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    keys_written: bool = False
    format: int = FORMAT

    def write(self, directory: Path) -> None:
        path = directory / MANIFEST
        path.write_text(json.dumps(self.__dict__, ensure_ascii=False, indent=2, sort_keys=True))
        path.chmod(0o600)

    @classmethod
    def read(cls, directory: Path) -> Manifest:
        path = directory / MANIFEST
        if not path.is_file():
            raise ValidationFailed(f"{directory} 中没有 {MANIFEST}，不是救助系统的备份目录")
        data = json.loads(path.read_text())
        if data.get("format") != FORMAT:
            raise ValidationFailed(f"备份格式版本 {data.get('format')} 不受支持")
        return cls(**data)


def _tar(source: Path, target: Path) -> int:
    """`source`'s files in a tar (paths relative to it); an absent directory gives an empty
    tar. Returns the number of files."""
    files = 0
    with tarfile.open(target, "w") as tar:
        if source.is_dir():
            for path in sorted(source.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    tar.add(path, arcname=str(path.relative_to(source)), recursive=False)
                    files += 1
    return files


def _write_keys(keys_dir: Path, keys: dict[str, str]) -> None:
    _private_dir(keys_dir)
    path = keys_dir / KEYS_FILE
    if path.exists():
        raise ValidationFailed(f"密钥目录中已有 {KEYS_FILE}，请换一个空目录")
    lines = [
        "# 救助系统的密钥：与数据库备份分开保管（另一介质、另一保管人）",
        *(f"{name}={value}" for name, value in keys.items()),
    ]
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write("\n".join(lines) + "\n")


def _apart(one: Path, other: Path) -> bool:
    one, other = one.resolve(), other.resolve()
    return one != other and one not in other.parents and other not in one.parents


def backup_create(
    *, target: Path, keys_dir: Path | None, using: str = "default", say: Say = print
) -> Manifest:
    """Write a backup of the database and files into the new or empty directory `target`, and
    the keys into `keys_dir` (kept apart) if given."""
    target = Path(target)
    if not _is_empty_dir(target):
        raise ValidationFailed(f"备份目录 {target} 不是空目录；每次备份请用一个新目录")
    if keys_dir is not None and not _apart(target, Path(keys_dir)):
        raise ValidationFailed("密钥目录不能与备份目录相同或互相包含：两者须分开保管")
    _private_dir(target)
    database_file, counts, head = backup_db.dump(target, using)
    say(f"数据库已备份：{len(counts)}张表，审计记录{counts.get('core_auditentry', 0)}条")
    keys = keys_in_force()
    manifest = Manifest(
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        engine=connections[using].vendor,
        database_file=database_file,
        tables=counts,
        audit_head=head,
        keys={name: fingerprint(name, value) for name, value in keys.items()},
    )
    for archive, source in file_dirs().items():
        files = _tar(source, target / archive)
        manifest.sources[archive] = str(source)
        say(f"{archive}：{files}个文件（{source}）")
    for path in sorted(target.iterdir()):
        path.chmod(0o600)  # (unreadable to others meanwhile too: the directory is 0700)
        manifest.files[path.name] = {"sha256": sha256_file(path), "bytes": path.stat().st_size}
    if keys_dir is not None:
        _write_keys(Path(keys_dir), keys)
        manifest.keys_written = True
        say(f"密钥已写入 {Path(keys_dir) / KEYS_FILE}：请与备份分开保管")
    manifest.write(target)
    return manifest


# ---- check -----------------------------------------------------------------------------------


def backup_check(source: Path) -> tuple[Manifest, list[str]]:
    """The manifest and every file whose size or SHA-256 differs from it (or is missing)."""
    source = Path(source)
    manifest = Manifest.read(source)
    problems = []
    for name, expected in sorted(manifest.files.items()):
        path = source / name
        if not path.is_file():
            problems.append(f"缺少文件 {name}")
        elif path.stat().st_size != expected["bytes"] or sha256_file(path) != expected["sha256"]:
            problems.append(f"文件 {name} 已损坏或被改动（校验值不符）")
    return manifest, problems


# ---- restore ---------------------------------------------------------------------------------


def read_keys_file(keys_dir: Path) -> dict[str, str]:
    path = Path(keys_dir) / KEYS_FILE
    if not path.is_file():
        raise ValidationFailed(f"密钥目录 {keys_dir} 中没有 {KEYS_FILE}")
    keys = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#") and "=" in line:
            name, value = line.split("=", 1)
            keys[name.strip()] = value.strip()
    return keys


def _key_mismatches(manifest: Manifest, keys: dict[str, str]) -> list[str]:
    return [
        name
        for name, expected in sorted(manifest.keys.items())
        if fingerprint(name, keys.get(name, "")) != expected
    ]


def _demo_keys_file() -> Path | None:
    """The demo's var/keys.json, where the keys of config.settings.local come from."""
    path = Path(settings.VAR_DIR) / "keys.json"
    return path if getattr(settings, "JIUZHU_DEMO", False) and path.is_file() else None


def _install_demo_keys(keys: dict[str, str]) -> Path:
    path = _demo_keys_file()
    data = {name.removeprefix("JIUZHU_").lower(): value for name, value in keys.items()}
    tmp = path.with_name(f".{path.name}.restore")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(json.dumps(data))
    os.replace(tmp, path)
    return path


def _keys_plan(manifest: Manifest, keys_dir: Path | None) -> dict[str, str] | None:
    """None when the keys in force are the backup's; the keys to install (demo only) when they
    are in `keys_dir`; otherwise a refusal naming the keys that differ."""
    differ = _key_mismatches(manifest, keys_in_force())
    if not differ:
        return None
    if keys_dir is not None:
        supplied = read_keys_file(keys_dir)
        if _key_mismatches(manifest, supplied):
            raise ValidationFailed("密钥目录中的密钥不是这份备份所用的密钥（指纹不符）")
        if _demo_keys_file() is not None:
            return supplied
    raise ValidationFailed(
        f"当前生效的密钥与备份时不同：{'、'.join(differ)}。"
        "请先在环境变量（如 /etc/jiuzhu/env）中恢复备份时的密钥（见分开保管的 keys.env），再执行恢复"
        "（演示环境：用 --keys-dir 指明密钥目录）；"
        "用其他密钥恢复的数据无法解密，审计链也无法校验。"
    )


def _private_member(member: tarfile.TarInfo, path: str) -> tarfile.TarInfo:
    """tarfile's "data" filter (no absolute paths, no "..", no links out, no devices), and
    every file restored 0600 whatever mode it was archived with."""
    return tarfile.data_filter(member, path).replace(mode=0o600, deep=False)


def _extract(archive: Path, target: Path) -> int:
    _private_dir(target)
    with tarfile.open(archive) as tar:
        members = tar.getmembers()
        tar.extractall(target, filter=_private_member)
    return sum(1 for m in members if m.isfile())


@dataclass
class RestoreReport:
    tables: int
    rows: int
    files: dict[str, tuple[Path, int]]
    keys_installed: Path | None


def backup_restore(
    *, source: Path, keys_dir: Path | None = None, using: str = "default", say: Say = print
) -> RestoreReport:
    """Restore the backup in `source` into the configured database, which must be empty, and
    the configured file directories, which must be empty; then compare rows with the manifest."""
    source = Path(source)
    manifest, problems = backup_check(source)
    if problems:
        raise ValidationFailed("备份不完整，未恢复：" + "；".join(problems))
    vendor = connections[using].vendor
    if vendor != manifest.engine:
        raise ValidationFailed(f"这是{manifest.engine}数据库的备份，不能恢复到{vendor}数据库")
    install = _keys_plan(manifest, keys_dir)
    if not backup_db.database_is_empty(using):
        raise ValidationFailed("目标数据库不是空库：请恢复到新建的空数据库（见运维手册第5节）")
    dirs = {name: path for name, path in file_dirs().items() if name in manifest.files}
    busy = [str(path) for path in dirs.values() if not _is_empty_dir(path)]
    if busy:
        raise ValidationFailed("以下目录不是空目录，未恢复：" + "、".join(busy))

    installed = _install_demo_keys(install) if install is not None else None
    backup_db.restore(source / manifest.database_file, using)
    say("数据库已恢复")
    restored = {}
    for archive, target in dirs.items():
        restored[archive] = (target, _extract(source / archive, target))
        say(f"{archive}：{restored[archive][1]}个文件已恢复到 {target}")
        if manifest.sources.get(archive) not in (None, str(target)):
            say(f"  注意：备份时该目录为 {manifest.sources[archive]}")

    counts, head = backup_db.database_counts(using)
    differ = [
        f"{table}（备份{expected}行，恢复后{counts.get(table)}行）"
        for table, expected in sorted(manifest.tables.items())
        if counts.get(table) != expected
    ]
    if differ:
        raise ValidationFailed("恢复后的行数与备份清单不符：" + "；".join(differ))
    if head != manifest.audit_head:
        raise ValidationFailed("恢复后的审计链头与备份清单不符")
    return RestoreReport(
        tables=len(counts), rows=sum(counts.values()), files=restored, keys_installed=installed
    )

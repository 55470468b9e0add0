"""Files the application writes are readable by its own account only.

The var directory holds the SQLite database, the demo keys, encrypted uploads and attachments,
snapshots and the session cache: nothing in it is for other local users. Every entry point
(`jiuzhu`, `manage.py`, the WSGI module) calls `private_umask()` first, so every file and
directory the process creates afterwards is 0600 / 0700 whatever the login shell's umask;
`ensure_private()` tightens what already exists (a demo created before this rule, a file copied
in by hand) when the settings load. Pure: no Django.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

PRIVATE_UMASK = 0o077
DIR_MODE = 0o700
FILE_MODE = 0o600


def private_umask() -> None:
    """Make everything this process creates from now on private to its user."""
    os.umask(PRIVATE_UMASK)


def _tighten(path: Path, mode: int) -> None:
    current = stat.S_IMODE(path.stat().st_mode)
    if current & 0o077:
        try:
            path.chmod(mode)
        except PermissionError as exc:
            raise RuntimeError(
                f"{path} 可被其他用户读取（权限{current:04o}），且本进程无权修改；"
                f"请以其所有者身份执行 chmod {mode:o} {path}"
            ) from exc


def ensure_private_dir(path: Path) -> None:
    """Create `path` (0700) if missing; take group and other permissions off if present."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    _tighten(path, DIR_MODE)


def ensure_private(var_dir: Path, files: Iterable[Path] = ()) -> None:
    """`var_dir` 0700 and each of `files` that exists 0600 (no group or other access)."""
    ensure_private_dir(var_dir)
    for file in files:
        if file.exists():
            _tighten(file, FILE_MODE)


def write_private(path: Path, data: bytes) -> None:
    """Create `path` with mode 0600 from the start (no moment where another user could read
    it) and write `data`; an existing file is refused, not replaced."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(fd, "wb") as out:
        out.write(data)

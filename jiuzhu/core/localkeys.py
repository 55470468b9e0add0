"""Keys for the embedded demo: generated once into var/keys.json so restarts keep data readable."""

import json
import os
import secrets
from contextlib import contextmanager
from pathlib import Path

from cryptography.fernet import Fernet

from .private_files import ensure_private, write_private

# Keys introduced after the first release: a keys.json written before gains them.
ADDED_LATER = ("audit_key", "audit_anchor_key")


def load_or_create_local_keys(var_dir: Path) -> dict[str, str]:
    """The demo's keys; var/ made 0700 and keys.json created 0600 from its first byte."""
    path = var_dir / "keys.json"
    ensure_private(var_dir, [path])
    if not path.exists():
        keys = {
            "secret_key": secrets.token_urlsafe(50),
            "field_key": Fernet.generate_key().decode(),
            "lookup_key": secrets.token_urlsafe(32),
            **{name: secrets.token_urlsafe(32) for name in ADDED_LATER},
        }
        # written whole under a private temporary name, then linked into place: a process
        # starting at the same moment sees no file or the complete one, and the first wins
        tmp = var_dir / f".keys.{secrets.token_hex(8)}.tmp"
        write_private(tmp, json.dumps(keys).encode())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    keys = json.loads(path.read_text())
    if any(name not in keys for name in ADDED_LATER):
        keys = _add_missing_keys(var_dir, path)
    return keys


def _add_missing_keys(var_dir: Path, path: Path) -> dict[str, str]:
    """keys.json with the keys of ADDED_LATER it lacks, generated and written under a lock: the
    web server and the worker start at the same moment, and two processes each adding its own
    audit key would leave one of them hashing with a key that is not on disk."""
    with _locked(var_dir / ".keys.lock"):
        keys = json.loads(path.read_text())  # again: another process may have added them
        missing = [name for name in ADDED_LATER if name not in keys]
        if missing:
            keys.update({name: secrets.token_urlsafe(32) for name in missing})
            tmp = var_dir / f".keys.{secrets.token_hex(8)}.tmp"
            write_private(tmp, json.dumps(keys).encode())
            os.replace(tmp, path)
    return keys


@contextmanager
def _locked(lock_path: Path):
    """An exclusive lock on `lock_path` (POSIX; released if the process dies)."""
    import fcntl

    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)

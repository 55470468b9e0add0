"""Keys for the embedded demo: generated once into var/keys.json so restarts keep data readable."""

import json
import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet

from .private_files import ensure_private, write_private


def load_or_create_local_keys(var_dir: Path) -> dict[str, str]:
    """The demo's keys; var/ made 0700 and keys.json created 0600 from its first byte."""
    path = var_dir / "keys.json"
    ensure_private(var_dir, [path])
    if not path.exists():
        keys = {
            "secret_key": secrets.token_urlsafe(50),
            "field_key": Fernet.generate_key().decode(),
            "lookup_key": secrets.token_urlsafe(32),
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
    return json.loads(path.read_text())

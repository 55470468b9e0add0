"""Keys for the embedded demo: generated once into var/keys.json so restarts keep data readable."""

import json
import secrets
from pathlib import Path

from cryptography.fernet import Fernet


def load_or_create_local_keys(var_dir: Path) -> dict[str, str]:
    var_dir.mkdir(parents=True, exist_ok=True)
    path = var_dir / "keys.json"
    if path.exists():
        return json.loads(path.read_text())
    keys = {
        "secret_key": secrets.token_urlsafe(50),
        "field_key": Fernet.generate_key().decode(),
        "lookup_key": secrets.token_urlsafe(32),
    }
    path.write_text(json.dumps(keys))
    path.chmod(0o600)
    return keys

"""Embedded default: SQLite under var/, demo keys generated on first run, demo banner."""

from jiuzhu.core.localkeys import load_or_create_local_keys
from jiuzhu.core.private_files import ensure_private

from .base import *  # noqa: F401,F403
from .base import VAR_DIR

DEBUG = False
_keys = load_or_create_local_keys(VAR_DIR)
SECRET_KEY = _keys["secret_key"]
JIUZHU_FIELD_KEY = _keys["field_key"]
JIUZHU_LOOKUP_KEY = _keys["lookup_key"]
JIUZHU_AUDIT_KEY = _keys["audit_key"]
JIUZHU_AUDIT_ANCHOR_KEY = _keys["audit_anchor_key"]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": VAR_DIR / "jiuzhu.sqlite3",
        "OPTIONS": {
            "timeout": 60,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }
}

# var/ 0700, the database (and its WAL files) 0600, whatever an older version or a copy left
ensure_private(VAR_DIR, [VAR_DIR / f"jiuzhu.sqlite3{suffix}" for suffix in ("", "-wal", "-shm")])

JIUZHU_DEMO = True
JIUZHU_REQUIRE_2FA_FOR_COUNTY = False

"""Tests: PostgreSQL when JIUZHU_DB_HOST is set (as in .ci/run), otherwise SQLite."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F401,F403

SECRET_KEY = "test-secret-key-not-for-production-0123456789"
JIUZHU_FIELD_KEY = "kWq1Yc3xq4gHzdD5f8O0l8wqv2n2X5l6Jt1m9b0cQeU="
JIUZHU_LOOKUP_KEY = "test-lookup-key"
JIUZHU_AUDIT_KEY = "test-audit-key-not-for-production"
JIUZHU_AUDIT_ANCHOR_KEY = "test-audit-anchor-key-not-for-production"
JIUZHU_JOBS_INLINE = True
JIUZHU_REQUIRE_2FA_FOR_COUNTY = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A worker started by a test (tests/integration/test_worker.py) shares the test's directory:
# its cache (the jobs' progress), uploads and snapshots.
VAR_DIR = Path(os.environ.get("JIUZHU_TEST_VAR_DIR") or tempfile.mkdtemp(prefix="jiuzhu-test-"))
STATIC_ROOT = VAR_DIR / "staticfiles"
JIUZHU_SNAPSHOT_DIR = VAR_DIR / "snapshots"
JIUZHU_AUDIT_ANCHOR_DIR = VAR_DIR / "audit-anchors"  # each test its own: tests/conftest.py
JIUZHU_DUCKDB_TEMP_DIR = VAR_DIR / "duckdb-tmp"
JIUZHU_CROSSCHECK_MIRROR_DIR = Path(
    os.environ.get("JIUZHU_CROSSCHECK_MIRROR_DIR", VAR_DIR / "crosscheck-mirror")
)
JIUZHU_DUCKDB_MEMORY_LIMIT = "1GB"
STATIC_ROOT.mkdir(exist_ok=True)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache"),
    }
}

if os.environ.get("JIUZHU_DB_HOST"):
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "HOST": os.environ["JIUZHU_DB_HOST"],
            "PORT": os.environ.get("JIUZHU_DB_PORT", "5432"),
            "NAME": os.environ.get("JIUZHU_DB_NAME", "postgres"),
            "USER": os.environ.get("JIUZHU_DB_USER", "jiuzhu"),
            "PASSWORD": os.environ.get("JIUZHU_DB_PASSWORD", ""),
        }
    }
else:
    DATABASES = {
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": VAR_DIR / "test.sqlite3"}
    }

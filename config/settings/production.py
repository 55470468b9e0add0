"""Production: PostgreSQL, keys and secrets from the environment, TLS only, 2FA for county roles.

Start-up is refused (with the reason and how to generate good keys) when a key is missing, short,
of few distinct characters, a value published in this repository, or (the field key) not a Fernet
key: a server running with a guessable key protects nothing."""

import os

from jiuzhu.core.keycheck import production_key_problems, refusal_message
from jiuzhu.core.private_files import ensure_private_dir

from .base import *  # noqa: F401,F403
from .base import VAR_DIR

DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("JIUZHU_ALLOWED_HOSTS", "").split(",") if h]
_key_problems = production_key_problems(dict(os.environ))
if _key_problems:
    raise RuntimeError(refusal_message(_key_problems))

ensure_private_dir(VAR_DIR)  # 0700: encrypted uploads, attachments, snapshots, sessions

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": os.environ.get("JIUZHU_DB_HOST", "localhost"),
        "PORT": os.environ.get("JIUZHU_DB_PORT", "5432"),
        "NAME": os.environ.get("JIUZHU_DB_NAME", "jiuzhu"),
        "USER": os.environ.get("JIUZHU_DB_USER", "jiuzhu"),
        "PASSWORD": os.environ.get("JIUZHU_DB_PASSWORD", ""),
        "CONN_MAX_AGE": 60,
    }
}
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
JIUZHU_REQUIRE_2FA_FOR_COUNTY = os.environ.get("JIUZHU_REQUIRE_2FA", "1") != "0"

# Behind the county's TLS-terminating reverse proxy (nginx): trust its scheme header and origin.
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("JIUZHU_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]
if os.environ.get("JIUZHU_BEHIND_PROXY") == "1":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    JIUZHU_TRUST_X_FORWARDED_FOR = True

# HTTPS only. Plain-HTTP requests are redirected, unless JIUZHU_SSL_REDIRECT=0: for a proxy that
# speaks TLS to the browsers itself and redirects there (it must still send X-Forwarded-Proto).
SECURE_SSL_REDIRECT = os.environ.get("JIUZHU_SSL_REDIRECT", "1") != "0"
# HSTS: browsers use HTTPS only for this host, one year by default (JIUZHU_HSTS_SECONDS; 0 turns
# the header off, e.g. for a first trial of the TLS set-up). Subdomains included unless
# JIUZHU_HSTS_INCLUDE_SUBDOMAINS=0. Preloading is the domain owner's decision, off unless
# JIUZHU_HSTS_PRELOAD=1 (browsers' preload lists cannot be left quickly).
SECURE_HSTS_SECONDS = int(os.environ.get("JIUZHU_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("JIUZHU_HSTS_INCLUDE_SUBDOMAINS", "1") != "0"
SECURE_HSTS_PRELOAD = os.environ.get("JIUZHU_HSTS_PRELOAD", "0") == "1"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"  # URLs with query strings never leave the site
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "security.W021"]  # noqa: F405

"""Production: PostgreSQL, keys and secrets from the environment, TLS cookies, 2FA for county roles."""

import os

from .base import *  # noqa: F401,F403

DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("JIUZHU_ALLOWED_HOSTS", "").split(",") if h]
for _name in ("JIUZHU_SECRET_KEY", "JIUZHU_FIELD_KEY", "JIUZHU_LOOKUP_KEY"):
    if not os.environ.get(_name):
        raise RuntimeError(f"{_name} must be set in production")

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

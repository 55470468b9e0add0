"""Settings shared by every environment. Environment files override only what differs."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("JIUZHU_VAR_DIR", BASE_DIR / "var"))

SECRET_KEY = os.environ.get("JIUZHU_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "jiuzhu.core",
    "jiuzhu.accounts",
    "jiuzhu.regions",
    "jiuzhu.registry",
    "jiuzhu.programmes",
    "jiuzhu.cases",
    "jiuzhu.payments",
    "jiuzhu.crosscheck",
    "jiuzhu.supervision",
    "jiuzhu.disclosure",
    "jiuzhu.desk",
    "jiuzhu.reports",
    "jiuzhu.dashboard",
    "jiuzhu.api",
    "jiuzhu.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "jiuzhu.accounts.middleware.IdleTimeoutMiddleware",
    "jiuzhu.accounts.middleware.RequireSecondFactorMiddleware",
    "jiuzhu.core.middleware.RequestContextMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jiuzhu.accounts.context_processors.site",
            ],
        },
    }
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "desk:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions live in the cache so a long import holding SQLite's write lock never blocks a page.
SESSION_ENGINE = "django.contrib.sessions.backends.cache"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache"),
    }
}

# django-axes: lock an account after repeated failed logins (MLPS level 3).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Axes records the address the audit trail records (X-Forwarded-For only behind a trusted proxy).
AXES_CLIENT_IP_CALLABLE = "jiuzhu.core.middleware.client_ip"
# Per address (jiuzhu.accounts.throttle), beside axes' per account: more than this many failed
# logins from one address within the window refuse every login from it for the cool-off.
JIUZHU_LOGIN_IP_FAILURE_LIMIT = int(os.environ.get("JIUZHU_LOGIN_IP_FAILURE_LIMIT", "30"))
JIUZHU_LOGIN_IP_WINDOW_SECONDS = int(os.environ.get("JIUZHU_LOGIN_IP_WINDOW_SECONDS", "900"))
JIUZHU_LOGIN_IP_COOLOFF_SECONDS = int(os.environ.get("JIUZHU_LOGIN_IP_COOLOFF_SECONDS", "900"))

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns if it is missing
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
]
WHITENOISE_USE_FINDERS = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Jiuzhu settings -------------------------------------------------------------
# Keys for personal data at rest: a Fernet key for ciphertext and an HMAC key for lookup.
JIUZHU_FIELD_KEY = os.environ.get("JIUZHU_FIELD_KEY", "")
JIUZHU_LOOKUP_KEY = os.environ.get("JIUZHU_LOOKUP_KEY", "")
# The audit chain (jiuzhu.core.hashchain): the key of every entry's HMAC and of the head's MAC,
# and a second key that signs the anchors, the chain's head written as files into a directory
# that should live on another disk, machine or a write-once (WORM) share. Neither key is ever
# in the database. See docs/operations.md, section 6.
JIUZHU_AUDIT_KEY = os.environ.get("JIUZHU_AUDIT_KEY", "")
JIUZHU_AUDIT_ANCHOR_KEY = os.environ.get("JIUZHU_AUDIT_ANCHOR_KEY", "")
JIUZHU_AUDIT_ANCHOR_DIR = Path(os.environ.get("JIUZHU_AUDIT_ANCHOR_DIR", VAR_DIR / "audit-anchors"))
# County roles must pass a TOTP second factor unless this is turned off (demo only).
JIUZHU_REQUIRE_2FA_FOR_COUNTY = True
JIUZHU_DEMO = False
JIUZHU_IDLE_TIMEOUT_SECONDS = 30 * 60
# Long jobs (imports, cross-check runs) run in the worker process (`jiuzhu worker`, started
# beside the web server by `jiuzhu serve`), queued in core.JobRun; inline (tests) when True.
JIUZHU_JOBS_INLINE = False
# The modules that register jobs (jiuzhu.core.jobs.job): the worker imports them at start.
JIUZHU_JOB_MODULES = [
    "jiuzhu.registry.import_services",
    "jiuzhu.crosscheck.snapshot_services",
    "jiuzhu.crosscheck.run",
    "jiuzhu.payments.payroll",
    "jiuzhu.dashboard.refresh",
]
# A running job's worker stamps its row every HEARTBEAT seconds; a job not stamped for
# TIMEOUT seconds is failed (its worker died) and what it worked on is released.
JIUZHU_JOB_HEARTBEAT_SECONDS = float(os.environ.get("JIUZHU_JOB_HEARTBEAT_SECONDS", "5"))
JIUZHU_JOB_HEARTBEAT_TIMEOUT_SECONDS = float(
    os.environ.get("JIUZHU_JOB_HEARTBEAT_TIMEOUT_SECONDS", "60")
)
JIUZHU_WORKER_POLL_SECONDS = float(os.environ.get("JIUZHU_WORKER_POLL_SECONDS", "1"))
JIUZHU_PAGE_SIZE = 20
# Take the client IP for the audit trail from X-Forwarded-For (only behind a trusted proxy).
JIUZHU_TRUST_X_FORWARDED_FOR = False
# Cross-checks (issue 4): where registry snapshots (Parquet) live, and DuckDB's limits.
JIUZHU_SNAPSHOT_DIR = Path(os.environ.get("JIUZHU_SNAPSHOT_DIR", VAR_DIR / "snapshots"))
JIUZHU_DUCKDB_MEMORY_LIMIT = os.environ.get("JIUZHU_DUCKDB_MEMORY_LIMIT", "4GB")
JIUZHU_DUCKDB_TEMP_DIR = Path(os.environ.get("JIUZHU_DUCKDB_TEMP_DIR", VAR_DIR / "duckdb-tmp"))
JIUZHU_DUCKDB_THREADS = int(
    os.environ.get("JIUZHU_DUCKDB_THREADS", "0")
)  # 0: cores + 1 (engine.py)
# The runs' copy of persons, households and enrolments, refreshed incrementally (crosscheck.mirror)
JIUZHU_CROSSCHECK_MIRROR_DIR = Path(
    os.environ.get("JIUZHU_CROSSCHECK_MIRROR_DIR", VAR_DIR / "crosscheck-mirror")
)
# Spark (issue 17; optional extra): `jiuzhu crosscheck run --engine spark`. The shared dir is a
# path every executor reaches, or an hdfs:// or s3a:// URI; JIUZHU_SPARK_CONF adds spark.* keys.
JIUZHU_SPARK_MASTER = os.environ.get("JIUZHU_SPARK_MASTER", "local[2]")
JIUZHU_SPARK_SHARED_DIR = os.environ.get("JIUZHU_SPARK_SHARED_DIR", str(VAR_DIR / "spark-shared"))
JIUZHU_SPARK_DRIVER_HOST = os.environ.get("JIUZHU_SPARK_DRIVER_HOST", "127.0.0.1")
JIUZHU_SPARK_DRIVER_MEMORY = os.environ.get("JIUZHU_SPARK_DRIVER_MEMORY", "2g")
JIUZHU_SPARK_EXECUTOR_MEMORY = os.environ.get("JIUZHU_SPARK_EXECUTOR_MEMORY", "2g")
JIUZHU_SPARK_SHUFFLE_PARTITIONS = int(os.environ.get("JIUZHU_SPARK_SHUFFLE_PARTITIONS", "8"))
JIUZHU_SPARK_CONF: dict[str, str] = {}
# Uploads (jiuzhu.core.uploads, the one door in): what one file may cost before it is refused.
JIUZHU_UPLOAD_MAX_BYTES = 50 * 1024 * 1024  # the file as uploaded (an .xlsx compressed)
JIUZHU_UPLOAD_MAX_ZIP_MEMBERS = 1000
JIUZHU_UPLOAD_MAX_MEMBER_BYTES = 400 * 1024 * 1024  # one member of an .xlsx, expanded
JIUZHU_UPLOAD_MAX_UNCOMPRESSED_BYTES = 500 * 1024 * 1024  # all members together, expanded
JIUZHU_UPLOAD_MAX_RATIO = 100  # expanded / compressed, for members over the next size
JIUZHU_UPLOAD_RATIO_MIN_BYTES = 1024 * 1024
JIUZHU_UPLOAD_MAX_ROWS = 200_000  # data rows, when the caller names no limit of its own
JIUZHU_UPLOAD_MAX_COLUMNS = 100
JIUZHU_UPLOAD_MAX_FIELD_CHARS = 32_767  # one CSV field (Excel's limit for a cell)
JIUZHU_UPLOAD_PARSE_MEMORY_MB = 1024  # the parse child's address space (RLIMIT_AS)
JIUZHU_UPLOAD_PARSE_TIMEOUT_SECONDS = 120
JIUZHU_UPLOAD_PARSE_IN_PROCESS = False  # True: parse in the web process, no cap (debugging)
JIUZHU_IMPORT_MAX_ROWS = 200_000  # household import
JIUZHU_SNAPSHOT_MAX_ROWS = 500_000  # registry snapshot import
JIUZHU_SNAPSHOT_MAX_BYTES = 100 * 1024 * 1024
JIUZHU_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024  # a finding's verification attachment

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # no full ID number in any log line (a message or an exception's traceback): masked
    "filters": {"mask_id_numbers": {"()": "jiuzhu.core.logmask.MaskIdNumbers"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_id_numbers"]},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Lock out by account, not by IP: a township office shares one NAT address, and locking the
# address would lock every colleague out at once.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# The public portal (jiuzhu.disclosure, R18): the county it publishes (12-digit code; empty: the
# county with recipients) and the complaint hotline shown on every public page.
JIUZHU_PUBLIC_COUNTY = os.environ.get("JIUZHU_PUBLIC_COUNTY", "")
JIUZHU_PUBLIC_HOTLINE = os.environ.get("JIUZHU_PUBLIC_HOTLINE", "12345")
# How long a village's rendered recipient page is reused (jiuzhu.disclosure.page_cache); 0: off.
JIUZHU_PUBLIC_CACHE_SECONDS = int(os.environ.get("JIUZHU_PUBLIC_CACHE_SECONDS", "30"))

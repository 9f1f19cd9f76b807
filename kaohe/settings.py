"""Kaohe's one settings module, driven by environment variables.

Without settings this is production and refuses to start until SECRET_KEY is set; KAOHE_DEV=1 (as
`make run` does) gives a development instance on embedded SQLite under var/, with debug pages and plain
HTTP. Production sets at least SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL (PostgreSQL); see
docs/operations.md.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("KAOHE_VAR_DIR", BASE_DIR.parent / "var"))


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Production unless development mode is asked for (`make run` and the tests set KAOHE_DEV=1): no debug
# pages, a secret of the operator's own, cookies over HTTPS only and HSTS.
DEV = env_bool("KAOHE_DEV", False)
DEBUG = env_bool("DEBUG", DEV)
DEMO_SECRET_KEY = "kaohe-demo-secret-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY", DEMO_SECRET_KEY if DEV else "")
if not DEV and SECRET_KEY in ("", DEMO_SECRET_KEY):
    raise ImproperlyConfigured(
        "生产环境必须设置 SECRET_KEY 环境变量（不能使用演示密钥）；开发时请设置 KAOHE_DEV=1。"
    )
# Production expects TLS at the proxy; serving plain HTTP must be asked for (`kaohe check --deploy` warns).
PLAIN_HTTP = env_bool("KAOHE_PLAIN_HTTP", DEV)
# The proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated); from any other
# peer the connecting address is the client's. Used by login throttling (kaohe/accounts/throttle.py).
TRUSTED_PROXIES = env_list("KAOHE_TRUSTED_PROXIES", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "kaohe.crypto",
    "kaohe.accounts",
    "kaohe.audit",
    "kaohe.org",
    "kaohe.plans",
    "kaohe.performance",
    "kaohe.surveys",
    "kaohe.ballots",
    "kaohe.results",
    "kaohe.jobs",
    "kaohe.cycle_workbook",
    "kaohe.demo",
    "kaohe.filestore",
    "kaohe.reports",
    "kaohe.feedback",
    "kaohe.integrity",
    "kaohe.interviews",
    "kaohe.records",
    "kaohe.fieldwork",
    "kaohe.dutyreports",
    "kaohe.reviews",
    "kaohe.profiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # The second factor, then the session rules: idle timeout, forced password change (accounts/middleware.py).
    "django_otp.middleware.OTPMiddleware",
    "kaohe.accounts.middleware.SecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "kaohe.urls"
WSGI_APPLICATION = "kaohe.wsgi.application"

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
                "kaohe.accounts.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'kaohe.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Statements bound on the server (the ballot page's, selectors.statement_cursor) are prepared after five
    # runs on a connection; Django's own cursors bind on the client and are unaffected. Behind PgBouncer in
    # transaction mode this needs PgBouncer ≥ 1.21 with max_prepared_statements set.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 5
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL and a busy timeout let the web process and a worker share the embedded database.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "kaohe.accounts.passwords.CharacterClassValidator"},
    {"NAME": "kaohe.accounts.passwords.HistoryValidator"},
]
# 等保 level 3 (GB/T 22239): the kinds of character a password mixes (of lower case, upper case, digits,
# symbols), the days it lasts, how many earlier passwords may not come back, and the minutes of
# inactivity after which a session ends. docs/operations.md.
PASSWORD_MIN_CHARACTER_CLASSES = int(os.environ.get("PASSWORD_MIN_CHARACTER_CLASSES", "3"))
PASSWORD_MAX_AGE_DAYS = int(os.environ.get("PASSWORD_MAX_AGE_DAYS", "90"))
PASSWORD_HISTORY = int(os.environ.get("PASSWORD_HISTORY", "5"))
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT", str(30 * 60)))
# The roles that must sign in with a second factor (TOTP); others may enrol if they wish.
SECOND_FACTOR_ROLES = env_list("SECOND_FACTOR_ROLES", "sysadmin,secadmin,auditadmin,organiser")
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "考核")

# Crypto (kaohe/crypto): "standard" (SHA-256, HMAC-SHA256, AES-256-GCM) or "guomi" (SM3, HMAC-SM3, SM4-GCM)
# for everything written from now on; older records keep verifying under the algorithm they name. Keys
# come from the provider class named here: by default a key file kept outside the database.
CRYPTO_MODE = os.environ.get("CRYPTO_MODE", "standard")
CRYPTO_KEY_PROVIDER = os.environ.get("CRYPTO_KEY_PROVIDER", "kaohe.crypto.keys.KeyFileProvider")
CRYPTO_KEY_FILE = Path(os.environ.get("CRYPTO_KEY_FILE", VAR_DIR / "kaohe.key"))
# Login attempts allowed for one account from one client address in LOGIN_THROTTLE_WINDOW seconds.
LOGIN_THROTTLE_LIMIT = int(os.environ.get("LOGIN_THROTTLE_LIMIT", "5"))
LOGIN_THROTTLE_WINDOW = int(os.environ.get("LOGIN_THROTTLE_WINDOW", "900"))
# Beyond that, an account failing from many addresses is only slowed down, by at most this many seconds.
LOGIN_SLOWDOWN_MAX = float(os.environ.get("LOGIN_SLOWDOWN_MAX", "3"))
# Public surveys (公众评议): the address phones reach, printed on the QR slips (default: the organiser's own),
# and the submissions (open link) or wrong codes allowed per address per survey per hour.
SURVEY_PUBLIC_BASE_URL = os.environ.get("SURVEY_PUBLIC_BASE_URL", "")
SURVEY_RATE_LIMIT = int(os.environ.get("SURVEY_RATE_LIMIT", "20"))
# Democratic evaluation: the address phones reach the ballot page /b/…, printed on the 测评码 slips.
BALLOT_PUBLIC_BASE_URL = os.environ.get("BALLOT_PUBLIC_BASE_URL", "")
# k: the fewest ballots (and interviews) of one rater group shown on their own anywhere in the app; smaller
# groups merge into 其他 (kaohe/rules/disclosure.py). BALLOT_MIN_GROUP is its old name, still read.
MIN_GROUP_SIZE = max(1, int(os.environ.get("MIN_GROUP_SIZE") or os.environ.get("BALLOT_MIN_GROUP") or "3"))

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # Nothing correctness-critical lives in the cache (login throttling is kept in the database).
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR.parent / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"
# Files the app writes (evidence, uploads awaiting a job): local disk, or with FILE_STORAGE=s3 an S3-compatible
# object store every node shares. With FILE_KEY_FILE set (required for s3) each file is sealed with AES-256-GCM
# before it leaves the app (kaohe/filestore/).
FILE_STORAGE = os.environ.get("FILE_STORAGE", "local")
FILE_KEY_FILE = os.environ.get("FILE_KEY_FILE", "")
if FILE_STORAGE == "s3":
    if not FILE_KEY_FILE:
        raise ImproperlyConfigured("FILE_STORAGE=s3 时必须设置 FILE_KEY_FILE：文件在离开本系统前加密。")
    _FILES = {
        "backend": "storages.backends.s3.S3Storage",
        "options": {
            "bucket_name": os.environ.get("S3_BUCKET", "kaohe"),
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY") or None,
            "secret_key": os.environ.get("S3_SECRET_KEY") or None,
            "location": os.environ.get("S3_PREFIX", ""),
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": True,
        },
    }
elif FILE_STORAGE == "local":
    _FILES = {"backend": "django.core.files.storage.FileSystemStorage", "options": {}}
else:
    raise ImproperlyConfigured(f"FILE_STORAGE 只能是 local 或 s3，收到“{FILE_STORAGE}”。")
STORAGES = {
    "default": {"BACKEND": "kaohe.filestore.storage.SealedStorage", "OPTIONS": _FILES},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Long jobs (compute, workbook and roster imports) are queued in the database and run by `kaohe db_worker`
# beside the web processes (docs/operations.md); the tests run them in the request (conftest.py).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# The audit chain's head is copied here at every results seal and daily (`kaohe audit anchor`): a file the
# operator keeps away from the database's administrators (docs/operations.md, 审计日志).
AUDIT_ANCHOR_FILE = Path(os.environ.get("KAOHE_AUDIT_ANCHOR_FILE", VAR_DIR / "audit-anchors.jsonl"))

# Uploads: a roster or a workbook; anything bigger is refused with a message.
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(30 * 1024 * 1024)))
# Evidence files (佐证材料): the most one file may weigh.
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", str(20 * 1024 * 1024)))
# 述职述廉 reports (.docx or .pdf): the most one file may weigh.
DUTY_REPORT_MAX_BYTES = int(os.environ.get("DUTY_REPORT_MAX_BYTES", str(30 * 1024 * 1024)))
# 结果运用: days after the seal within which a flagged result should have its action recorded.
FEEDBACK_ACTION_DAYS = int(os.environ.get("FEEDBACK_ACTION_DAYS", "30"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not PLAIN_HTTP:
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto (docs/operations.md).
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))

# Everything is served by the app itself: nothing from a CDN, no inline scripts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

"""The one settings module. Every value that differs between machines comes from the environment."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from alur.env import (
    database_config,
    env_bool,
    env_int,
    env_list,
    env_networks,
    env_required,
    env_str,
    local_secret_key,
    refuse_unsafe_production,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("ALUR_VAR_DIR") or BASE_DIR / "var")

# "development" (the default: make run, tests) or "production" (strict: secrets required).
ALUR_ENV = env_str("ALUR_ENV", "development")
PRODUCTION = ALUR_ENV == "production"

# Off unless asked for (DEBUG=true): `make run` shows the demo's own error pages in Bahasa
# Indonesia, never Django's debug page (docs/design-notes.md, "Error pages").
DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = (
    env_required("SECRET_KEY")
    if PRODUCTION
    else (env_str("SECRET_KEY") or local_secret_key(VAR_DIR / "secret_key"))
)
# The public address printed in documents' QR codes (https://alur.example.go.id); empty: the
# address the staff member's request came in on.
PUBLIC_URL = env_str("PUBLIC_URL", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Reverse proxies (addresses or networks, comma-separated) whose X-Forwarded-For is believed:
# the client is the right-most entry that is not one of them (alur/core/ratelimit.py). Empty:
# REMOTE_ADDR is the client and X-Forwarded-For is ignored.
ALUR_TRUSTED_PROXIES = env_networks("ALUR_TRUSTED_PROXIES")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",  # pg_trgm lookups of the staff search (a no-op on SQLite)
    "axes",
    "huey.contrib.djhuey",
    "alur.core",
    "alur.org",
    "alur.audit",
    "alur.worktime",
    "alur.sop",
    "alur.workflow",
    "alur.tte",
    "alur.outbox",
    "alur.whatsapp_cloud",
    "alur.whatsapp",
    "alur.intake",
    "alur.letters",
    "alur.complaints",
    "alur.logistics",
    "alur.reports",
    "alur.registry",
    "alur.documents",
    "alur.outreach",
    "alur.survey",
    "alur.chat",
    "alur.front",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "alur.core.middleware.ShortPathMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "alur.core.middleware.SecurityHeadersMiddleware",
    "alur.core.middleware.MethodNotAllowedPageMiddleware",
    "alur.core.middleware.DatabaseUnavailableMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Views that take the short path past the middleware after ShortPathMiddleware (no session,
# user, CSRF or language): machine-to-machine endpoints only.
SHORT_PATH_URL_NAMES = ["whatsapp:webhook"]

ROOT_URLCONF = "alur.urls"
CSRF_FAILURE_VIEW = "alur.front.errors.csrf_failure"
WSGI_APPLICATION = "alur.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "alur" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "alur.front.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": database_config(VAR_DIR / "alur.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "org.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "front:home"
LOGOUT_REDIRECT_URL = "login"

# Failed logins: after AXES_FAILURE_LIMIT failures for one username from one address, that pair
# is locked for AXES_COOLOFF_MINUTES; a success resets the count.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The address is the client's as the trusted proxies report it, not the proxy's own.
AXES_CLIENT_IP_CALLABLE = "alur.core.ratelimit.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia")]
LOCALE_PATHS = [BASE_DIR / "alur" / "locale"]
# Indonesian formats whose first input formats are what date and time inputs show (14:00).
FORMAT_MODULE_PATH = ["alur.front.formats"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise serves from here once collected
# Outside production whitenoise serves the apps' static files as they are (no collectstatic),
# and sees a changed stylesheet without a restart.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

REDIS_URL = env_str("REDIS_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Background work: huey on a SQLite file by default (no broker), on Redis when REDIS_URL is set.
HUEY = (
    {"huey_class": "huey.RedisHuey", "name": "alur", "url": REDIS_URL, "immediate": False}
    if REDIS_URL
    else {
        "huey_class": "huey.SqliteHuey",
        "name": "alur",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": False,
    }
)

# WhatsApp Cloud API (Graph API). Development and tests talk to the local Graph API server
# (`python -m peers.graph_api`), which speaks the same protocol.
WHATSAPP_API_BASE = env_str(
    "WHATSAPP_API_BASE",
    "https://graph.facebook.com/v26.0" if PRODUCTION else "http://127.0.0.1:8765/v26.0",
)
WHATSAPP_ACCESS_TOKEN = env_str("WHATSAPP_ACCESS_TOKEN", "" if PRODUCTION else "dev-token")
WHATSAPP_APP_SECRET = env_str("WHATSAPP_APP_SECRET", "" if PRODUCTION else "dev-app-secret")
WHATSAPP_VERIFY_TOKEN = env_str("WHATSAPP_VERIFY_TOKEN", "" if PRODUCTION else "dev-verify-token")
WHATSAPP_TIMEOUT_SECONDS = env_int("WHATSAPP_TIMEOUT_SECONDS", 10)
# A conversation idle this long starts again from the menu (the citizen is told so).
WHATSAPP_CONVERSATION_IDLE_MINUTES = env_int("WHATSAPP_CONVERSATION_IDLE_MINUTES", 120)
WHATSAPP_MEDIA_MAX_BYTES = env_int("WHATSAPP_MEDIA_MAX_BYTES", 5 * 1024 * 1024)

# The national systems, each behind a port (docs/design-notes.md, "National systems"). An office
# may choose its own backend (`Office.signing_backend`, `registry_backend`, `identity_backend`);
# blank there means these defaults.
# TTE: "local" signs with a PKCS#12 held by Alur (development, offices without BSrE); "bsre" calls
# BSrE's esign client service with the signer's NIK and passphrase (Alur holds no private key).
TTE_BACKEND = env_str("TTE_BACKEND", "local")
BSRE_BASE_URL = env_str("BSRE_BASE_URL", "http://127.0.0.1:8766")
BSRE_USERNAME = env_str("BSRE_USERNAME", "" if PRODUCTION else "esign")
BSRE_PASSWORD = env_str("BSRE_PASSWORD", "" if PRODUCTION else "dev-esign-password")
BSRE_API = env_str("BSRE_API", "v1")  # "v1" (multipart) or "v2" (JSON, base64)
BSRE_TIMEOUT_SECONDS = env_int("BSRE_TIMEOUT_SECONDS", 30)
# Register of record: "standalone" keeps Alur's own register (demo, training); "siak" never makes
# a NIK, No. KK or register number: the operator records the ones SIAK issued and its PDF.
REGISTRY_BACKEND = env_str("REGISTRY_BACKEND", "standalone")
SIAK_URL = env_str("SIAK_URL", "http://127.0.0.1:8767")  # the link operators follow to SIAK
# Identity checks: "standalone" reads the local register; "webservice" asks Dukcapil's data-access
# (hak akses) verification web service.
IDENTITY_BACKEND = env_str("IDENTITY_BACKEND", "standalone")
# The whole URL Dukcapil gives the partner: .../dukcapil/get_json/<instansi>/CALL_VERIFY_BY_ELEMEN.
DUKCAPIL_WS_URL = env_str(
    "DUKCAPIL_WS_URL", "http://127.0.0.1:8767/dukcapil/get_json/ALUR_DEMO/CALL_VERIFY_BY_ELEMEN"
)
DUKCAPIL_WS_USER = env_str("DUKCAPIL_WS_USER", "" if PRODUCTION else "disdukcapil-demo")
DUKCAPIL_WS_PASSWORD = env_str("DUKCAPIL_WS_PASSWORD", "" if PRODUCTION else "dev-ws-password")
DUKCAPIL_WS_THRESHOLD = env_int("DUKCAPIL_WS_THRESHOLD", 90)
DUKCAPIL_WS_TIMEOUT_SECONDS = env_int("DUKCAPIL_WS_TIMEOUT_SECONDS", 10)

# Production refuses to start with a weak key, no allowed hosts or an empty WhatsApp secret (the
# static manifest is checked by alur/core/checks.py, after collectstatic has had its turn).
if PRODUCTION:
    refuse_unsafe_production(
        secret_key=SECRET_KEY,
        allowed_hosts=ALLOWED_HOSTS,
        secrets={
            "WHATSAPP_ACCESS_TOKEN": WHATSAPP_ACCESS_TOKEN,
            "WHATSAPP_APP_SECRET": WHATSAPP_APP_SECRET,
            "WHATSAPP_VERIFY_TOKEN": WHATSAPP_VERIFY_TOKEN,
        },
    )

# E-mail: a hung SMTP server must not outlast the outbox's 5-minute sending lease.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "alur@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        name: {"level": "WARNING"}
        for name in ("axes", "weasyprint", "fontTools", "httpx", "httpcore")
    },
}

# The audit trail (docs/deploy.md, "The audit trail"): signed checkpoints of every chain head
# are appended to AUDIT_CHECKPOINT_DIR (default: MEDIA_ROOT/audit-checkpoints) with a key
# derived from AUDIT_CHECKPOINT_KEY (default: SECRET_KEY); personal values in events older
# than AUDIT_RETENTION_DAYS are blanked by `manage.py audit_redact`. Flushing the audit tables
# (tests' flush) is allowed only outside production.
AUDIT_CHECKPOINT_DIR = env_str("AUDIT_CHECKPOINT_DIR", "")
AUDIT_CHECKPOINT_KEY = env_str("AUDIT_CHECKPOINT_KEY", "")
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 5 * 365)
AUDIT_ALLOW_FLUSH = not PRODUCTION

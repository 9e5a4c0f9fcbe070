"""Bagage settings.

SQLite under var/ is the default so that nothing needs installing; set DATABASE_URL
(postgres://user@host:5432/name) to run on PostgreSQL. Everything a deployment must
change comes from the environment.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("BAGAGE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# Off unless asked: `make run` asks (DEBUG=1) for the local demo; a server left with the default
# never shows Django's debug page, with its settings and stack frames, to whoever breaks a request.
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-local-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "axes",
    "common",
    "sites",
    "accounts",
    "inventory",
    "referrals",
    "distribution",
    "api",
    "web",
    "demo",
    "ops",
    "django_tasks",
    "django_tasks_db",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Right after SecurityMiddleware, as WhiteNoise asks: /static/ is answered before sessions or the database.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "api.middleware.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before anything reads a form: it keeps the raw body's digest (multipart imports included).
    "api.idempotency.IdempotencyMiddleware",
    "common.middleware.NulCharacterMiddleware",
    "common.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "common.middleware.ContentSecurityPolicyMiddleware",
    "api.middleware.ApiJsonErrorMiddleware",
    # Last, as django-axes asks: it turns a login refused for lockout into the 429 answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "web.permissions.navigation",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    # PostgreSQL's planner prices a random page read at 4 sequential ones by default, a model of spinning disks;
    # on SSDs, or with the data in memory, its documentation advises 1.1. At 4 it reads small and middling
    # tables whole where an index answers in a tenth of the time (the referral list's duplicate check: 2.2 ms
    # by sequential scans, 0.2 ms by index at 5,000 referrals). Set for Bagage's connections only; empty: the
    # server's own setting (e.g. behind a pooler that refuses startup options).
    RANDOM_PAGE_COST = os.environ.get("BAGAGE_PG_RANDOM_PAGE_COST", "1.1").strip()
    if RANDOM_PAGE_COST and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        if not re.fullmatch(r"\d{1,6}(\.\d{1,6})?", RANDOM_PAGE_COST):
            raise ImproperlyConfigured(f"BAGAGE_PG_RANDOM_PAGE_COST={RANDOM_PAGE_COST!r}: a number, e.g. 1.1")
        database_options = DATABASES["default"].setdefault("OPTIONS", {})
        startup = database_options.get("options", "")
        if "random_page_cost" not in startup:  # DATABASE_URL's ?options=-c random_page_cost=… wins
            database_options["options"] = f"{startup} -c random_page_cost={RANDOM_PAGE_COST}".strip()
    # Parameters bound by the server, so that the SQL Bagage builds once (common.compiled, api.pagination's pages:
    # the token lookup, the scan, the lists) runs as statements prepared per connection: parsed and planned once,
    # not per request (planning the referral list's page took longer than running it). Nothing else is prepared:
    # a plan made for no value in particular ran the impact report twice as slow. BAGAGE_PG_PREPARED=0 sends
    # every query whole, as Django does by default: behind a pooler that hands each transaction to another server
    # connection without tracking prepared statements (PgBouncer before 1.21 in transaction mode).
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and os.environ.get(
        "BAGAGE_PG_PREPARED", "1"
    ).strip() not in ("0", ""):
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("server_side_binding", True)
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": VAR_DIR / "bagage.sqlite3"}}
if DATABASES["default"]["ENGINE"].endswith((".sqlite3", ".spatialite")):
    # The same safeguards however SQLite is named (the default file, or DATABASE_URL=sqlite:///…/db.sqlite3);
    # an option the URL sets itself wins.
    # IMMEDIATE makes a write transaction take the database lock at BEGIN, so two concurrent reservations
    # queue (for up to `timeout` seconds) instead of failing with "database is locked".
    # WAL lets readers go on while a write commits; synchronous=NORMAL syncs the disk at checkpoints rather
    # than at every commit (durable across a crash of Bagage; a power cut may lose the last commits): a
    # handover commits in ~1 ms instead of ~15.
    _sqlite = DATABASES["default"]
    if _sqlite["ENGINE"] == "django.db.backends.sqlite3":
        # Django's backend, its statements' placeholders converted once per text (common/sqlite3/base.py).
        _sqlite["ENGINE"] = "common.sqlite3"
    for _option, _value in {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }.items():
        _sqlite.setdefault("OPTIONS", {}).setdefault(_option, _value)
    # Connections kept a minute, as with DATABASE_URL: the worker checks its connection between tasks, and
    # closing and reopening a WAL database each time cost more than sending the messages.
    _sqlite.setdefault("CONN_MAX_AGE", 60)
    # Tests use a file too, not Django's in-memory default: in-memory SQLite with threads (live server,
    # concurrency tests) locks whole tables and never waits, unlike the real file.
    if str(_sqlite["NAME"]) != ":memory:":
        _test_name = Path(_sqlite["NAME"]).with_name(f"test-{Path(_sqlite['NAME']).name}")
        _sqlite.setdefault("TEST", {}).setdefault("NAME", _test_name)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = ["accounts.backends.LockoutBackend", "django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A session ends after a working day without a request (each request renews it), not Django's two weeks.
BAGAGE_SESSION_IDLE_HOURS = int(os.environ.get("BAGAGE_SESSION_IDLE_HOURS", "10"))
SESSION_COOKIE_AGE = BAGAGE_SESSION_IDLE_HOURS * 3600
SESSION_SAVE_EVERY_REQUEST = True

LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English dates as in Britain (day-month-year, 24-hour time): config/formats/en/formats.py.
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# WhiteNoise serves what collectstatic gathered (`make serve` runs it), gzip- and brotli-compressed, under
# names that carry a hash of the content: browsers may cache them for ever, a new version has a new name.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    # Receipts are accounting records: their bytes are stored once and never change. Files under var/
    # by default; a deployment points this storage elsewhere (another disk, an object store).
    "receipts": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": os.environ.get("BAGAGE_RECEIPTS_DIR", str(VAR_DIR / "receipts"))},
    },
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "bagage@localhost")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
# EMAIL_URL, when set, says it all at once (dj-email-url): `console:`, `smtp://user:password@host:587/?tls=True`,
# `submission://…` (STARTTLS on 587), or a folder `file:///var/lib/bagage/mail` (one file per message).
EMAIL_URL = os.environ.get("EMAIL_URL", "").strip()
if EMAIL_URL:
    import dj_email_url

    _email = dj_email_url.parse(EMAIL_URL)
    if EMAIL_URL.startswith("file:"):
        _email["EMAIL_FILE_PATH"] = EMAIL_URL.removeprefix("file://") or str(VAR_DIR / "mail")
        _email["EMAIL_BACKEND"] = "notifications.mail.FolderEmailBackend"  # one file per message
    globals().update({key: value for key, value in _email.items() if value is not None})
# SMS to the people who consented: `console:` (the default, `make run`), a folder `file:///path` (one JSON file
# per message), or OVHcloud `ovh://APPLICATION_KEY:APPLICATION_SECRET@ovh-eu/SERVICE?consumer_key=…&sender=…`.
SMS_URL = os.environ.get("SMS_URL", "console:").strip()

# The background worker (django-tasks with its database backend): messages are queued in the database in the
# transaction of their event and sent by `manage.py db_worker` processes (make run starts one; README).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A message that fails for a reason that may pass is tried this many times in all, after 30 s, 2 min, 8 min…
BAGAGE_MESSAGE_ATTEMPTS = int(os.environ.get("BAGAGE_MESSAGE_ATTEMPTS", "5"))
BAGAGE_MESSAGE_RETRY_SECONDS = int(os.environ.get("BAGAGE_MESSAGE_RETRY_SECONDS", "30"))

# Browser protections, on every answer (pages, API, static files), written out although they are Django's
# defaults so that no upgrade or edit drops one unnoticed (tests/security/test_headers.py checks them):
X_FRAME_OPTIONS = "DENY"  # no page inside another site's frame (clickjacking)
SECURE_REFERRER_POLICY = "same-origin"  # a link to elsewhere does not leak a referral's or device's URL
SECURE_CONTENT_TYPE_NOSNIFF = True  # an uploaded file served as text is never run as a script
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"  # a window another site opened cannot reach ours
# Sent with every HTML page (common.middleware): no inline script or style anywhere, everything from here.
BAGAGE_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    # Joining the browsers' HSTS preload list binds the whole domain for months: that is the
    # operator's decision (SECURE_HSTS_PRELOAD=1), not a default to nag about.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- Password guessing ----------------------------------------------------------------------
# django-axes counts failed sign-ins (login page, admin, POST /api/v1/auth/tokens) in the database,
# so every worker sees the same counts (common.lockout.LockoutHandler). The staff of a reception point share
# one public address behind their box, so failures are counted per (account, address) pair: one person's typos
# lock that person at that address for the cool-off, never a colleague. Two wider locks stop the attacks the
# pair alone would let through, both counted within the same cool-off:
# - an address that failed for BAGAGE_LOCKOUT_ACCOUNTS_PER_ADDRESS different accounts is locked for every
#   account (one machine trying many accounts: password spraying, credential stuffing);
# - an account that failed from BAGAGE_LOCKOUT_ADDRESSES_PER_ACCOUNT different addresses is locked from every
#   address (one person's password guessed from many machines).
# The cool-off is short and does not grow with failures during it: anyone may still lock an account on purpose
# from enough addresses, for that long only.
AXES_VERBOSE = False
AXES_FAILURE_LIMIT = int(os.environ.get("BAGAGE_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("BAGAGE_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
BAGAGE_LOCKOUT_ACCOUNTS_PER_ADDRESS = int(os.environ.get("BAGAGE_LOCKOUT_ACCOUNTS_PER_ADDRESS", "10"))
BAGAGE_LOCKOUT_ADDRESSES_PER_ACCOUNT = int(os.environ.get("BAGAGE_LOCKOUT_ADDRESSES_PER_ACCOUNT", "5"))
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "common.lockout.lockout_response"
AXES_HANDLER = "common.lockout.LockoutHandler"
# The client's address: REMOTE_ADDR, unless BAGAGE_PROXY_COUNT trusted proxies stand in front and append
# to X-Forwarded-For (a client writes that header at will, so it is never read otherwise). Axes and the
# API's throttle read it the same way.
BAGAGE_PROXY_COUNT = int(os.environ.get("BAGAGE_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "common.lockout.client_lockout_address"
NINJA_NUM_PROXIES = BAGAGE_PROXY_COUNT
# Issuing tokens is throttled per address (api.throttling.AtomicAnonRateThrottle), counted in the database like
# the limits below, so that concurrent requests on every worker are counted one after another.
BAGAGE_TOKEN_RATE = os.environ.get("BAGAGE_TOKEN_RATE", "10/min")
# Every other API request is counted per token (or signed-in user) and per address (api.throttling.ApiRateThrottle,
# a sliding-window counter in the database): 20 a second per token is more than a person or a scanner sends;
# a reception point's mediators share one public address. Wrong bearer tokens are counted per address apart.
# django-ninja's rates: "N/s", "N/min", "N/h", "N/d"; empty turns a limit off.
BAGAGE_API_RATE_TOKEN = os.environ.get("BAGAGE_API_RATE_TOKEN", "1200/min")
BAGAGE_API_RATE_ADDRESS = os.environ.get("BAGAGE_API_RATE_ADDRESS", "6000/min")
BAGAGE_API_BAD_TOKEN_RATE = os.environ.get("BAGAGE_API_BAD_TOKEN_RATE", "30/min")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# --- Bagage ---------------------------------------------------------------

# Asset tag: site code + type code + two-digit year + sequence, e.g. LYPC26-0042.
BAGAGE_ASSET_TAG_FORMAT = os.environ.get("BAGAGE_ASSET_TAG_FORMAT", "{site}{type}{yy}-{seq:04d}")
# A referral left without an answer (submitted or needs_info) expires after this many days.
BAGAGE_REFERRAL_EXPIRY_DAYS = int(os.environ.get("BAGAGE_REFERRAL_EXPIRY_DAYS", "60"))
# The label stock each site prints on by default; sites not listed use BAGAGE_LABEL_STOCK_DEFAULT.
BAGAGE_LABEL_STOCK_DEFAULT = os.environ.get("BAGAGE_LABEL_STOCK_DEFAULT", "brother_62x29")
BAGAGE_LABEL_STOCK_BY_SITE = {"SD": "zebra_4x2", "LY": "avery_l7163"}
# Labels are stuck on devices at the charity's sites: they speak its language, whoever prints them.
BAGAGE_LABEL_LANGUAGE = os.environ.get("BAGAGE_LABEL_LANGUAGE", "fr")
# The address people reach Bagage at: invitation and password reset links, label QR codes, the notice address
# receipts print. Required with DEBUG off, so that nothing sent or printed cites a local address; `make run`
# (DEBUG=1) and the tests use http://127.0.0.1:8000.
BAGAGE_PUBLIC_URL = os.environ.get("BAGAGE_PUBLIC_URL", "").strip()
if not BAGAGE_PUBLIC_URL:
    if not DEBUG:
        raise ImproperlyConfigured(
            "BAGAGE_PUBLIC_URL must be set when DEBUG is off: the address people reach Bagage at, "
            "e.g. https://bagage.example.org (links in e-mails and receipts use it)."
        )
    BAGAGE_PUBLIC_URL = "http://127.0.0.1:8000"
# Password reset links: how many one account receives in an hour (more requests send nothing, silently), and
# how many requests one address may make in an hour whatever the e-mail (then 429).
BAGAGE_PASSWORD_RESET_PER_ACCOUNT = int(os.environ.get("BAGAGE_PASSWORD_RESET_PER_ACCOUNT", "3"))
BAGAGE_PASSWORD_RESET_PER_ADDRESS = int(os.environ.get("BAGAGE_PASSWORD_RESET_PER_ADDRESS", "10"))
# The charity's SIRET: the `pivot` of its reception points in the national file when a site has none of its own.
BAGAGE_CHARITY_SIRET = os.environ.get("BAGAGE_CHARITY_SIRET", "82904837000011")
# Where `manage.py backup` writes its dated files unless given --output.
BAGAGE_BACKUP_DIR = Path(os.environ.get("BAGAGE_BACKUP_DIR", VAR_DIR / "backups"))

# --- Distribution ---------------------------------------------------------------------------------

# A reserved kit waits on the pickup shelf this many days; then the hold is released.
BAGAGE_HOLD_DAYS = int(os.environ.get("BAGAGE_HOLD_DAYS", "14"))
# Kits missed this many times make the referral a no-show (the first miss puts it back in the queue).
BAGAGE_NO_SHOW_AFTER_MISSES = int(os.environ.get("BAGAGE_NO_SHOW_AFTER_MISSES", "2"))
# Warranty on a refurbished device, from its handover; a repair under warranty extends it.
BAGAGE_WARRANTY_MONTHS = int(os.environ.get("BAGAGE_WARRANTY_MONTHS", "24"))
BAGAGE_REPAIR_EXTENSION_MONTHS = int(os.environ.get("BAGAGE_REPAIR_EXTENSION_MONTHS", "6"))
BAGAGE_WARRANTY_TERMS = {
    "fr": (
        "En cas de panne sous garantie, rapportez l'appareil avec cette attestation à un point d'accueil : "
        "il est réparé ou échangé. La garantie ne couvre pas la casse ni l'oxydation."
    ),
    "en": (
        "If the device fails under warranty, bring it back with this receipt to a reception point: "
        "it is repaired or swapped. The warranty does not cover breakage or water damage."
    ),
}
# Matching: a referral's priority is the days it has waited, plus this bonus when urgent.
BAGAGE_URGENT_BONUS_DAYS = int(os.environ.get("BAGAGE_URGENT_BONUS_DAYS", "30"))
# An allocation plan may be confirmed this long after it was proposed; then stock has moved on.
BAGAGE_PROPOSAL_MINUTES = int(os.environ.get("BAGAGE_PROPOSAL_MINUTES", "60"))
# After their first kit, a person stays in support (connectivity top-ups) this many months.
BAGAGE_SUPPORT_MONTHS = int(os.environ.get("BAGAGE_SUPPORT_MONTHS", "12"))
# Label of the first information notice (referrals.NoticeVersion), seeded by a migration; later versions are
# published by coordinators, and the current one is the latest.
BAGAGE_CONSENT_VERSION = os.environ.get("BAGAGE_CONSENT_VERSION", "2026-01")
# Who keeps the data, as the information notice names it (GDPR art. 13): name, postal address, contact e-mail.
BAGAGE_CHARITY_NAME = os.environ.get("BAGAGE_CHARITY_NAME", "Bagage Solidaire")
BAGAGE_CHARITY_ADDRESS = os.environ.get("BAGAGE_CHARITY_ADDRESS", "12 rue de la République, 93200 Saint-Denis")
BAGAGE_CHARITY_EMAIL = os.environ.get("BAGAGE_CHARITY_EMAIL", "dpo@bagage.example.org")
# How long personal data is kept; the notice quotes these, and the retention jobs apply them.
BAGAGE_RETENTION = {
    # A beneficiary's record, counted from the last handover (or the referral's closing when nothing was handed over).
    "beneficiary_after_last_handover_months": 24,
    # A referral closed without a handover (rejected, cancelled, expired).
    "closed_referral_months": 6,
    # The log of who read a person's details.
    "access_log_months": 12,
    # Handover receipts are accounting records.
    "receipts_years": 10,
}

# --- Impact report ----------------------------------------------------------------------------------
# What one refurbished device given a second life avoids, per year of extra use, by device kind: kg CO2e and kg
# of raw materials (ADEME's study of refurbished products, 2022). Kinds without a factor are counted in the
# report and left out of the avoided totals (the report says which). A deployment may set its own.
BAGAGE_IMPACT_FACTORS = {
    "years_of_extra_use": 1,
    # The reference only (author, title as published, year): pages show it beside the factors, in any language.
    "source": "ADEME, « Évaluation de l'impact environnemental d'un ensemble de produits reconditionnés », 2022",
    "by_kind": {
        "laptop": {"co2e_kg": 27.0, "materials_kg": 127.0},
        "smartphone": {"co2e_kg": 24.6, "materials_kg": 76.9},
    },
}

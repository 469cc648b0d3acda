"""The one settings module. Everything configurable comes from DOCKET_* variables."""

from __future__ import annotations

import datetime
import logging
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from django.utils.csp import CSP

from docket.environment import SettingError, env_bool, env_choice, env_int, env_list, env_path, env_secret, env_str

# Lets admin classes be written as ModelAdmin[Model] for the type checker.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = env_path("DOCKET_DATA_DIR", "./var")
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """The configured key, or one generated once into the data directory."""
    configured = env_secret("DOCKET_SECRET_KEY")
    if configured:
        return configured
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    key = secrets.token_urlsafe(50)
    key_file.touch(mode=0o600)
    key_file.write_text(key, encoding="utf-8")
    return key


SECRET_KEY = _secret_key()
DEBUG = env_bool("DOCKET_DEBUG", False)
ALLOWED_HOSTS = env_list("DOCKET_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DOCKET_CSRF_TRUSTED_ORIGINS", [])


def _database() -> dict[str, Any]:
    url = env_str("DOCKET_DATABASE_URL", f"sqlite:///{DATA_DIR / 'docket.sqlite3'}")
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    except ValueError as error:
        raise SettingError(f"DOCKET_DATABASE_URL is not a usable database URL: {error}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets the web server read while a worker writes; IMMEDIATE makes
        # writers queue for the lock instead of failing with "database is locked".
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    elif config["ENGINE"] == "django.db.backends.postgresql":
        # Parameters travel apart from the SQL, in binary: a letter's PDF goes as its bytes, not as hex
        # text twice its size for the server to parse back (about 0.5 ms a letter queued; issue 15's note).
        config.setdefault("OPTIONS", {}).setdefault("server_side_binding", True)
    else:
        raise SettingError(f"DOCKET_DATABASE_URL: only SQLite and PostgreSQL are supported, not {url!r}")
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "docket.directory",
    "docket.campaigns",
    "docket.requests",
    "docket.mail",
    "docket.documents",
    "docket.publishing",
    "docket.evidence",
    "docket.web",
    "docket.worker",
    "django_htmx",
    "axes",
    "django_tasks_db",
]

# Files in one form: as many as "Start a campaign from letters" takes (docket.letters.learning.MAX_LETTERS).
# More is refused as the form is read, before any view, with a page that says so (docket/web/error_pages.py).
DATA_UPLOAD_MAX_NUMBER_FILES = 200

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A NUL character in a form or an address: a page that says so, not a 500 on PostgreSQL.
    "docket.web.user_errors.RefuseNulCharacters",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # A person's mistake (DocketError) raised by any view becomes an error summary, not a 500.
    "docket.web.user_errors.ShowUserErrors",
    # A password someone else chose (an admin, for a new or locked-out person) is changed before anything else.
    "docket.web.account_pages.ChangeChosenPasswords",
    # Last, as django-axes asks: it locks out repeated failed sign-ins.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("DOCKET_LOGIN_ATTEMPTS", 5, minimum=1)
AXES_COOLOFF_TIME = 1  # hours
# Per account, not per account and address: guesses spread over many addresses
# still count together (the cost: anyone can lock an account for the cool-off).
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes warns that without the address in the lock-out key, rotating user agents or cookies gets more tries;
# keyed by username alone, nothing but the username counts, so the warning does not apply.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "docket.web.locked_out.locked_out"  # a GOV.UK page: for how long, whom to ask
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:dashboard"
SESSION_COOKIE_AGE = 8 * 60 * 60  # a working day
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "docket.web.error_pages.csrf_failure"  # a GOV.UK page saying to reload and try again

ROOT_URLCONF = "docket.urls"
WSGI_APPLICATION = "docket.wsgi.application"

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
                "django.template.context_processors.csp",
                "docket.web.context.workspace",
            ],
        },
    },
]

# The shortest password anyone may have: one's own (the account page, an emailed link) or one given by an admin.
PASSWORD_MIN_LENGTH = 12
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "files"
MEDIA_URL = "/files/"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("DOCKET_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Over HTTPS, browsers are told to come back only over HTTPS for a year.
SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60 if SESSION_COOKIE_SECURE else 0
# Only this site's own files run or load; inline scripts need the page's nonce;
# no plug-ins, no framing, no remote images (a reply's tracking pixel included).
SECURE_CSP: dict[str, list[str]] = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    # The public pages' few inline rules (publishing/base.html): they are cached whole,
    # so a nonce cannot serve them; tests/web/test_security.py checks the hash still fits.
    "style-src": [CSP.SELF, "'sha256-NRr8EktkfVeFgzkZ/GdysUNatkUZ1pbpAdRwRouIkC8='"],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Mail. The SMTP URL is checked here so that a typo stops Docket at start-up.
DOCKET_SMTP_URL = env_secret("DOCKET_SMTP_URL") or "smtp://127.0.0.1:25"
try:
    from docket.mail.channels.smtp import SmtpSettings

    DOCKET_SMTP = SmtpSettings.from_url(DOCKET_SMTP_URL)
except ValueError as error:
    raise SettingError(f"DOCKET_SMTP_URL: {error}") from None
# Django's own mail (password reset links from the Users page) goes to the same server, at once.
MAILERS = {"default": {"BACKEND": "docket.mail.channels.django_email.DocketSmtpBackend"}}
_imap_url = env_secret("DOCKET_IMAP_URL")
try:
    from docket.mail.imap_settings import ImapSettings

    DOCKET_IMAP = ImapSettings.from_url(_imap_url) if _imap_url else None
except ValueError as error:
    raise SettingError(f"DOCKET_IMAP_URL: {error}") from None
DOCKET_PUBLIC_URL = env_str("DOCKET_PUBLIC_URL", "")  # where the exported site will live, for the feed
DOCKET_REPLY_DOMAIN = env_str("DOCKET_REPLY_DOMAIN", "replies.docket.localhost")
DOCKET_REPLY_PREFIX = env_str("DOCKET_REPLY_PREFIX", "reply")
DOCKET_FROM_EMAIL = env_str("DOCKET_FROM_EMAIL", "")  # else the office's own address
DOCKET_SEND_RATE = env_int("DOCKET_SEND_RATE", 60, minimum=0)  # messages a minute; 0: no limit
DOCKET_SEND_MAX_ATTEMPTS = env_int("DOCKET_SEND_MAX_ATTEMPTS", 8, minimum=1)
DOCKET_SEND_LEASE_SECONDS = env_int("DOCKET_SEND_LEASE_SECONDS", 900, minimum=60)
# The mail provider's limits the server of DOCKET_SMTP_URL starts with (0: none); its row in the admin
# (Mail server limits) is made from these the first time and may be changed there; all workers honour it.
DOCKET_SMTP_PER_MINUTE = env_int("DOCKET_SMTP_PER_MINUTE", 0, minimum=0)
DOCKET_SMTP_PER_DAY = env_int("DOCKET_SMTP_PER_DAY", 0, minimum=0)

# Reading attachments: each file is read in a separate process within these limits; one past them is kept
# with its message and marked "too large to read" (docket/documents/bounded.py, extraction.py).
# Attachments kept of one message; the rest are named in its problems and stay in its original file.
DOCKET_MAIL_MAX_ATTACHMENTS = env_int("DOCKET_MAIL_MAX_ATTACHMENTS", 200, minimum=1)
DOCKET_READ_MEMORY_MB = env_int("DOCKET_READ_MEMORY_MB", 1024, minimum=256)
DOCKET_READ_CPU_SECONDS = env_int("DOCKET_READ_CPU_SECONDS", 60, minimum=1)
DOCKET_READ_WALL_SECONDS = env_int("DOCKET_READ_WALL_SECONDS", 120, minimum=1)
DOCKET_READ_MAX_PAGES = env_int("DOCKET_READ_MAX_PAGES", 2000, minimum=1)
DOCKET_READ_MAX_OCR_PAGES = env_int("DOCKET_READ_MAX_OCR_PAGES", 100, minimum=1)
DOCKET_READ_MAX_PIXELS = env_int("DOCKET_READ_MAX_PIXELS", 50_000_000, minimum=1_000_000)
DOCKET_READ_MAX_CELLS = env_int("DOCKET_READ_MAX_CELLS", 1_000_000, minimum=1000)
DOCKET_READ_MAX_UNZIPPED_MB = env_int("DOCKET_READ_MAX_UNZIPPED_MB", 100, minimum=1)
# Of one message: the files unpacked from its ZIP files, all together (a ZIP past what is left is not opened),
# and the text kept of its attachments, all together (the rest is not read, and the request page says so).
DOCKET_READ_MAX_UNPACKED_MB = env_int("DOCKET_READ_MAX_UNPACKED_MB", 100, minimum=1)
DOCKET_READ_MAX_MESSAGE_TEXT_MB = env_int("DOCKET_READ_MAX_MESSAGE_TEXT_MB", 10, minimum=1)
# Importing contacts and recipients from a spreadsheet (docket/spreadsheets.py).
DOCKET_IMPORT_MAX_ROWS = env_int("DOCKET_IMPORT_MAX_ROWS", 100_000, minimum=1)
DOCKET_IMPORT_MAX_COLUMNS = env_int("DOCKET_IMPORT_MAX_COLUMNS", 200, minimum=1)
DOCKET_IMPORT_MAX_CELLS = env_int("DOCKET_IMPORT_MAX_CELLS", 2_000_000, minimum=1)

# Tasks (sending from the workspace, and what the worker schedules) are rows in the database, run by
# `docket worker` (django-tasks-db). The tests keep the immediate backend (tests/conftest.py sets it).
TASKS = {"default": {"BACKEND": env_str("DOCKET_TASK_BACKEND", "django_tasks_db.DatabaseBackend")}}
# The worker's schedule (docket/worker/schedule.py): fetch mail every N minutes when IMAP is set up; chase once
# each working day (England and Wales) at this local time; keep finished task results this many days.
DOCKET_WORKER_POLL_SECONDS = env_int("DOCKET_WORKER_POLL_SECONDS", 5, minimum=1)
DOCKET_FETCH_EVERY_MINUTES = env_int("DOCKET_FETCH_EVERY_MINUTES", 10, minimum=1)


def _time_of_day(name: str, default: str) -> datetime.time:
    raw = env_str(name, default)
    try:
        return datetime.time.fromisoformat(raw)
    except ValueError:
        raise SettingError(f"{name}={raw!r} is not a time of day like 09:30") from None


DOCKET_CHASE_AT = _time_of_day("DOCKET_CHASE_AT", "09:30")
DOCKET_TASK_RESULTS_DAYS = env_int("DOCKET_TASK_RESULTS_DAYS", 14, minimum=1)

LOG_LEVEL = env_choice("DOCKET_LOG_LEVEL", "warning", ("debug", "info", "warning", "error", "critical"))


def _not_a_refusal(record: logging.LogRecord) -> bool:
    """Django logs a refused page (403) with its traceback; docket.web.error_pages logs it as one line instead."""
    return getattr(record, "status_code", None) != 403


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"not_refusals": {"()": "django.utils.log.CallbackFilter", "callback": _not_a_refusal}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"filters": ["not_refusals"]}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL.upper()},
}

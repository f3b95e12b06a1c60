"""Settings: safe defaults for local use, overridden from the environment.

`DATABASE_URL` and `SECRET_KEY` are read as they are; any other setting can be
given as `WT_<NAME>` (e.g. `WT_SESSION_COOKIE_SECURE=true`).
"""
import os
import secrets
import time
from datetime import timedelta
from pathlib import Path


def database_url(instance_path: str) -> str:
    """The database URL from the environment, or SQLite in the instance folder."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return "sqlite:///" + str(Path(instance_path) / "wt_curriculum.sqlite")
    # psycopg 3 is the driver for PostgreSQL; accept the usual short forms.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def secret_key(instance_path: str) -> str:
    """`SECRET_KEY` from the environment, else one generated once and kept in the instance folder."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    path = Path(instance_path) / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: when several workers start at once, exactly one writes the key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    for _ in range(50):  # another worker may be writing it right now
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.02)
    raise RuntimeError(f"{path} is empty: remove it and start again")


class Config:
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # Four-eyes publishing: a change to a published goal or a new framework version takes effect only after a
    # second editor approves it (WT_FOUR_EYES=false turns it off).
    FOUR_EYES = True
    # Cookies: never readable from scripts, not sent on cross-site posts.
    # Set WT_SESSION_COOKIE_SECURE=true (and WT_REMEMBER_COOKIE_SECURE=true) behind HTTPS.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    HSTS_MAX_AGE = 365 * 24 * 60 * 60  # Strict-Transport-Security, sent when SESSION_COOKIE_SECURE is on
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)  # a session ends this long after the login at the latest
    SESSION_IDLE_MINUTES = 120  # ... and when it has not been used for this long
    SESSION_TOUCH_SECONDS = 60  # how often a session's last use is written
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"
    LANGUAGES = ("nl", "en")
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024
    # Login attempts (auth/throttle.py), counted per (account, address) and per address, never per account
    # alone; tiers, so that the wait grows. A successful login forgets its (account, address) count.
    LOGIN_LIMITS_PER_ACCOUNT_AND_ADDRESS = "5/minute;10/15 minutes;20/hour;50/day"
    LOGIN_LIMITS_PER_ADDRESS = "60/minute;300/hour"  # a school's staff may share one address
    RESET_LIMITS_PER_ADDRESS = "5/minute;20/hour"  # asking for a reset link
    THROTTLE_STORAGE_URL = None  # default: REDIS_URL, else the memory of each process
    THROTTLE_KEY_PREFIX = "wt_throttle"
    # Behind a reverse proxy (the TLS proxy the README recommends): how many proxies set X-Forwarded-For and
    # X-Forwarded-Proto, so that the client's own address is used. 0: the headers are ignored (no proxy).
    TRUSTED_PROXIES = 0
    PASSWORD_MIN_LENGTH = 10
    # Roles that must sign in with a second step (TOTP); others may turn it on. Comma-separated in the
    # environment (WT_REQUIRE_2FA_FOR=beheerder,redacteur; empty: nobody must).
    REQUIRE_2FA_FOR = "beheerder,redacteur"
    TOTP_ISSUER = "W&T-curriculum"
    # Sign-in through Entree Federatie / SURFconext (OpenID Connect, auth/oidc.py); off without an issuer.
    OIDC_ISSUER = None  # e.g. https://connect.test.surfconext.nl (discovery: /.well-known/openid-configuration)
    OIDC_CLIENT_ID = None
    OIDC_CLIENT_SECRET = None
    OIDC_NAME = "SURFconext"  # the button says "Log in with <name>"
    OIDC_EMAIL_CLAIM = "email"
    OIDC_SCOPE = "openid email profile"
    RECOVERY_CODES = 10
    # Links to set a new password: one a user asks for lasts this long, one an administrator makes longer
    # (it may be handed over in person). At most one mail per account per interval.
    PASSWORD_RESET_MINUTES = 60
    PASSWORD_RESET_ADMIN_HOURS = 72
    PASSWORD_RESET_MAIL_INTERVAL_MINUTES = 5
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 (a method name, not a password)
    ITEMS_PER_PAGE = 25
    # The task queue (core/queue.py): a SQLite file in the instance folder, or Redis when REDIS_URL is set
    # (redis://host:6379/0), which several machines can share. QUEUE_IMMEDIATE runs every task at once,
    # in the process that sends it (tests of results only).
    REDIS_URL = None
    QUEUE_FILE = None
    QUEUE_NAME = "wt_curriculum"
    QUEUE_IMMEDIATE = False
    # A consumer (`flask worker`) runs this many jobs at once, as threads or processes, at a lower CPU
    # priority than the web server so that pages stay quick while reports are made.
    QUEUE_WORKERS = 1
    QUEUE_WORKER_TYPE = "thread"
    QUEUE_NICE = 10
    # Jobs (core/jobs.py): a running job writes a heartbeat; one silent for JOBS_LEASE_SECONDS is taken to
    # have lost its consumer and is sent again, JOBS_MAX_ATTEMPTS times in all, then marked failed.
    JOBS_HEARTBEAT_SECONDS = 5
    JOBS_LEASE_SECONDS = 120
    JOBS_MAX_ATTEMPTS = 2
    JOBS_PER_USER = 3  # queued or running at once
    JOBS_KEEP_DAYS = 7
    # Made files (report PDFs, job results): a folder in the instance folder, or Redis with REDIS_URL.
    FILE_STORE_FOLDER = None
    FILE_STORE_MAX_FILES = 200
    FILE_STORE_SECONDS = 2 * 24 * 60 * 60
    # Report PDFs about more schools than this are made by the queue, the others in the request;
    # 0: every PDF is made by the queue. The framework PDF always is.
    REPORTS_BACKGROUND_SCHOOLS = 0
    # Imports with more rows than this are done by the queue.
    IMPORTS_BACKGROUND_ROWS = 500
    # Mirroring CASE frameworks (case/addresses.py): the server fetches only http(s) addresses on the public
    # internet; True (WT_CASE_MIRROR_PRIVATE_ADDRESSES) also allows loopback and private networks (a CASE server
    # on the same machine or the school board's own network).
    CASE_MIRROR_PRIVATE_ADDRESSES = False
    # Backups started by an administrator in the web pages (default: instance/backups).
    BACKUP_FOLDER = None
    # Where uploads and import files waiting for confirmation go (default: the instance folder).
    UPLOAD_FOLDER = None
    IMPORT_FOLDER = None
    # The public address (https://wt.example.nl/): links in mails, CASE URIs, OAI identifiers (core/urls.py).
    BASE_URL = None
    # OAI-PMH provider at /oai (wt_curriculum/oai, docs/OAI.md): records per page, how long a resumption token
    # stays valid, the repository's name and the address harvesters may write to (else MAIL_SENDER).
    OAI_PAGE_SIZE = 50
    OAI_TOKEN_SECONDS = 24 * 60 * 60
    OAI_REPOSITORY_NAME = "wt_curriculum: lespakketten wetenschap en technologie"
    OAI_ADMIN_EMAIL = None
    # Outgoing mail (core/mail.py); without MAIL_SERVER nothing is sent.
    MAIL_SERVER = None
    MAIL_PORT = 25
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_SENDER = "noreply@localhost"
    MAIL_SENDER_NAME = "wt_curriculum"
    MAIL_SECURITY = "none"  # starttls, ssl or none
    MAIL_TIMEOUT = 10

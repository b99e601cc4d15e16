"""Application configuration read from the environment."""
import os


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Settings for development and production, each overridable by an environment variable."""

    # "production" makes the app refuse to start without SECRET_KEY and never enables debug.
    APP_ENV = os.environ.get("APP_ENV", "development")
    SECRET_KEY = os.environ.get("SECRET_KEY")  # development: generated once into instance/
    INSTANCE_PATH = os.environ.get("INSTANCE_PATH")  # None: Flask's default instance/ folder
    # None means: a SQLite file in Flask's instance folder (resolved in create_app).
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SQLITE_BUSY_TIMEOUT_MS = int(os.environ.get("SQLITE_BUSY_TIMEOUT_MS", "10000"))

    # Sessions: signed out after this long without a request, and this long after sign-in.
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "60"))
    SESSION_ABSOLUTE_HOURS = int(os.environ.get("SESSION_ABSOLUTE_HOURS", "12"))
    # Sign-in throttling (shared by all workers through the database).
    LOGIN_THROTTLE_WINDOW_SECONDS = int(os.environ.get("LOGIN_THROTTLE_WINDOW_SECONDS", "900"))
    # Failures for one account from one address before that address is refused for the window.
    LOGIN_MAX_FAILURES_PER_ACCOUNT = int(os.environ.get("LOGIN_MAX_FAILURES_PER_ACCOUNT", "5"))
    # Failures from one address (any accounts) after which attempts from it are slowed down.
    LOGIN_MAX_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_MAX_FAILURES_PER_ADDRESS", "20"))
    # A distributed attack: this many failures for one account from at least this many addresses.
    LOGIN_DISTRIBUTED_FAILURES = int(os.environ.get("LOGIN_DISTRIBUTED_FAILURES", "20"))
    LOGIN_DISTRIBUTED_ADDRESSES = int(os.environ.get("LOGIN_DISTRIBUTED_ADDRESSES", "3"))
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(2 * 1024 * 1024)))
    # Evidence files (bukti dukung): the largest file one may attach, in MB (their upload routes only).
    EVIDENCE_MAX_MB = int(os.environ.get("EVIDENCE_MAX_MB", "10"))
    # Comma-separated host names the app answers to (empty: any; in production: the host of BASE_URL).
    TRUSTED_HOSTS = [h.strip() for h in os.environ.get("TRUSTED_HOSTS", "").split(",") if h.strip()] or None
    # Set when behind a reverse proxy (nginx) that sets X-Forwarded-For/-Proto: the number of proxies.
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
    SECURITY_LOG_FILE = os.environ.get("SECURITY_LOG_FILE")
    SEND_FILE_MAX_AGE_DEFAULT = 31536000  # static URLs carry a version, so they can be cached long

    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = os.environ.get("APP_TIMEZONE", "Asia/Makassar")
    LANGUAGES = ("id", "en")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # None: on when BASE_URL is https (resolved in create_app).
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE") if "SESSION_COOKIE_SECURE" in os.environ else None
    # Production refuses a plain-HTTP BASE_URL (other than loopback) unless this is set.
    ALLOW_HTTP = _bool("ALLOW_HTTP")
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_USE_SSL = _bool("MAIL_USE_SSL")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "tindaklanjut@localhost")
    # The display name of the sender when MAIL_DEFAULT_SENDER is a bare address.
    MAIL_SENDER_NAME = os.environ.get("MAIL_SENDER_NAME", "Tindak Lanjut BPSDM Sulbar")

    # Used to build absolute links in emails and share texts.
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    ITEMS_PER_PAGE = 25
    # How long an API write's Idempotency-Key is remembered (a phone's offline queue replays within it).
    IDEMPOTENCY_KEY_HOURS = int(os.environ.get("IDEMPOTENCY_KEY_HOURS", "72"))


class TestConfig(Config):
    """Settings for the test suite: a database URL from TEST_DATABASE_URL, fixed secret."""

    APP_ENV = "testing"
    TESTING = True
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL")
    WTF_CSRF_ENABLED = True

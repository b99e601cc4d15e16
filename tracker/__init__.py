"""Tindak Lanjut: tracking the follow-up actions of the BPSDM Sulawesi Barat webinar series."""
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask

from config import Config

TEMPLATE_FOLDER = Path(__file__).resolve().parent.parent / "templates"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def create_app(config_class: type = Config) -> Flask:
    """Build the application: config, extensions, blueprints, error pages and CLI."""
    app = Flask(
        __name__,
        template_folder=str(TEMPLATE_FOLDER),
        instance_path=getattr(config_class, "INSTANCE_PATH", None),
    )
    app.config.from_object(config_class)
    from tracker.urls import IdConverter

    app.url_map.converters["int"] = IdConverter  # before any route is added
    os.makedirs(app.instance_path, exist_ok=True)
    _resolve_secret_key(app)
    _resolve_database_url(app)
    _resolve_transport(app)
    from tracker.request_body import ChunkedBodyLimit

    app.wsgi_app = ChunkedBodyLimit(app.wsgi_app, app.config)
    if app.config.get("PROXY_COUNT"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    _init_extensions(app)
    _register_blueprints(app)
    _register_helpers(app)
    from tracker import compression

    compression.init_app(app)  # WhiteNoise wraps everything: static files skip the Flask stack
    return app


def _init_extensions(app: Flask) -> None:
    """Bind the database (with the history chain), the transaction boundary, CSRF, sign-in, headers, logging, languages."""
    from tracker import audit, errors, headers, i18n, security, transactions
    from tracker.database import configure_sqlite
    from tracker.extensions import babel, csrf, db, login_manager, migrate
    from tracker.models import integrity
    from tracker.services import search_index

    db.init_app(app)
    search_index.init_app(app)  # the search index is rewritten in the transaction of each change
    transactions.init_app(app)  # first registered, so it runs after every other after_request hook
    migrate.init_app(app, db)
    csrf.init_app(app)
    security.init_login(app, login_manager)
    app.before_request(errors.refuse_nul_bytes)
    headers.init_app(app)
    audit.init_app(app)
    i18n.init_app(app, babel)
    with app.app_context():
        integrity.install(db.engine)  # every history insert gets its place in the item's hash chain
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])


def _register_blueprints(app: Flask) -> None:
    """One blueprint per area of the app."""
    from tracker.views import (
        admin,
        api,
        api_items,  # noqa: F401 - its routes join the `api` blueprint when imported
        api_notifications,  # noqa: F401 - likewise
        auth,
        board,
        calendar,
        dashboard,
        decisions,
        evidence,
        imports,
        items,
        lists,
        main,
        notifications,
        profile,
        pwa,
        reports,
        settings,
        verify,
        webinars,
    )

    for module in (auth, main, admin, settings, profile, webinars, items, evidence, imports, lists, board, dashboard,
                   decisions, reports, calendar, verify, api, pwa, notifications):
        app.register_blueprint(module.bp)


def _register_helpers(app: Flask) -> None:
    """Template helpers, error pages and the flask commands."""
    from tracker import badges, cli, display, errors, import_cli, navigation, permissions, reminders_cli

    permissions.register_template_helpers(app)
    navigation.register(app)
    display.register(app)
    badges.register(app)
    errors.register(app)
    cli.register(app)
    reminders_cli.register(app)
    import_cli.register(app)


def _resolve_secret_key(app: Flask) -> None:
    """Production needs SECRET_KEY from the environment; development keeps one in instance/."""
    if app.config.get("SECRET_KEY"):
        return
    if app.config["APP_ENV"] == "production":
        raise RuntimeError("SECRET_KEY must be set when APP_ENV=production")
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    app.config["SECRET_KEY"] = key_file.read_text().strip()


def _resolve_transport(app: Flask) -> None:
    """Production defaults from BASE_URL: secure cookies over HTTPS, and only its host answered.

    A production app with a plain-HTTP BASE_URL on a non-loopback host refuses to start unless
    ALLOW_HTTP says it is meant (a closed network); session cookies would travel in clear otherwise.
    """
    base = urlsplit(app.config["BASE_URL"])
    if app.config.get("SESSION_COOKIE_SECURE") is None:
        app.config["SESSION_COOKIE_SECURE"] = base.scheme == "https"
    if app.config["APP_ENV"] != "production":
        return
    loopback = base.hostname in LOOPBACK_HOSTS
    if not app.config.get("TRUSTED_HOSTS") and base.hostname:
        # A forged Host header is refused, not reflected; on one's own machine any loopback name.
        app.config["TRUSTED_HOSTS"] = sorted(LOOPBACK_HOSTS) if loopback else [base.hostname]
    if base.scheme != "https" and not loopback and not app.config.get("ALLOW_HTTP"):
        raise RuntimeError(f"BASE_URL {app.config['BASE_URL']} is not https: set an https BASE_URL, "
                           "or ALLOW_HTTP=1 if the app is meant to be served over plain HTTP")


def _resolve_database_url(app: Flask) -> None:
    """Default to a SQLite file in the instance folder; accept postgres:// style URLs."""
    url = app.config.get("SQLALCHEMY_DATABASE_URI")
    if not url:
        url = f"sqlite:///{Path(app.instance_path) / 'tracker.sqlite3'}"
    elif url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgres://")
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    if url.startswith("postgresql"):
        from tracker.database import postgresql_engine_options

        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = postgresql_engine_options(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
    if app.config["APP_ENV"] == "production":
        app.config["DEBUG"] = False

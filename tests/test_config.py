"""Configuration: secret key handling, database defaults and the SQLite engine settings."""
import pytest
from sqlalchemy import event, text

from config import Config
from tracker import create_app
from tracker.extensions import db


def test_production_refuses_to_start_without_secret_key(tmp_path, monkeypatch):
    class Production(Config):
        APP_ENV = "production"
        SECRET_KEY = None
        INSTANCE_PATH = str(tmp_path)
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'p.sqlite3'}"

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(Production)


def test_development_generates_a_secret_key_once_and_keeps_it(tmp_path):
    class Development(Config):
        SECRET_KEY = None
        INSTANCE_PATH = str(tmp_path)

    first = create_app(Development)
    second = create_app(Development)
    assert len(first.config["SECRET_KEY"]) >= 32
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    # The default database is a SQLite file in the instance folder.
    assert first.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'tracker.sqlite3'}"


def test_postgres_urls_use_psycopg(tmp_path):
    class Pg(Config):
        SECRET_KEY = "x"
        INSTANCE_PATH = str(tmp_path)
        SQLALCHEMY_DATABASE_URI = "postgres://u:p@localhost/db"

    app = create_app(Pg)
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")


def test_postgresql_sessions_plan_no_parallel_workers(app):
    # A request's aggregates take a few ms: parallel workers cost more to start than they save (the
    # dashboard's dated counts at 100k: 15.6 ms with them, 8.9 ms without) and take other requests' cores.
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL session settings")
        with db.engine.connect() as connection:
            assert connection.execute(text("SHOW max_parallel_workers_per_gather")).scalar() == "0"


def _sqlite_only(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite engine settings")


def test_sqlite_pragmas_for_a_web_server(app):
    _sqlite_only(app)
    with app.app_context():
        with db.engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
            assert connection.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL


def test_writes_begin_immediate_and_reads_do_not(app, client, users):
    _sqlite_only(app)
    statements = []
    with app.app_context():
        engine = db.engine

    def capture(conn, cursor, statement, *args):
        if statement.startswith("BEGIN"):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", capture)
    try:
        client.login("anggota")  # a POST that writes
        assert "BEGIN IMMEDIATE" in statements
        statements.clear()
        client.get("/profile")  # a read
        assert statements and all(statement == "BEGIN" for statement in statements)
    finally:
        event.remove(engine, "before_cursor_execute", capture)


def _production(tmp_path, base_url: str, **settings) -> type:
    attributes = {"APP_ENV": "production", "SECRET_KEY": "x" * 32, "INSTANCE_PATH": str(tmp_path),
                  "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite3'}", "BASE_URL": base_url,
                  "SESSION_COOKIE_SECURE": None, "TRUSTED_HOSTS": None, "ALLOW_HTTP": False}
    attributes.update(settings)
    return type("Production", (Config,), attributes)


def test_https_base_url_makes_cookies_secure_and_answers_only_its_host(tmp_path):
    app = create_app(_production(tmp_path, "https://tindaklanjut.sulbarprov.go.id"))
    assert app.config["SESSION_COOKIE_SECURE"] is True
    client = app.test_client()
    assert client.get("/healthz", base_url="https://evil.example").status_code == 400  # forged Host refused
    assert client.get("/login", base_url="https://tindaklanjut.sulbarprov.go.id").status_code == 200
    cookie = client.get("/login", base_url="https://tindaklanjut.sulbarprov.go.id").headers.get("Set-Cookie", "")
    assert "Secure" in cookie


def test_production_refuses_a_plain_http_base_url_unless_told(tmp_path):
    with pytest.raises(RuntimeError, match="ALLOW_HTTP"):
        create_app(_production(tmp_path, "http://tindaklanjut.sulbarprov.go.id"))
    app = create_app(_production(tmp_path, "http://tindaklanjut.sulbarprov.go.id", ALLOW_HTTP=True))
    assert app.config["SESSION_COOKIE_SECURE"] is False
    # Loopback (a trial of `make serve` on one's own machine) is not exposed, so it starts.
    assert "localhost" in create_app(_production(tmp_path, "http://127.0.0.1:8000")).config["TRUSTED_HOSTS"]


def test_an_explicit_cookie_setting_wins(tmp_path):
    app = create_app(_production(tmp_path, "https://tl.example.go.id", SESSION_COOKIE_SECURE=False))
    assert app.config["SESSION_COOKIE_SECURE"] is False

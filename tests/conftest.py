"""Fixtures: a fresh app and an empty database (SQLite by default, PostgreSQL via TEST_DATABASE_URL)."""
import functools
import os
import re

import pytest
from sqlalchemy import create_engine, make_url, text
from werkzeug.security import generate_password_hash

from config import TestConfig
from tracker import create_app
from tracker.extensions import db
from tracker.models import Role, User
from tracker.models.search import create_statements as search_structures
from tracker.models.search import drop_statements as search_drop_statements
from tracker.models.tallies import create_statements as tally_triggers
from tracker.services.reference import ensure_themes, ensure_units

PASSWORD = "rahasia-uji-123"
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, worker_id):
    """SQLite in a temp folder, or TEST_DATABASE_URL; each xdist worker gets a database of its own."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    if worker_id == "master":
        return url
    return _worker_database(url, worker_id)


def _worker_database(url: str, worker_id: str) -> str:
    """Create (or empty) `<database>_<worker>` next to the configured PostgreSQL database."""
    base = make_url(url)
    worker_url = base.set(database=f"{base.database}_{worker_id}")
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{worker_url.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{worker_url.database}"'))
    engine.dispose()
    return worker_url.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def config_class(database_url, tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        INSTANCE_PATH = str(instance)

    return Config


@pytest.fixture(scope="session")
def _schema(config_class):
    """Create the tables once per test session (tests of the migrations use their own database)."""
    app = create_app(config_class)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":  # SQLite's virtual search tables are not models
            with db.engine.begin() as connection:
                for statement in search_drop_statements("sqlite"):
                    connection.exec_driver_sql(statement)
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.create_all()
        with db.engine.begin() as connection:  # the tally triggers and search structures: their migrations' DDL
            for statement in [*tally_triggers(connection.dialect.name), *search_structures(connection.dialect.name)]:
                connection.exec_driver_sql(statement)
        db.engine.dispose()
    return True


def _empty_all_tables() -> None:
    tables = [table.name for table in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(text(f"DELETE FROM {table}"))
    db.session.commit()


@pytest.fixture()
def app(config_class, _schema):
    """A fresh application with empty tables plus the seven themes and common units."""
    app = create_app(config_class)
    with app.app_context():
        _empty_all_tables()
        ensure_themes()
        ensure_units()
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture()
def db_ctx(app):
    """Open a short app context to arrange or inspect rows: `with db_ctx(): ...`.

    Never keep one open around client requests: Flask would reuse it, and its `g`
    (the signed-in user, the CSRF token) would leak from one request into the next.
    """
    return app.app_context


class Client:
    """A test client that knows how to sign in and how to send a form with its CSRF token."""

    def __init__(self, flask_client):
        self.http = flask_client

    def __getattr__(self, name):
        return getattr(self.http, name)

    def csrf_token(self, url: str = "/login") -> str:
        page = self.http.get(url)
        match = CSRF_RE.search(page.get_data(as_text=True))
        assert match, f"no CSRF token on {url} (status {page.status_code})"
        return match.group(1)

    def login(self, username: str, password: str = PASSWORD, next_url: str | None = None):
        token = self.csrf_token("/login")
        url = "/login" + (f"?next={next_url}" if next_url else "")
        return self.http.post(url, data={"username": username, "password": password, "csrf_token": token})

    def submit(self, url: str, data: dict | None = None, token_from: str | None = None, **kwargs):
        """POST a form with a valid CSRF token taken from a page of this session."""
        payload = dict(data or {})
        payload["csrf_token"] = self.csrf_token(token_from or "/profile")
        return self.http.post(url, data=payload, **kwargs)

    def logout(self):
        return self.submit("/logout")


@pytest.fixture()
def client(app):
    return Client(app.test_client())


@pytest.fixture()
def make_client(app):
    """Several independent browsers (separate cookie jars) on the same app."""
    return lambda: Client(app.test_client())


TEST_ACCOUNTS = [
    ("admin", "Admin Uji", Role.ADMIN),
    ("kepala", "Kepala Uji", Role.HEAD),
    ("anggota", "Anggota Uji", Role.MEMBER),
    ("anggota2", "Anggota Dua", Role.MEMBER),
    ("pemantau", "Pemantau Uji", Role.VIEWER),
]


@functools.cache
def _password_hash() -> str:
    """scrypt is slow on purpose; hash the shared test password once per run."""
    return generate_password_hash(PASSWORD, method="scrypt")


def add_user(username: str, full_name: str, role: Role, **fields) -> User:
    user = User(username=username, full_name=full_name, role=role, password_hash=_password_hash(), **fields)
    db.session.add(user)
    db.session.flush()
    return user


@pytest.fixture()
def users(app):
    """One account per role, all with PASSWORD: admin, kepala, anggota, anggota2, pemantau."""
    with app.app_context():
        created = [add_user(*account) for account in TEST_ACCOUNTS]
        db.session.commit()
        return {user.username: user.id for user in created}


def get_user(username: str) -> User:
    return db.session.scalar(db.select(User).where(User.username == username))


def add_webinar(series: int = 28, title: str = "Transformasi Agile Government", **fields):
    """Insert a webinar (inside an app context)."""
    from datetime import date

    from tracker.models import Webinar

    webinar = Webinar(series=series, title=title, held_on=fields.pop("held_on", date(2023, 12, 18)), **fields)
    db.session.add(webinar)
    db.session.flush()
    return webinar


def add_item(webinar, owner=None, *, status=None, actor=None, supporters=(), **fields):
    """Insert an item through the items service (code, history), then force a status if given.

    Forcing the status skips the workflow on purpose: tests arrange a starting point quickly.
    """
    from tracker.models import Status, utcnow
    from tracker.services.items import create_item

    fields.setdefault("title", "Tindak lanjut uji")
    item = create_item(webinar, None, owner=owner, supporters=supporters, **fields)
    if status is not None:
        item.status = Status(status)
        if item.status in (Status.DONE, Status.VERIFIED):
            item.completed_at = utcnow()
        db.session.flush()
    return item


@pytest.fixture()
def sample(app, users):
    """Webinar Seri 28 with three items: ids of the webinar and items.

    S28-01 owned by anggota (dikerjakan, anggota2 supports), S28-02 owned by anggota2 (baru),
    S28-03 owned by anggota (selesai, with evidence).
    """
    from datetime import timedelta

    from tracker.models import Status
    from tracker.timeutil import local_today

    with app.app_context():
        anggota, anggota2 = db.session.get(User, users["anggota"]), db.session.get(User, users["anggota2"])
        webinar = add_webinar()
        today = local_today()
        first = add_item(webinar, anggota, status=Status.IN_PROGRESS, supporters=[anggota2],
                         title="Kajian regulasi", due_date=today + timedelta(days=3))
        second = add_item(webinar, anggota2, title="Pelatihan literasi digital", due_date=today - timedelta(days=2))
        third = add_item(webinar, anggota, status=Status.DONE, title="Pola karier",
                         evidence_url="https://example.go.id/bukti", due_date=today + timedelta(days=20))
        db.session.commit()
        return {"webinar": webinar.id, "item1": first.id, "item2": second.id, "item3": third.id}


@pytest.fixture()
def count_queries(app):
    """Count SQL statements run while a block executes: `with count_queries() as counter: ...`."""
    import contextlib

    from sqlalchemy import event

    with app.app_context():
        engine = db.engine

    @contextlib.contextmanager
    def counting():
        statements = []

        def before_cursor_execute(conn, cursor, statement, *args):
            if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE", "PRAGMA")):
                statements.append(statement)

        event.listen(engine, "before_cursor_execute", before_cursor_execute)
        try:
            yield statements
        finally:
            event.remove(engine, "before_cursor_execute", before_cursor_execute)

    return counting


@pytest.fixture()
def migrated_sqlite(config_class, tmp_path, database_url):
    """A SQLite app whose schema comes from the migrations (indexes as the migrations write them),
    for tests that read SQLite's query plans."""
    if not database_url.startswith("sqlite"):
        pytest.skip("query plans are read from SQLite here")
    from flask_migrate import upgrade

    class Config(config_class):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'plan.sqlite3'}"

    app = create_app(Config)
    with app.app_context():
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()

"""Migrations: one head, they build the schema from nothing, and they match the models."""
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.engine import make_url

from tracker import create_app
from tracker.extensions import db, migrate
from tracker.models import Theme
from tracker.models.search import include_name


@pytest.fixture()
def empty_database_url(database_url, tmp_path):
    """A brand-new empty database of the same kind as the suite's."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    name = f"{url.database}_mig_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture()
def migration_app(config_class, empty_database_url):
    class Config(config_class):
        SQLALCHEMY_DATABASE_URI = empty_database_url

    app = create_app(Config)
    yield app
    with app.app_context():
        db.engine.dispose()


def test_single_head(migration_app):
    with migration_app.app_context():
        script = ScriptDirectory.from_config(migrate.get_config())
        assert len(script.get_heads()) == 1


def test_upgrade_from_empty_matches_the_models(migration_app):
    with migration_app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True, "include_name": include_name})
            differences = compare_metadata(context, db.metadata)
        assert differences == []
        themes = db.session.scalars(select(Theme.name).order_by(Theme.sort_order)).all()
        assert len(themes) == 7 and themes[0] == "Kerangka regulasi"


def test_downgrade_to_base_and_back(migration_app):
    with migration_app.app_context():
        upgrade()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert "action_items" in inspect(db.engine).get_table_names()


BEFORE_CHAIN = "c4a8e1f27d36"  # the revision before the history chain and report fingerprints


def _rows_before_the_chain() -> None:
    """Two items whose history rows interleave by id, and a frozen report, written as the old schema stood."""
    from sqlalchemy import JSON, column, insert, table

    moment = "2024-01-02 03:04:05.000006"
    with db.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO users (id, username, full_name, role, password_hash, active, language, reminders_enabled, "
            "created_at, session_token) VALUES (1, 'kepala', 'Kepala', 'head', 'x', true, 'id', true, :at, 't')"),
            {"at": moment})
        connection.execute(text(
            "INSERT INTO webinars (id, series, title, held_on, last_item_number, created_at, updated_at) "
            "VALUES (1, 28, 'Seri 28', '2023-12-18', 2, :at, :at)"), {"at": moment})
        for number in (1, 2):
            connection.execute(text(
                "INSERT INTO action_items (id, webinar_id, number, code, title, priority, progress, status, "
                "created_at, updated_at, version) VALUES (:n, 1, :n, :code, 'Judul', 'sedang', 0, 'baru', :at, :at, 1)"),
                {"n": number, "code": f"S28-0{number}", "at": moment})
        for row_id, item_id, kind, note in ((1, 1, "created", None), (2, 2, "created", None), (3, 1, "comment", "a"),
                                            (4, 2, "comment", "b"), (5, 1, "comment", "c")):
            connection.execute(text(
                "INSERT INTO item_history (id, item_id, actor_id, created_at, kind, item_version, note) "
                "VALUES (:id, :item, 1, :at, :kind, 1, :note)"),
                {"id": row_id, "item": item_id, "at": moment, "kind": kind, "note": note})
        snapshots = table("report_snapshots", *(column(name) for name in ("id", "number", "title", "created_at")),
                          column("scope", JSON), column("data", JSON))
        connection.execute(insert(snapshots).values(
            id=1, number="800/TL/001/I/2024", title="Laporan", scope={"period": "all"}, created_at=moment,
            data={"date": "2024-01-02", "signer": {"name": "Kepala", "position": "Kepala BPSDM"}, "rows": []}))


def test_the_chain_migration_fills_existing_rows(migration_app):
    from tracker.models import ItemHistory, ReportSnapshot
    from tracker.models.integrity import GENESIS, history_row_hash, snapshot_fingerprint
    from tracker.services.history_check import verify_history

    with migration_app.app_context():
        upgrade(revision=BEFORE_CHAIN)
        _rows_before_the_chain()
        upgrade()
        rows = db.session.scalars(select(ItemHistory).order_by(ItemHistory.id)).all()
        by_id = {row.id: row for row in rows}
        for row_id, previous in ((1, None), (2, None), (3, 1), (4, 2), (5, 3)):  # per item, in id order
            row = by_id[row_id]
            assert row.prev_hash == (by_id[previous].row_hash if previous else GENESIS)
            content = {name: getattr(row, name) for name in ItemHistory.__table__.columns.keys()}
            assert row.row_hash == history_row_hash(content, row.prev_hash)
        report = verify_history()
        assert report.intact and (report.items, report.rows) == (2, 5)
        snapshot = db.session.get(ReportSnapshot, 1)
        assert snapshot.fingerprint == snapshot_fingerprint(snapshot.number, snapshot.title, snapshot.scope,
                                                            snapshot.data, snapshot.created_at)
        assert len(snapshot.verification_code) == 22
        code = snapshot.verification_code
        db.session.remove()
    page = migration_app.test_client().get(f"/verify/{code}").get_data(as_text=True)
    assert "Asli" in page and "800/TL/001/I/2024" in page
    with migration_app.app_context():
        downgrade(revision=BEFORE_CHAIN)
        assert "row_hash" not in {column["name"] for column in inspect(db.engine).get_columns("item_history")}

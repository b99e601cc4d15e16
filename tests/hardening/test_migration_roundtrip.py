"""M1: on a populated database, downgrading to the first revision and upgrading back to head keeps
every row of every table that exists at the first revision.

Why not `downgrade base`: at base there are no tables, so every row is gone by design; what can be
promised is that each step between real schemas keeps the data the older schema can hold. The first
revision (d183653f6c26) is the oldest such schema. Tables created later (tokens, settings,
snapshots...) are dropped on the way down by design and come back empty; columns added later come
back NULL, which the app handles (checked by opening pages on the upgraded database).
"""
import hashlib
import uuid
from datetime import timedelta

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import MetaData, create_engine, select, text
from sqlalchemy.engine import make_url

from tests.conftest import Client, add_user
from tracker import create_app
from tracker.extensions import db
from tracker.models import ActionItem, Role, User, Webinar
from tracker.models.search import NATIVE_TABLE_PREFIXES
from tracker.services.deadline_extensions import request_extension
from tracker.services.demo import seed_demo
from tracker.services.history_check import verify_history
from tracker.services.items import add_comment, create_item, update_item
from tracker.services.workflow import change_status
from tracker.timeutil import local_today

pytestmark = pytest.mark.slow

FIRST = "d183653f6c26"
ADDED_LATER = {"item_history": {"item_version", "old_label", "new_label"}}


@pytest.fixture()
def migration_app(config_class, database_url, tmp_path):
    url = make_url(database_url)
    admin = None
    if url.get_backend_name() == "sqlite":
        target = f"sqlite:///{tmp_path / 'roundtrip.sqlite3'}"
    else:
        name = f"{url.database}_m1_{uuid.uuid4().hex[:8]}"
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        target = url.set(database=name).render_as_string(hide_password=False)

    class Config(config_class):
        SQLALCHEMY_DATABASE_URI = target

    app = create_app(Config)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if admin is not None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _populate(items: int = 300) -> None:
    """The demo plus a few hundred items, each with edits, a comment and a status change."""
    seed_demo()
    head = add_user("kepala_m1", "Kepala M1", Role.HEAD)
    member = add_user("anggota_m1", "Anggota M1", Role.MEMBER)
    webinar = db.session.scalar(select(Webinar).order_by(Webinar.series.desc()))
    for number in range(items):
        item = create_item(webinar, head, owner_id=member.id, title=f"Tindak lanjut massal {number}",
                           due_date=local_today() + timedelta(days=number % 40), supporters=[head])
        db.session.flush()
        update_item(item, head, version=item.version, progress=number % 100, title=f"Massal {number} (ubah)")
        add_comment(item, member, f"Catatan {number}")
        change_status(item, member, "dikerjakan", version=item.version)
        if number % 15 == 0:
            request_extension(item, member, item.due_date + timedelta(days=30), f"Alasan {number}")
    db.session.commit()


def _tables() -> dict:
    """Every table's rows as {column: value} dicts, in primary-key order."""
    metadata = MetaData()
    metadata.reflect(db.engine)
    result = {}
    with db.engine.connect() as connection:
        for table in metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            rows = connection.execute(select(table).order_by(*order)).mappings().all()
            result[table.name] = [dict(row) for row in rows]
    return result


def _checksum(rows: list[dict], columns) -> str:
    return hashlib.sha256(repr([[row[c] for c in sorted(columns)] for row in rows]).encode()).hexdigest()


def test_downgrade_to_first_revision_and_back_keeps_every_row(migration_app):
    app = migration_app
    with app.app_context():
        upgrade()
        _populate()
        at_head = _tables()
        downgrade(revision=FIRST)
        assert db.session.execute(text("SELECT version_num FROM alembic_version")).scalar() == FIRST
        db.session.remove()  # end that read before reading with other connections
        at_first = _tables()
        upgrade()
        back_at_head = _tables()
        chains = verify_history()  # the chain migration hashed every row again, per item in id order
        items = db.session.scalar(select(db.func.count(ActionItem.id)))
        head_id = db.session.scalar(select(User.id).where(User.username == "kepala_m1"))
        db.session.remove()

    kept = sorted(set(at_first) - {"alembic_version"})
    assert {"action_items", "item_history", "comments", "users", "webinars", "item_supporters"} <= set(kept)
    report = {}
    for name in kept:
        columns = set(at_first[name][0]) if at_first[name] else set()
        assert len(at_first[name]) == len(at_head[name]) == len(back_at_head[name]), name
        assert _checksum(at_first[name], columns) == _checksum(at_head[name], columns), name
        assert _checksum(back_at_head[name], columns) == _checksum(at_head[name], columns), name
        report[name] = len(at_head[name])
    for name, columns in ADDED_LATER.items():  # the later columns come back, empty
        assert all(row[column] is None for row in back_at_head[name] for column in columns)
        assert any(row[column] is not None for row in at_head[name] for column in columns)
    derived = {"item_tallies", "item_search", "search_words"}  # rebuilt from the items by their migrations
    for name in set(at_head) - set(at_first) - derived:  # added later: dropped on the way down, back empty
        if not name.startswith(NATIVE_TABLE_PREFIXES):  # SQLite's FTS5 tables of the search index
            assert back_at_head[name] == []
    # The search index is written again by its migration: the same documents, the same words and counts.
    assert back_at_head["item_search"] == at_head["item_search"]
    words = lambda rows: sorted((row["word"], row["n"]) for row in rows)  # noqa: E731
    assert words(back_at_head["search_words"]) == words(at_head["search_words"])
    # The tallies are derived from the items: the migration counts them again, to the same numbers.
    counted = lambda rows: sorted(str(row) for row in rows if row["n"])  # noqa: E731 (rows at 0 may stay)
    assert counted(back_at_head["item_tallies"]) == counted(at_head["item_tallies"])
    assert chains.intact and chains.rows == report["item_history"], chains.first_break
    print(f"\nM1 rows kept per table: {report}")
    assert items >= 300 and report["item_history"] >= 1200 and report["extension_requests"] >= 20

    # The upgraded database works: pages of items whose history predates the later columns.
    with app.app_context():
        user = db.session.get(User, head_id)
        user.set_password("rahasia-uji-123")
        db.session.commit()
        first_item = db.session.scalar(select(ActionItem.id).order_by(ActionItem.id.desc()))
        db.session.remove()
    client = Client(app.test_client())
    assert client.login("kepala_m1").status_code == 302
    for url in (f"/items/{first_item}", "/dashboard", "/items", "/webinars", "/reports/view"):
        response = client.get(url)
        assert response.status_code == 200, url

"""flask backup / flask restore: a round trip taken while writes are running."""
import threading
import time
import uuid

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from tracker import create_app
from tracker.extensions import db
from tracker.models import ActionItem, Comment, User
from tracker.services.items import add_comment


def _writer(config_class, item_id, user_id, stop: threading.Event, written: list):
    """Another process's worth of writes: comments, one committed transaction each."""
    app = create_app(config_class)
    with app.app_context():
        while not stop.is_set():
            item, user = db.session.get(ActionItem, item_id), db.session.get(User, user_id)
            add_comment(item, user, f"catatan {len(written)}")
            db.session.commit()
            written.append(1)
            time.sleep(0.005)
        db.engine.dispose()


def _fresh_database(database_url, tmp_path):
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return f"sqlite:///{tmp_path / 'restored.sqlite3'}", None
    name = f"{url.database}_restore_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    return url.set(database=name).render_as_string(hide_password=False), (admin, name)


def test_backup_while_writing_then_restore(app, config_class, users, sample, tmp_path, database_url):
    stop, written = threading.Event(), []
    thread = threading.Thread(target=_writer, args=(config_class, sample["item1"], users["anggota"], stop, written))
    thread.start()
    try:
        while len(written) < 20:
            time.sleep(0.01)
        with app.app_context():
            before = db.session.scalar(select(func.count(Comment.id)))
        target = tmp_path / "backup.bin"
        result = app.test_cli_runner().invoke(args=["backup", "--output", str(target)])
        assert result.exit_code == 0, result.output
        written_at_backup = len(written)
        deadline = time.monotonic() + 30
        while len(written) < written_at_backup + 5 and time.monotonic() < deadline:
            time.sleep(0.01)  # let the writer go on after the backup, too
    finally:
        stop.set()
        thread.join(timeout=30)
    with app.app_context():
        after = db.session.scalar(select(func.count(Comment.id)))
    assert after > before  # writes went on around the backup

    restored_url, cleanup = _fresh_database(database_url, tmp_path)
    try:
        class Restored(config_class):
            SQLALCHEMY_DATABASE_URI = restored_url

        restored_app = create_app(Restored)
        result = restored_app.test_cli_runner().invoke(args=["restore", str(target), "--yes"])
        assert result.exit_code == 0, result.output
        with restored_app.app_context():
            comments = db.session.scalar(select(func.count(Comment.id)))
            assert before <= comments <= after  # a consistent moment between the two counts
            assert db.session.scalar(select(func.count(User.id))) == len(users)
            codes = db.session.scalars(select(ActionItem.code).order_by(ActionItem.code)).all()
            assert codes == ["S28-01", "S28-02", "S28-03"]
            if db.engine.dialect.name == "sqlite":
                assert db.session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            db.engine.dispose()
    finally:
        if cleanup:
            admin, name = cleanup
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def test_restore_refuses_a_missing_file(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["restore", str(tmp_path / "nope.sqlite3"), "--yes"])
    assert result.exit_code != 0

"""flask backup / flask restore: a round trip taken while writes are running, evidence files included."""
import hashlib
import io
import threading
import time
import uuid

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from werkzeug.datastructures import FileStorage

from tests import evidence_samples as samples
from tests.conftest import Client
from tracker import create_app
from tracker.extensions import db
from tracker.models import ActionItem, Comment, EvidenceFile, User
from tracker.services.evidence import attach
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


def test_backup_and_restore_keep_the_evidence_files(app, config_class, users, sample, tmp_path, database_url):
    """Files live in the database, so a backup holds them and a restore brings them back byte for byte."""
    with app.app_context():
        item, owner = db.session.get(ActionItem, sample["item1"]), db.session.get(User, users["anggota"])
        for name, data in (("laporan.pdf", samples.pdf()), ("foto.jpg", samples.picture("JPEG", gps=True))):
            attach(item, owner, FileStorage(io.BytesIO(data), name), note=f"Catatan {name}")
        db.session.commit()
        expected = db.session.execute(select(EvidenceFile.file_name, EvidenceFile.sha256, EvidenceFile.content,
                                             EvidenceFile.thumbnail).order_by(EvidenceFile.id)).all()
        db.engine.dispose()
    target = tmp_path / "backup.bin"
    result = app.test_cli_runner().invoke(args=["backup", "--output", str(target)])
    assert result.exit_code == 0, result.output

    restored_url, cleanup = _fresh_database(database_url, tmp_path)
    try:
        class Restored(config_class):
            SQLALCHEMY_DATABASE_URI = restored_url

        restored_app = create_app(Restored)
        result = restored_app.test_cli_runner().invoke(args=["restore", str(target), "--yes"])
        assert result.exit_code == 0, result.output
        with restored_app.app_context():
            rows = db.session.execute(select(EvidenceFile.file_name, EvidenceFile.sha256, EvidenceFile.content,
                                             EvidenceFile.thumbnail).order_by(EvidenceFile.id)).all()
            db.engine.dispose()
        assert [tuple(row) for row in rows] == [tuple(row) for row in expected]
        assert all(hashlib.sha256(row.content).hexdigest() == row.sha256 for row in rows)
        client = Client(restored_app.test_client())
        client.login("anggota")
        with restored_app.app_context():
            pdf_id = db.session.scalar(select(EvidenceFile.id).where(EvidenceFile.file_name == "laporan.pdf"))
        assert client.get(f"/evidence/{pdf_id}").data == expected[0].content
        with restored_app.app_context():
            db.engine.dispose()
    finally:
        if cleanup:
            admin, name = cleanup
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()

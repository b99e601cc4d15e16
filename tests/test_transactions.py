"""One transaction boundary: a successful write is committed once, anything else leaves nothing behind.

Reads never commit: the last use of a token (the calendar feed, an API GET) is written in a short
transaction of its own, and a busy database skips it rather than failing the read.
"""
import sqlite3
from contextlib import contextmanager
from datetime import date

import pytest
from flask import abort
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from tests.conftest import get_user
from tracker import create_app
from tracker.extensions import csrf, db
from tracker.models import AccessToken, ActionItem, LoginFailure, TokenKind, Webinar
from tracker.security import public
from tracker.services.tokens import create_token


@contextmanager
def session_commits():
    """The commits of any ORM session (the request's) while the block runs; engine-level
    transactions of their own (the bookkeeping) are not session commits."""
    commits = []

    def after_commit(session):
        commits.append(session)

    event.listen(Session, "after_commit", after_commit)
    try:
        yield commits
    finally:
        event.remove(Session, "after_commit", after_commit)


def _token(app, username: str, kind: TokenKind) -> str:
    with app.app_context():
        _row, secret = create_token(get_user(username), kind, "uji")
        db.session.commit()
    return secret


def _last_used(app, secret_prefix: str):
    with app.app_context():
        return db.session.scalar(select(AccessToken.last_used_at).where(AccessToken.prefix == secret_prefix[:8]))


def test_a_calendar_feed_get_commits_nothing_and_still_records_its_last_use(app, client, users, sample):
    secret = _token(app, "anggota", TokenKind.CALENDAR)
    with session_commits() as commits:
        response = client.get(f"/calendar/{secret}.ics")
    assert response.status_code == 200 and b"S28-01" in response.data
    assert commits == []
    assert _last_used(app, secret) is not None


def test_a_token_api_get_commits_nothing_and_still_records_its_last_use(app, client, users, sample):
    secret = _token(app, "kepala", TokenKind.API)
    with session_commits() as commits:
        response = client.get("/api/v1/items", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200 and response.get_json()["total"] == 3
    assert commits == []
    assert _last_used(app, secret) is not None


def test_a_token_api_write_commits_once_with_its_last_use(app, client, users, sample):
    secret = _token(app, "kepala", TokenKind.API)
    with session_commits() as commits:
        response = client.post("/api/v1/items/1/comments", json={"body": "Sudah dibahas."},
                               headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 201
    assert len(commits) == 1
    assert _last_used(app, secret) is not None


def test_a_busy_database_skips_the_bookkeeping_not_the_read(app, config_class, users, sample):
    """Another writer holds the lock: the feed still answers; its last use waits for the next read."""
    if not config_class.SQLALCHEMY_DATABASE_URI.startswith("sqlite:///"):
        pytest.skip("holds SQLite's write lock from a second connection")
    secret = _token(app, "anggota", TokenKind.CALENDAR)

    class Impatient(config_class):
        SQLITE_BUSY_TIMEOUT_MS = 50

    impatient = create_app(Impatient)
    writer = sqlite3.connect(config_class.SQLALCHEMY_DATABASE_URI.removeprefix("sqlite:///"), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        response = impatient.test_client().get(f"/calendar/{secret}.ics")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        with impatient.app_context():
            db.engine.dispose()
    assert response.status_code == 200 and b"S28-01" in response.data
    assert _last_used(app, secret) is None


@pytest.fixture()
def probe(app):
    """A test-only view that adds a webinar, flushes it, then answers with ?status= (or raises)."""
    def write_probe():
        from flask import request

        db.session.add(Webinar(series=900, title="Percobaan", held_on=date(2024, 1, 1)))
        db.session.flush()
        if request.args.get("raise"):
            raise RuntimeError("the view failed after flushing")
        if request.args.get("abort"):
            abort(int(request.args["abort"]))
        return "", int(request.args.get("status", 200))

    app.add_url_rule("/_probe", "probe", public(csrf.exempt(write_probe)), methods=["GET", "POST"])

    def saved() -> bool:
        with app.app_context():
            return db.session.scalar(select(func.count()).select_from(Webinar).where(Webinar.series == 900)) > 0

    return saved


@pytest.mark.parametrize("query", ["status=422", "status=409", "status=500", "abort=403", "abort=404"])
def test_a_write_that_answers_with_an_error_leaves_nothing(client, probe, query):
    response = client.post(f"/_probe?{query}")
    assert response.status_code >= 400
    assert not probe()


def test_a_write_whose_view_raises_leaves_nothing(client, probe):
    assert client.post("/_probe?raise=1").status_code == 500  # the error page, after the rollback
    assert not probe()


def test_a_read_never_commits_even_if_it_wrote(client, probe):
    assert client.get("/_probe").status_code == 200
    assert not probe()


@pytest.mark.parametrize("status", [200, 201, 302])
def test_a_successful_write_is_committed(client, probe, status):
    assert client.post(f"/_probe?status={status}").status_code == status
    assert probe()


def test_a_stale_edit_changes_nothing_and_a_current_one_is_saved(app, client, users, sample):
    """Through a real view: the refused PATCH (409) leaves the item; the accepted one is stored."""
    secret = _token(app, "anggota", TokenKind.API)
    headers = {"Authorization": f"Bearer {secret}"}
    with app.app_context():
        version = db.session.get(ActionItem, sample["item1"]).version
    stale = client.patch(f"/api/v1/items/{sample['item1']}", json={"version": version - 1, "title": "Basi"},
                         headers=headers)
    assert stale.status_code == 409
    saved = client.patch(f"/api/v1/items/{sample['item1']}", json={"version": version, "title": "Baru"},
                         headers=headers)
    assert saved.status_code == 200
    with app.app_context():
        item = db.session.get(ActionItem, sample["item1"])
        assert (item.title, item.version) == ("Baru", version + 1)


def test_a_failed_sign_in_is_counted_although_it_answers_401(app, client, users):
    assert client.login("anggota", "salah-sekali").status_code == 401
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == 1

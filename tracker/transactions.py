"""The one transaction boundary: a request's work is committed once, after its view, or rolled back.

Services change models and flush; views never commit. When the response is ready, a write request
(POST, PUT, PATCH, DELETE) that succeeded (status < 400) is committed; everything else (reads, 4xx,
5xx, exceptions) is rolled back. Reads never commit: bookkeeping a read must do (a token's last
use) goes through `write_aside`, a short transaction of its own. CLI commands commit themselves.
"""
from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy.exc import OperationalError

from tracker.database import READ_ONLY_METHODS
from tracker.extensions import db


def is_write_request() -> bool:
    """True inside a request that may change data (its work is committed if it succeeds)."""
    return has_request_context() and request.method not in READ_ONLY_METHODS


def keep_despite_error() -> None:
    """Commit this request's work even though it answers with an error (a failed sign-in is counted)."""
    g.tracker_keep_work = True


def discard() -> None:
    """Undo the request's unsaved work now, so a refused change is shown again from the stored state."""
    db.session.rollback()


def write_aside(statement) -> int:
    """Run one bookkeeping statement in a short transaction of its own and return its row count.

    For a read, which must not commit its own transaction; a busy database (a lock held by another
    writer) skips the bookkeeping with a warning instead of failing the read. In a write request the
    statement joins the request's work instead: a second connection would wait for our own lock.
    """
    if is_write_request():
        return db.session.execute(statement).rowcount
    try:
        with db.engine.begin() as connection:
            return connection.execute(statement).rowcount
    except OperationalError as error:
        current_app.logger.warning("bookkeeping skipped, the database is busy: %s", error.orig)
        return 0


def end_transaction(response):
    """Commit a successful write's work; roll back everything else."""
    succeeded = response.status_code < 400 or g.get("tracker_keep_work", False)
    if is_write_request() and succeeded:
        db.session.commit()
    else:
        db.session.rollback()
    return response


def init_app(app: Flask) -> None:
    """Install the boundary; registered first, it runs after every other after_request hook."""
    app.after_request(end_transaction)

"""Sign-in throttling kept in the database, so the limit holds across workers and app servers."""
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, or_, select

from tracker.extensions import db
from tracker.models import LoginFailure, utcnow


def _window_start():
    return utcnow() - timedelta(seconds=current_app.config["LOGIN_THROTTLE_WINDOW_SECONDS"])


def is_throttled(username: str, address: str) -> bool:
    """Too many recent failures for this account, or from this address."""
    since = _window_start()
    per_account, per_address = db.session.execute(
        select(
            func.count(LoginFailure.id).filter(LoginFailure.username == username.lower()),
            func.count(LoginFailure.id).filter(LoginFailure.address == address),
        ).where(
            LoginFailure.created_at >= since,
            or_(LoginFailure.username == username.lower(), LoginFailure.address == address),
        )
    ).one()
    config = current_app.config
    return per_account >= config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] or per_address >= config["LOGIN_MAX_FAILURES_PER_ADDRESS"]


def record_failure(username: str, address: str) -> None:
    """Record a failed sign-in for the account and address; drop failures older than a day."""
    db.session.add(LoginFailure(username=username.lower()[:64], address=address[:64]))
    # Old rows are no longer needed for any decision.
    db.session.execute(delete(LoginFailure).where(LoginFailure.created_at < utcnow() - timedelta(days=1)))


def clear_failures(username: str) -> None:
    """Forget the account's failed sign-ins."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.username == username.lower()))

"""Sign-in throttling kept in the database, so the limit holds across workers and app servers.

Built so that it cannot be used to lock a colleague out (ASVS 5.0 6.3.1):
- failures count first per (account, address) pair: guessing someone's password from one place
  refuses that place, not the account's owner at their own desk;
- an address with many failures over several accounts (a sprayer, or a whole office behind one NAT)
  is slowed down, never refused outright: each attempt from it waits a delay that grows with the
  failures, so a colleague there signs in a few seconds later;
- an account whose password is guessed from several addresses at once (a distributed attack) is
  refused from everywhere until the window passes, and administrators are told (security log and
  /admin/users).
A correct password from an address with no failures is refused only in that last case.
"""
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, distinct, func, or_, select

from tracker.extensions import db
from tracker.models import LoginFailure, utcnow

MAX_SLOWDOWN_SECONDS = 60  # the longest an address with many failures waits between attempts


@dataclass(frozen=True)
class Verdict:
    """Whether a sign-in attempt may be checked now; if not, why and for how many seconds."""

    allowed: bool
    reason: str = ""  # "pair", "slowdown" or "distributed"
    retry_after: int = 0


ALLOWED = Verdict(True)


def _window_start():
    return utcnow() - timedelta(seconds=current_app.config["LOGIN_THROTTLE_WINDOW_SECONDS"])


def _seconds_left(last: datetime | None, delay: float) -> int:
    if last is None:
        return 0
    waited = (utcnow() - last).total_seconds()
    return max(0, math.ceil(delay - waited))


def slowdown_seconds(address_failures: int) -> float:
    """The delay between attempts from an address with this many recent failures (0 below the limit).

    One second at the limit, doubling with every further five failures, at most a minute.
    """
    limit = current_app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    if address_failures < limit:
        return 0
    return min(MAX_SLOWDOWN_SECONDS, 2 ** ((address_failures - limit) // 5))


def check(username: str, address: str) -> Verdict:
    """May a sign-in for this account from this address be checked now?"""
    username = username.lower()
    on_account, at_address = LoginFailure.username == username, LoginFailure.address == address
    pair = on_account & at_address
    (pair_count, account_count, account_addresses, address_count, address_last) = db.session.execute(
        select(
            func.count(LoginFailure.id).filter(pair),
            func.count(LoginFailure.id).filter(on_account),
            func.count(distinct(LoginFailure.address)).filter(on_account),
            func.count(LoginFailure.id).filter(at_address),
            func.max(LoginFailure.created_at).filter(at_address),
        ).where(LoginFailure.created_at >= _window_start(), or_(on_account, at_address))
    ).one()
    config = current_app.config
    window = config["LOGIN_THROTTLE_WINDOW_SECONDS"]
    if (account_count >= config["LOGIN_DISTRIBUTED_FAILURES"]
            and account_addresses >= config["LOGIN_DISTRIBUTED_ADDRESSES"]):
        return Verdict(False, "distributed", window)
    if pair_count >= config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]:
        return Verdict(False, "pair", window)
    wait = _seconds_left(address_last, slowdown_seconds(address_count))
    if wait:
        return Verdict(False, "slowdown", wait)
    return ALLOWED


def accounts_under_attack() -> dict[str, int]:
    """Usernames failing from several addresses at once (a distributed attack), with their failures."""
    config = current_app.config
    rows = db.session.execute(
        select(LoginFailure.username, func.count(LoginFailure.id))
        .where(LoginFailure.created_at >= _window_start())
        .group_by(LoginFailure.username)
        .having(func.count(LoginFailure.id) >= config["LOGIN_DISTRIBUTED_FAILURES"],
                func.count(distinct(LoginFailure.address)) >= config["LOGIN_DISTRIBUTED_ADDRESSES"])
        .order_by(LoginFailure.username)
    )
    return dict(rows.all())


def record_failure(username: str, address: str) -> None:
    """Record a failed sign-in for the account and address; drop failures older than a day."""
    db.session.add(LoginFailure(username=username.lower()[:64], address=address[:64]))
    # Old rows are no longer needed for any decision.
    db.session.execute(delete(LoginFailure).where(LoginFailure.created_at < utcnow() - timedelta(days=1)))


def clear_failures(username: str, address: str) -> None:
    """Forget the account's failed sign-ins from this address (the ones elsewhere still count)."""
    db.session.execute(delete(LoginFailure).where(
        LoginFailure.username == username.lower(), LoginFailure.address == address[:64]))

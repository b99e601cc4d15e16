"""Checking a password the same way everywhere: throttled, and in the same time for every username."""
from dataclasses import dataclass
from functools import cache

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.audit import security_event
from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.models import User
from tracker.services import throttle
from tracker.services.throttle import Verdict
from tracker.transactions import keep_despite_error


@dataclass(frozen=True)
class Attempt:
    """The outcome of a password check: the user when it matched, or why not."""

    user: User | None = None
    verdict: Verdict = throttle.ALLOWED  # not allowed: refused before any password was checked
    inactive: bool = False  # the password was right, but the account is deactivated

    @property
    def ok(self) -> bool:
        """The password matched an active account."""
        return self.user is not None and not self.inactive


@cache
def _decoy_hash() -> str:
    """A hash of the same kind as real ones, checked for unknown usernames so they take as long."""
    return generate_password_hash("decoy-password-never-valid", method="scrypt")


def check_password(username: str, password: str, address: str) -> Attempt:
    """Check a username and password from an address, counting failures and honouring throttling.

    Unknown and known usernames cost the same work (one scrypt check each); a deactivated account
    answers like a wrong password unless the password is right.
    """
    username = username.strip().lower()
    verdict = throttle.check(username, address)
    if not verdict.allowed:
        event = "login_distributed_attack" if verdict.reason == "distributed" else "login_throttled"
        security_event(event, username=username, reason=verdict.reason)
        return Attempt(verdict=verdict)
    user = db.session.scalar(select(User).where(func.lower(User.username) == username))
    matched = check_password_hash(user.password_hash if user else _decoy_hash(), password)
    if user is not None and matched:
        throttle.clear_failures(username, address)
        return Attempt(user=user, inactive=not user.active)
    throttle.record_failure(username, address)
    keep_despite_error()  # the refusal that follows must not undo the count that throttles guessing
    security_event("login_failed", username=username)
    return Attempt()


def throttled_message(verdict: Verdict) -> str:
    """What a refused sign-in (or password check) says: how long to wait."""
    if verdict.reason == "slowdown":
        return _("Too many failed sign-ins from this network. Please wait %(seconds)d seconds and try again.",
                 seconds=verdict.retry_after)
    return _("Too many failed sign-ins. Please wait 15 minutes and try again.")

"""Personal API tokens and secret calendar URLs: only a sha256 of each secret is stored."""
import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.models import AccessToken, TokenKind, User, utcnow
from tracker.services.errors import InvalidInput, NotAllowed
from tracker.transactions import write_aside

PREFIXES = {TokenKind.API: "tla_", TokenKind.CALENDAR: "tlc_"}
PREFIX_LENGTH = 8  # characters kept in clear, to tell tokens apart on the profile page
MAX_NAME = 100
TOUCH_INTERVAL = timedelta(minutes=1)  # last_used_at is written at most this often


def hash_secret(secret: str) -> str:
    """The stored form of a secret: its sha256, in hex."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(user: User, kind: TokenKind, name: str = "") -> tuple[AccessToken, str]:
    """A new token for the user and its secret (shown once). A new calendar URL replaces the old one."""
    name = " ".join((name or "").split())
    if len(name) > MAX_NAME:
        message = _("A token name has at most %(max)d characters.", max=MAX_NAME)
        raise InvalidInput(message, {"name": message})
    if kind == TokenKind.CALENDAR:
        revoke_all(user, TokenKind.CALENDAR)
        name = name or _("Calendar")
    secret = PREFIXES[kind] + secrets.token_urlsafe(32)
    token = AccessToken(user_id=user.id, kind=kind, name=name or _("API token"),
                        token_hash=hash_secret(secret), prefix=secret[:PREFIX_LENGTH])
    db.session.add(token)
    db.session.flush()
    return token, secret


def find_active(secret: str | None, kind: TokenKind) -> AccessToken | None:
    """The unrevoked token of this kind with this secret whose user is active, or None."""
    if not secret or len(secret) > 200:
        return None
    token = db.session.scalar(
        select(AccessToken).where(AccessToken.token_hash == hash_secret(secret), AccessToken.kind == kind)
    )
    if token is None or not token.active or not token.user.active:
        return None
    return token


def user_tokens(user: User, kind: TokenKind) -> list[AccessToken]:
    """The user's unrevoked tokens of a kind, newest first."""
    return list(db.session.scalars(
        select(AccessToken)
        .where(AccessToken.user_id == user.id, AccessToken.kind == kind, AccessToken.revoked_at.is_(None))
        .order_by(AccessToken.created_at.desc(), AccessToken.id.desc())
    ))


def revoke(token: AccessToken, actor: User) -> None:
    """Revoke one token; only its owner may."""
    if token.user_id != actor.id:
        raise NotAllowed(_("This is not your token."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    db.session.flush()


def revoke_all(user: User, kind: TokenKind) -> None:
    """Revoke every unrevoked token of a kind (a new calendar URL ends the old one)."""
    db.session.execute(
        update(AccessToken)
        .where(AccessToken.user_id == user.id, AccessToken.kind == kind, AccessToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def touch(token: AccessToken) -> bool:
    """Record that the token was used, unless that was recorded less than a minute ago.

    A read (the calendar feed, an API GET) records it in a short transaction of its own, so that
    the read itself never commits; a write records it with the request's own work.
    """
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_INTERVAL:
        return False
    # The WHERE makes concurrent requests write once between them.
    written = write_aside(
        update(AccessToken)
        .where(AccessToken.id == token.id)
        .where((AccessToken.last_used_at.is_(None)) | (AccessToken.last_used_at < now - TOUCH_INTERVAL))
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    set_committed_value(token, "last_used_at", now)  # known now; nothing left for the session to write
    return written > 0

"""Account rules: creating users, changing roles, deactivating (shared by the admin pages and the CLI)."""
from sqlalchemy import func, select

from tracker.audit import security_event
from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.models import Role, TokenKind, User
from tracker.services.tokens import revoke_all


class AccountError(ValueError):
    """A refused account change, with a message for the user (already translated)."""


def username_taken(username: str, exclude_id: int | None = None) -> bool:
    """Whether an account other than exclude_id already has this username, ignoring case."""
    query = select(User.id).where(func.lower(User.username) == username.lower())
    if exclude_id is not None:
        query = query.where(User.id != exclude_id)
    return db.session.scalar(query) is not None


def create_user(
    username: str,
    full_name: str,
    password: str,
    role: Role = Role.MEMBER,
    **fields,
) -> User:
    """Add an account; refuse a username that already exists (case-insensitively)."""
    username = username.strip().lower()
    if username_taken(username):
        raise AccountError(_("The username %(username)s is already taken.", username=username))
    user = User(username=username, full_name=full_name.strip(), role=Role(role), **fields)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def active_admin_count(exclude_id: int | None = None) -> int:
    """How many active administrators there are, not counting exclude_id."""
    query = select(func.count(User.id)).where(User.role == Role.ADMIN, User.active.is_(True))
    if exclude_id is not None:
        query = query.where(User.id != exclude_id)
    return db.session.scalar(query) or 0


def update_user(user: User, *, role: Role, active: bool, **fields) -> None:
    """Change an account; the last active admin cannot demote or deactivate themself away.

    Deactivating ends the account's sessions and revokes its API tokens and calendar links.
    """
    if "username" in fields and username_taken(fields["username"], exclude_id=user.id):
        raise AccountError(_("The username %(username)s is already taken.", username=fields["username"]))
    losing_admin = user.role == Role.ADMIN and (role != Role.ADMIN or not active)
    if losing_admin and active_admin_count(exclude_id=user.id) == 0:
        raise AccountError(_("At least one active administrator must remain."))
    for name, value in fields.items():
        setattr(user, name, value)
    if user.active and not active:
        user.rotate_session_token()  # deactivation ends every session at once
        for kind in TokenKind:  # and every API token and calendar link: reactivation brings none back
            revoke_all(user, kind)
        security_event("account_deactivated", target=user.username)
    if user.role != Role(role):
        security_event("role_changed", target=user.username, old=user.role.value, new=Role(role).value)
    user.role = Role(role)
    user.active = active
    db.session.flush()

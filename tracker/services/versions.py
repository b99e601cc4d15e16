"""Optimistic locking: a save is refused when the item changed since the form was opened."""
from sqlalchemy.orm.exc import StaleDataError

from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.models import ActionItem, utcnow
from tracker.services.errors import InvalidInput, StaleVersion


def stale_message() -> str:
    """What a user is told when someone else saved the item after they opened it."""
    return _("Someone else saved this item after you opened it.")


def parse_version(raw) -> int | None:
    """The submitted version as an int, or None when it is missing or not a number."""
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


def check_version(item: ActionItem, version) -> None:
    """Refuse a change made from a form that showed an older version of the item."""
    submitted = parse_version(version)
    if submitted is None:
        message = _("The form is missing the item version. Reload the page and try again.")
        raise InvalidInput(message, {"version": message})
    if submitted != item.version:
        raise StaleVersion(stale_message(), item, submitted)


def save(item: ActionItem) -> None:
    """Flush the change; the UPDATE also checks the version in the database (closes the race)."""
    item.updated_at = utcnow()
    seen = item.version
    try:
        db.session.flush()
    except StaleDataError:
        raise StaleVersion(stale_message(), item, seen) from None

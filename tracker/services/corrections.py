"""Corrections: an item entered by mistake is deleted with a reason (hapus karena salah input) and restored.

A deleted item stays a row with its whole history, but leaves every list, count, figure, export,
reminder, feed and API answer through one rule, ActionItem.is_visible (models/rules.py); the tally
triggers take it out of the dashboard's counts. Cancelling (dibatalkan) is a different thing: a
cancelled item was real work that will not be done, and it still counts.
"""
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.models import ActionItem, HistoryKind, User, utcnow
from tracker.permissions import can_delete_item, can_restore_item
from tracker.services.errors import InvalidInput, NotAllowed
from tracker.services.history import record
from tracker.services.versions import check_version, save

MAX_REASON = 5000
DELETED_LIST_LIMIT = 200


def delete_item(item: ActionItem, actor: User, reason: str | None, *, version) -> None:
    """Delete an item entered by mistake: a head's (or administrator's) decision with a required reason."""
    if not can_delete_item(actor, item):
        raise NotAllowed(_("Only a head can delete an item."))
    check_version(item, version)
    if not item.is_visible:
        raise InvalidInput(_("This item is already deleted."))
    reason = (reason or "").strip()
    if not reason:
        message = _("Please say why the item is deleted (for example: entered by mistake).")
        raise InvalidInput(message, {"reason": message})
    if len(reason) > MAX_REASON:
        message = _("A reason has at most %(max)d characters.", max=MAX_REASON)
        raise InvalidInput(message, {"reason": message})
    with db.session.no_autoflush:  # one save is one version
        record(item, actor, HistoryKind.DELETED, note=reason)
        item.deleted_at, item.deleted_by, item.delete_reason = utcnow(), actor, reason
    save(item)


def restore_item(item: ActionItem, actor: User, *, version, note: str | None = None) -> None:
    """Bring a deleted item back into every list and figure (administrators), with a history record."""
    if not can_restore_item(actor, item):
        raise NotAllowed(_("Only an administrator can restore a deleted item."))
    check_version(item, version)
    if item.is_visible:
        raise InvalidInput(_("This item is not deleted."))
    note = (note or "").strip()[:MAX_REASON] or None
    with db.session.no_autoflush:
        record(item, actor, HistoryKind.RESTORED, note=note, old=item.delete_reason)
        item.deleted_at = item.deleted_by = item.delete_reason = None
    save(item)


def deleted_items(limit: int = DELETED_LIST_LIMIT) -> list[ActionItem]:
    """The deleted items, most recently deleted first, with their webinar, owner and who deleted them."""
    return list(db.session.scalars(
        select(ActionItem)
        .where(~ActionItem.is_visible)
        .options(joinedload(ActionItem.webinar), joinedload(ActionItem.owner), joinedload(ActionItem.deleted_by))
        .order_by(ActionItem.deleted_at.desc(), ActionItem.id.desc())
        .limit(limit)
    ))

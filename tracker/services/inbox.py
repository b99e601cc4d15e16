"""A person's inbox: their notifications newest first, the unread count, marking them read."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import joinedload

from tracker.display import status_label
from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.i18n import show_date
from tracker.models import ActionItem, Notification, NotificationKind, Status, User, utcnow
from tracker.validation import positive_int

PAGE_SIZE = 50  # notifications on one page of the inbox (and of the API)

_UNREAD = select(func.count(Notification.id)).where(Notification.user_id == bindparam("user_id"),
                                                     Notification.read_at.is_(None))


def unread_column(user_id_column):
    """The unread count as a labelled column of a query that selects the user (the navigation's badge)."""
    return (select(func.count(Notification.id))
            .where(Notification.user_id == user_id_column, Notification.read_at.is_(None))
            .scalar_subquery().label("unread"))


def unread_count(user_id: int) -> int:
    """How many of the person's notifications are unread: one COUNT on ix_notifications_user_read."""
    return db.session.scalar(_UNREAD, {"user_id": user_id}) or 0


@dataclass
class InboxPage:
    """Notifications newest first, and the id to continue below (None: no more)."""

    rows: list[Notification]
    next_before: int | None


def page(user: User, before=None, unread_only: bool = False, limit: int = PAGE_SIZE) -> InboxPage:
    """One page of the person's notifications (with actor and item), newest first, below `before`."""
    query = (select(Notification)
             .options(joinedload(Notification.actor), joinedload(Notification.item).load_only(
                 ActionItem.id, ActionItem.code, ActionItem.title, ActionItem.deleted_at))
             .where(Notification.user_id == user.id)
             .order_by(Notification.id.desc()).limit(limit + 1))
    before = positive_int(str(before)) if before is not None else None
    if before is not None:
        query = query.where(Notification.id < before)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    rows = list(db.session.scalars(query))
    more = len(rows) > limit
    rows = rows[:limit]
    return InboxPage(rows, rows[-1].id if more else None)


def own_notification(user: User, notification_id: int) -> Notification | None:
    """The person's notification with this id, or None (another person's does not exist for them)."""
    notification = db.session.get(Notification, notification_id)
    return notification if notification is not None and notification.user_id == user.id else None


def mark_read(notification: Notification) -> None:
    """Mark one notification read (it then goes out by e-mail no more)."""
    if notification.read_at is None:
        notification.read_at = utcnow()
        notification.email_pending = False
        db.session.flush()


def mark_all_read(user: User) -> int:
    """Mark every unread notification of the person read; returns how many there were."""
    result = db.session.execute(
        update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow(), email_pending=False).execution_options(synchronize_session=False))
    return result.rowcount


def describe(notification: Notification) -> str:
    """What happened, in one sentence in the current language (the actor named, the item by its code)."""
    kind, code = NotificationKind(notification.kind), notification.item.code
    actor = notification.actor.full_name if notification.actor is not None else _("System")
    detail = notification.detail or ""
    if kind == NotificationKind.ASSIGNED:
        return _("%(actor)s made you the owner of %(code)s", actor=actor, code=code)
    if kind == NotificationKind.SUPPORTER:
        return _("%(actor)s made you a supporting member of %(code)s", actor=actor, code=code)
    if kind == NotificationKind.STATUS:
        status = status_label(Status(detail)) if detail in set(Status) else detail
        return _("%(actor)s changed the status of %(code)s to %(status)s", actor=actor, code=code, status=status)
    if kind == NotificationKind.DUE_DATE:
        return _("%(actor)s moved the due date of %(code)s to %(date)s", actor=actor, code=code,
                 date=_due(detail))
    if kind == NotificationKind.COMMENT:
        return _("%(actor)s commented on %(code)s", actor=actor, code=code)
    if kind == NotificationKind.MENTION:
        return _("%(actor)s mentioned you in a comment on %(code)s", actor=actor, code=code)
    if kind == NotificationKind.EXTENSION and detail == "approved":
        return _("%(actor)s approved your request for more time on %(code)s", actor=actor, code=code)
    if kind == NotificationKind.EXTENSION:
        return _("%(actor)s rejected your request for more time on %(code)s", actor=actor, code=code)
    return _("%(code)s is done and waits for your verification", code=code)


def _due(detail: str) -> str:
    try:
        return show_date(date.fromisoformat(detail))
    except ValueError:
        return _("no due date")

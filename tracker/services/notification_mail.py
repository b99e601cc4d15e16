"""E-mail of notifications: the ones a person chose in their profile, batched into one mail per person.

`flask send-notifications` (cron) sends what is pending; a notification leaves the queue when the mail
server accepted its mail (committed per person), or when it is read in the app first. A rerun sends
only what is still pending, so the command is idempotent.
"""
from flask import current_app, render_template
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from tracker.extensions import db
from tracker.i18n import force_language, ngettext
from tracker.models import Notification, User, utcnow
from tracker.services import inbox
from tracker.services.mailer import build_message, send_all
from tracker.services.reminders import base_url, item_url

MAIL_LIMIT = 100  # notifications in one mail; the rest go with the next run


def pending() -> list[tuple[User, list[Notification]]]:
    """Unread notifications waiting for e-mail, by recipient (active, with an address), oldest first."""
    rows = db.session.scalars(
        select(Notification).join(User, Notification.user_id == User.id)
        .where(Notification.email_pending.is_(True), Notification.read_at.is_(None), User.active.is_(True),
               User.email.is_not(None), func.length(func.trim(User.email)) > 0)
        .options(joinedload(Notification.user), joinedload(Notification.actor), joinedload(Notification.item))
        .order_by(Notification.user_id, Notification.id)
    )
    by_user: dict[int, tuple[User, list[Notification]]] = {}
    for notification in rows:
        _user, listed = by_user.setdefault(notification.user_id, (notification.user, []))
        if len(listed) < MAIL_LIMIT:
            listed.append(notification)
    return list(by_user.values())


def message(user: User, notifications: list[Notification]):
    """One person's mail in their language: each notification in words with a link to its item."""
    with force_language(user.language or current_app.config["BABEL_DEFAULT_LOCALE"]):
        entries = [(notification, inbox.describe(notification)) for notification in notifications]
        context = {"user": user, "entries": entries, "item_url": item_url, "base_url": base_url}
        subject = ngettext("Tindak Lanjut: %(num)d new notification", "Tindak Lanjut: %(num)d new notifications",
                           len(entries))
        return build_message(user.email.strip(), subject, render_template("email/notifications.txt", **context),
                             render_template("email/notifications.html", **context))


def send_notifications(_today, commit) -> int:
    """Mail every person their pending notifications; each person's are marked sent once accepted."""
    def on_sent(ids) -> None:
        db.session.execute(update(Notification).where(Notification.id.in_(ids))
                           .values(email_pending=False, emailed_at=utcnow())
                           .execution_options(synchronize_session=False))
        commit()

    batch = [(message(user, listed), [n.id for n in listed]) for user, listed in pending()]
    return send_all(batch, on_sent)

"""Reminder emails to owners (overdue or due soon) and the weekly digest to heads.

Each run is idempotent per WITA day: a user's SentNotification row is written (and committed by the
caller's `on_sent`) only after the mail server accepted that user's message, so a rerun sends only
what is still missing and a failed run records nothing it did not send.
"""
from dataclasses import dataclass, field
from datetime import date

from flask import current_app, render_template
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from tracker.extensions import db
from tracker.i18n import force_language
from tracker.i18n import gettext as _
from tracker.models import ActionItem, Role, SentNotification, User
from tracker.services import dashboard, decisions
from tracker.services.horizon import load_horizon
from tracker.services.mailer import build_message, send_all

REMINDER = "reminder"
DIGEST = "digest"
DIGEST_LIST_LIMIT = 50  # overdue and blocked items listed in a digest
DIGEST_QUEUE_LIMIT = 10  # the longest waiting done items and extension requests listed in a digest


@dataclass
class Reminder:
    """One owner's email: their overdue items and the ones due soon."""

    user: User
    overdue: list[ActionItem] = field(default_factory=list)
    soon: list[ActionItem] = field(default_factory=list)

    @property
    def items(self) -> list[ActionItem]:
        """All the reminder's items: overdue first, then due soon."""
        return self.overdue + self.soon


def _recipients_condition():
    """Active users who want reminders and have an email address."""
    return (User.active.is_(True), User.reminders_enabled.is_(True), User.email.is_not(None),
            func.length(func.trim(User.email)) > 0)


def _already_sent(kind: str, today: date):
    return select(SentNotification.user_id).where(SentNotification.kind == kind, SentNotification.sent_on == today)


def item_url(item: ActionItem) -> str:
    """The absolute URL of the item's page, for links in emails."""
    return f"{current_app.config['BASE_URL'].rstrip('/')}/items/{item.id}"


def base_url(path: str = "") -> str:
    """The absolute URL of a path on this installation, for links in emails."""
    return current_app.config["BASE_URL"].rstrip("/") + path


def reminders_due(today: date) -> list[Reminder]:
    """Owners with open items overdue or due soon (the one "due soon" setting), not yet reminded today."""
    horizon = load_horizon(today)
    items = db.session.scalars(
        select(ActionItem)
        .join(User, ActionItem.owner_id == User.id)
        .where(
            ActionItem.is_visible,
            ActionItem.is_open,
            ActionItem.due_by(horizon.soon_until),
            *_recipients_condition(),
            User.id.not_in(_already_sent(REMINDER, today)),
        )
        .options(joinedload(ActionItem.owner), joinedload(ActionItem.webinar))
        .order_by(User.id, ActionItem.due_date, ActionItem.id)
    )
    by_owner: dict[int, Reminder] = {}
    for item in items:
        reminder = by_owner.setdefault(item.owner_id, Reminder(user=item.owner))
        (reminder.overdue if item.is_overdue(today) else reminder.soon).append(item)
    return list(by_owner.values())


def reminder_message(reminder: Reminder, today: date):
    """The reminder email in the owner's language, HTML with a plain-text part."""
    with force_language(reminder.user.language or current_app.config["BABEL_DEFAULT_LOCALE"]):
        context = {"reminder": reminder, "today": today, "item_url": item_url, "base_url": base_url}
        subject = _("Tindak Lanjut: %(overdue)d overdue, %(soon)d due soon",
                    overdue=len(reminder.overdue), soon=len(reminder.soon))
        return build_message(
            reminder.user.email.strip(), subject,
            render_template("email/reminder.txt", **context),
            render_template("email/reminder.html", **context),
        )


def _recorder(kind: str, today: date, commit):
    def on_sent(key) -> None:
        user_id, item_ids = key
        db.session.add(SentNotification(user_id=user_id, kind=kind, sent_on=today,
                                        item_ids=",".join(str(i) for i in item_ids)))
        commit()

    return on_sent


def send_reminders(today: date, commit) -> int:
    """Email every owner who needs a reminder today; returns how many emails were sent."""
    batch = [
        (reminder_message(reminder, today), (reminder.user.id, [item.id for item in reminder.items]))
        for reminder in reminders_due(today)
    ]
    return send_all(batch, _recorder(REMINDER, today, commit))


# --- Weekly digest -------------------------------------------------------------------------


def digest_recipients(today: date) -> list[User]:
    """Heads who want emails and have not had today's digest (administrators do not get it)."""
    return list(db.session.scalars(
        select(User)
        .where(User.role == Role.HEAD, *_recipients_condition(), User.id.not_in(_already_sent(DIGEST, today)))
        .order_by(User.id)
    ))


def digest_figures(today: date) -> dict:
    """The week's figures from the dashboard's own queries, so both always agree."""
    scope = dashboard.Scope()
    figures = dashboard.figures(scope, load_horizon(today))
    return {
        "total": figures["total"],
        "completion": figures["completion"],
        "verified": figures["verified"],
        "countable": figures["countable"],
        "overdue": figures["overdue"],
        "blocked": figures["blocked"],
        # The dashboard's trend counts completions per WITA week starting Monday; the last is this week.
        "completed_this_week": figures["trend"][-1]["completed"],
        "week_start": date.fromisoformat(figures["trend"][-1]["week"]),
        "overdue_items": dashboard.overdue_items(scope, today, limit=DIGEST_LIST_LIMIT),
        "blocked_items": dashboard.blocked_items(scope, today, limit=DIGEST_LIST_LIMIT),
        # The decision queue as the heads' page shows it (the same queries): counts and the longest waiting.
        "waiting": decisions.waiting_counts(),
        "waiting_items": decisions.queue_items(limit=DIGEST_QUEUE_LIMIT).rows,
        "waiting_requests": decisions.queue_requests(limit=DIGEST_QUEUE_LIMIT).rows,
    }


def digest_message(user: User, figures: dict, today: date):
    """The weekly digest email to one head, in that head's language."""
    with force_language(user.language or current_app.config["BABEL_DEFAULT_LOCALE"]):
        context = {"user": user, "figures": figures, "today": today, "item_url": item_url, "base_url": base_url}
        subject = _("Tindak Lanjut weekly digest: %(overdue)d overdue, %(blocked)d blocked",
                    overdue=figures["overdue"], blocked=figures["blocked"])
        return build_message(
            user.email.strip(), subject,
            render_template("email/digest.txt", **context),
            render_template("email/digest.html", **context),
        )


def send_digest(today: date, commit) -> int:
    """Email the weekly digest to every head not yet sent one today; returns how many were sent."""
    recipients = digest_recipients(today)
    if not recipients:
        return 0
    figures = digest_figures(today)
    listed = [item.id for item in figures["overdue_items"] + figures["blocked_items"] + figures["waiting_items"]]
    listed = list(dict.fromkeys(listed + [extension.item_id for extension in figures["waiting_requests"]]))
    batch = [(digest_message(user, figures, today), (user.id, listed)) for user in recipients]
    return send_all(batch, _recorder(DIGEST, today, commit))

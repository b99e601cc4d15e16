"""Template helpers that turn item values into words: status, priority and due-date urgency."""
from datetime import date

from flask import Flask

from tracker.models import CLOSED_STATUSES, ActionItem, Priority, Status
from tracker.timeutil import local_today

SOON_DAYS = 7


def status_label(status: Status) -> str:
    from tracker.services.workflow import STATUS_LABELS

    return str(STATUS_LABELS[Status(status)])


def priority_label(priority: Priority) -> str:
    from tracker.forms.items import PRIORITY_LABELS

    return str(PRIORITY_LABELS[Priority(priority)])


def due_state(item: ActionItem, today: date | None = None) -> str:
    """overdue / today / soon (within 7 days) / later / none / closed."""
    if item.due_date is None:
        return "none"
    if item.status in CLOSED_STATUSES or item.status == Status.DONE:
        return "closed"
    today = today or local_today()
    days = (item.due_date - today).days
    if days < 0:
        return "overdue"
    if days == 0:
        return "today"
    if days <= SOON_DAYS:
        return "soon"
    return "later"


def register(app: Flask) -> None:
    app.jinja_env.globals.update(status_label=status_label, priority_label=priority_label, due_state=due_state)

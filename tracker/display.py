"""Template helpers that turn item values into words: status, priority and due-date urgency."""
from datetime import date

from flask import Flask

from tracker.i18n import gettext as _
from tracker.i18n import lazy_gettext as _l
from tracker.i18n import show_date
from tracker.models import CLOSED_STATUSES, ActionItem, HistoryKind, Priority, Status
from tracker.timeutil import local_today

SOON_DAYS = 7
STATUS_LABELS = {
    Status.NEW: _l("New"),
    Status.IN_PROGRESS: _l("In progress"),
    Status.BLOCKED: _l("Blocked"),
    Status.DONE: _l("Done, awaiting verification"),
    Status.VERIFIED: _l("Verified"),
    Status.CANCELLED: _l("Cancelled"),
}
PRIORITY_LABELS = {
    Priority.LOW: _l("Low"),
    Priority.MEDIUM: _l("Medium"),
    Priority.HIGH: _l("High"),
}
# Lazy strings: a history row translates only its own field's label (not all thirteen).
FIELD_LABELS = {
    "title": _l("Action"), "description": _l("Description"), "source": _l("Source"),
    "webinar_id": _l("Webinar"), "theme_id": _l("Theme"), "unit_id": _l("Unit (OPD)"),
    "priority": _l("Priority"), "progress": _l("Progress"), "evidence_url": _l("Evidence link"),
    "owner_id": _l("Owner"), "due_date": _l("Due date"), "supporters": _l("Supporting members"),
    "status": _l("Status"),
}


def status_label(status: Status) -> str:
    return str(STATUS_LABELS[Status(status)])


def priority_label(priority: Priority) -> str:
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


def field_label(field: str | None) -> str:
    label = FIELD_LABELS.get(field or "")
    return str(label) if label is not None else (field or "")


def history_value(field: str | None, value: str | None, label: str | None = None) -> str:
    """A history value as a person reads it: names, Indonesian dates, status words."""
    if label:
        return label
    if value is None or value == "":
        return "–" if field != "owner_id" else _("nobody")
    if field == "status":
        return status_label(Status(value))
    if field == "priority":
        return priority_label(Priority(value))
    if field == "due_date":
        try:
            return show_date(date.fromisoformat(value))
        except ValueError:
            return value
    if field == "progress":
        return f"{value}%"
    return value


def history_summary(entry) -> str:
    """One line saying what a history entry did (the actor is shown beside it)."""
    kind = HistoryKind(entry.kind)
    if kind == HistoryKind.CREATED:
        return _("created the item %(code)s", code=entry.new_value or "")
    if kind == HistoryKind.COMMENT:
        return _("commented")
    old = history_value(entry.field, entry.old_value, entry.old_label)
    new = history_value(entry.field, entry.new_value, entry.new_label)
    if kind == HistoryKind.EXTENSION_REQUESTED:
        return _("asked to move the due date from %(old)s to %(new)s", old=old, new=new)
    if kind == HistoryKind.EXTENSION_APPROVED:
        return _("approved moving the due date from %(old)s to %(new)s", old=old, new=new)
    if kind == HistoryKind.EXTENSION_REJECTED:
        return _("rejected moving the due date from %(old)s to %(new)s", old=old, new=new)
    return _("changed %(field)s: %(old)s → %(new)s", field=field_label(entry.field), old=old, new=new)


def register(app: Flask) -> None:
    app.jinja_env.globals.update(
        status_label=status_label, priority_label=priority_label, due_state=due_state,
        field_label=field_label, history_value=history_value, history_summary=history_summary,
    )

"""Small HTML pieces every item row shows: status, priority and due-date badges and the progress bar.

Written in Python rather than as Jinja macros because a list page shows a hundred of them and a
macro call costs ten times a function call. Status and urgency are always words, never colour alone.
"""
from flask import Flask
from markupsafe import Markup, escape

from tracker.display import due_state, priority_label, status_label
from tracker.i18n import gettext as _
from tracker.i18n import show_date
from tracker.models import ActionItem, Priority, Status

STATUS_COLOURS = {
    Status.NEW: "secondary", Status.IN_PROGRESS: "primary", Status.BLOCKED: "warning",
    Status.DONE: "info", Status.VERIFIED: "success", Status.CANCELLED: "dark",
}
PRIORITY_COLOURS = {Priority.LOW: "light", Priority.MEDIUM: "secondary", Priority.HIGH: "danger"}


def status_badge(status: Status) -> Markup:
    """The status as a coloured badge that names it in words."""
    status = Status(status)
    return Markup(f'<span class="badge status-badge text-bg-{STATUS_COLOURS[status]}">'
                  f'{escape(status_label(status))}</span>')


def priority_badge(priority: Priority) -> Markup:
    """The priority as a coloured badge that names it in words."""
    priority = Priority(priority)
    return Markup(f'<span class="badge text-bg-{PRIORITY_COLOURS[priority]} border">'
                  f'{escape(priority_label(priority))}</span>')


def due_badge(item: ActionItem) -> Markup:
    """The due date with its urgency in words and colour: overdue (red), today/soon (amber), later (green)."""
    if not item.due_date:
        words = _("no due date")  # outside the f-string, where message extraction finds it
        return Markup(f'<span class="text-body-secondary">{escape(words)}</span>')
    state = due_state(item)
    words = _urgency_words(state)
    text = show_date(item.due_date) + (" · " + words if words else "")
    return Markup(f'<span class="due due-{state}">{escape(text)}</span>')


def _urgency_words(state: str) -> str | None:
    if state == "overdue":
        return _("overdue")
    if state == "today":
        return _("today")
    if state == "soon":
        return _("soon")
    return None


def progress_bar(value: int) -> Markup:
    """A progress bar for a 0-100 value, with the percentage written beside it."""
    value, label = int(value), _("Progress")
    return Markup(
        f'<div class="progress" role="progressbar" aria-label="{escape(label)}" aria-valuenow="{value}" '
        f'aria-valuemin="0" aria-valuemax="100">\n    <div class="progress-bar progress-{(value // 10) * 10}"></div>\n'
        f'  </div>\n  <span class="small">{value}%</span>'
    )


def register(app: Flask) -> None:
    """Make the badge and progress-bar helpers available to every template."""
    app.jinja_env.globals.update(status_badge=status_badge, priority_badge=priority_badge,
                                 due_badge=due_badge, progress_bar=progress_bar)



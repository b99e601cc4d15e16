"""Small HTML pieces every item row shows: status, priority and due-date badges and the progress bar.

Written in Python rather than as Jinja macros because a list page shows a hundred of them and a
macro call costs ten times a function call. Status and urgency are always words, never colour alone.
"""
from flask import Flask
from markupsafe import Markup

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
    status = Status(status)
    return Markup('<span class="badge status-badge text-bg-{}">{}</span>').format(
        STATUS_COLOURS[status], status_label(status))


def priority_badge(priority: Priority) -> Markup:
    priority = Priority(priority)
    return Markup('<span class="badge text-bg-{} border">{}</span>').format(
        PRIORITY_COLOURS[priority], priority_label(priority))


def due_badge(item: ActionItem) -> Markup:
    """The due date with its urgency in words and colour: overdue (red), today/soon (amber), later (green)."""
    if not item.due_date:
        return Markup('<span class="text-body-secondary">{}</span>').format(_("no due date"))
    state = due_state(item)
    words = {"overdue": _("overdue"), "today": _("today"), "soon": _("soon")}.get(state)
    text = show_date(item.due_date) + (" · " + words if words else "")
    return Markup('<span class="due due-{}">{}</span>').format(state, text)


def progress_bar(value: int) -> Markup:
    value = int(value)
    return Markup(
        '<div class="progress" role="progressbar" aria-label="{}" aria-valuenow="{}" aria-valuemin="0" '
        'aria-valuemax="100">\n    <div class="progress-bar progress-{}"></div>\n  </div>\n'
        '  <span class="small">{}%</span>'
    ).format(_("Progress"), value, (value // 10) * 10, value)


def register(app: Flask) -> None:
    app.jinja_env.globals.update(status_badge=status_badge, priority_badge=priority_badge,
                                 due_badge=due_badge, progress_bar=progress_bar)



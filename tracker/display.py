"""Template helpers that turn item values into words: status, priority and due-date urgency."""
import re
from datetime import date
from typing import NamedTuple

from flask import Flask

from tracker.i18n import N_, show_date, show_datetime, show_decimal
from tracker.i18n import gettext as _
from tracker.i18n import lazy_gettext as _l
from tracker.models import ActionItem, HistoryKind, Horizon, Priority, Status
from tracker.urls import item_url, query_url

# Message ids (N_ marks them for extraction); translated when shown. A page shows hundreds of these,
# so they are looked up directly rather than through lazy strings.
STATUS_TEXT = {
    Status.NEW: N_("New"),
    Status.IN_PROGRESS: N_("In progress"),
    Status.BLOCKED: N_("Blocked"),
    Status.DONE: N_("Done, awaiting verification"),
    Status.VERIFIED: N_("Verified"),
    Status.CANCELLED: N_("Cancelled"),
}
PRIORITY_TEXT = {
    Priority.LOW: N_("Low"),
    Priority.MEDIUM: N_("Medium"),
    Priority.HIGH: N_("High"),
}
FIELD_TEXT = {
    "title": N_("Action"), "description": N_("Description"), "source": N_("Source"),
    "webinar_id": N_("Webinar"), "theme_id": N_("Theme"), "unit_id": N_("Unit (OPD)"),
    "priority": N_("Priority"), "progress": N_("Progress"), "evidence_url": N_("Evidence link"),
    "owner_id": N_("Owner"), "due_date": N_("Due date"), "supporters": N_("Supporting members"),
    "status": N_("Status"),
}
# Lazy versions for form choices and messages built before the language is known.
STATUS_LABELS = {status: _l(text) for status, text in STATUS_TEXT.items()}
PRIORITY_LABELS = {priority: _l(text) for priority, text in PRIORITY_TEXT.items()}


def status_label(status: Status) -> str:
    """The status's name in the current language."""
    return _(STATUS_TEXT[Status(status)])


def priority_label(priority: Priority) -> str:
    """The priority's name in the current language."""
    return _(PRIORITY_TEXT[Priority(priority)])


def due_state(item: ActionItem, horizon: Horizon | None = None) -> str:
    """overdue / today / soon (the one "due soon" setting) / later / none / closed."""
    if item.due_date is None:
        return "none"
    if not item.is_open:
        return "closed"
    if horizon is None:
        from tracker.services.horizon import current_horizon  # the request's horizon (one query, then kept)

        horizon = current_horizon()
    if item.is_overdue(horizon.today):
        return "overdue"
    if item.due_date == horizon.today:
        return "today"
    if item.is_due_soon(horizon):
        return "soon"
    return "later"


def field_label(field: str | None) -> str:
    """An item field's name in the current language (the field itself when unknown)."""
    text = FIELD_TEXT.get(field or "")
    return _(text) if text is not None else (field or "")


WEBINAR_LABEL = re.compile(r"^Seri (\d{1,9})$")


def history_value(field: str | None, value: str | None, label: str | None = None) -> str:
    """A history value as a person reads it: names, Indonesian dates, status words."""
    if label and field == "webinar_id" and WEBINAR_LABEL.match(label):
        # History keeps the webinar as "Seri 28"; an English reader sees "Series 28".
        return _("Series %(series)d", series=int(WEBINAR_LABEL.match(label).group(1)))
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
    if kind == HistoryKind.DELETED:
        return _("deleted the item as entered by mistake")
    if kind == HistoryKind.RESTORED:
        return _("restored the deleted item")
    if kind == HistoryKind.EVIDENCE_ADDED:
        return _("attached the evidence file %(name)s", name=entry.new_label or "")
    if kind == HistoryKind.EVIDENCE_WITHDRAWN:
        return _("withdrew the evidence file %(name)s", name=entry.old_label or "")
    old = history_value(entry.field, entry.old_value, entry.old_label)
    new = history_value(entry.field, entry.new_value, entry.new_label)
    if kind == HistoryKind.EXTENSION_REQUESTED:
        return _("asked to move the due date from %(old)s to %(new)s", old=old, new=new)
    if kind == HistoryKind.EXTENSION_APPROVED:
        return _("approved moving the due date from %(old)s to %(new)s", old=old, new=new)
    if kind == HistoryKind.EXTENSION_REJECTED:
        return _("rejected moving the due date from %(old)s to %(new)s", old=old, new=new)
    return _("changed %(field)s: %(old)s → %(new)s", field=field_label(entry.field), old=old, new=new)


class TimelineEntry(NamedTuple):
    """One history record in words, ready for items/_timeline.html."""

    kind: str
    when: str
    who: str
    summary: str
    note: str | None


def timeline_entries(rows) -> list[TimelineEntry]:
    """History rows (services.history.timeline) in words, in one pass rather than per template call.

    Comments come as HTML with their links and @mentions clickable; every name on the page is looked up
    in one query.
    """
    from tracker.comment_markup import render
    from tracker.services.mentions import mentioned_names, people_named

    system = _("System")
    comments = [row.note for row in rows if HistoryKind(row.kind) == HistoryKind.COMMENT]
    people = people_named(set().union(*map(mentioned_names, comments))) if comments else {}
    return [
        TimelineEntry(HistoryKind(row.kind).value, show_datetime(row.created_at), row.actor_name or system,
                      history_summary(row),
                      render(row.note, people) if HistoryKind(row.kind) == HistoryKind.COMMENT else row.note)
        for row in rows
    ]


def file_size(size: int) -> str:
    """A file size as people read it, with the language's decimal sign: 980 B, 12 KB, 1,4 MB."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{show_decimal(size / 1024, '#,##0')} KB"
    return f"{show_decimal(size / (1024 * 1024))} MB"


def register(app: Flask) -> None:
    """Make the label and history helpers available to every template."""
    app.jinja_env.filters["file_size"] = file_size
    app.jinja_env.globals.update(
        status_label=status_label, priority_label=priority_label, due_state=due_state,
        field_label=field_label, history_value=history_value, history_summary=history_summary,
        item_url=item_url,
        query_url=query_url,
    )

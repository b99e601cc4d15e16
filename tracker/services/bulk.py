"""Bulk entry: many action items at once, one per line of pasted meeting notes.

A line is a title with optional tokens anywhere in it: `@username` (owner), `#theme` (theme slug),
`!tinggi` / `!sedang` / `!rendah` (priority), `due:YYYY-MM-DD` or `due:+14` (days from today, WITA).
Parsing never touches the database: `load_lookups` fetches the people and themes first.
"""
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select

from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.i18n import ngettext
from tracker.models import ActionItem, Priority, Theme, User, Webinar
from tracker.permissions import can_bulk_enter
from tracker.services.errors import InvalidInput, NotAllowed
from tracker.services.items import create_item
from tracker.timeutil import local_today

MAX_TITLE = 300
MAX_ROWS = 200
MAX_DAYS_AHEAD = 3650

# A list marker copied from the notes ("- ", "* ", "• ", "3. ", "3) ") is not part of the title.
LIST_MARKER = re.compile(r"^\s*(?:[-*•]|\d{1,3}[.)])\s+")
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
RELATIVE_DAYS = re.compile(r"^\+(\d{1,5})$")


@dataclass
class BulkRow:
    """One understood (or not) line: what would be created, and why it cannot be."""

    line_no: int
    text: str
    title: str = ""
    owner: User | None = None
    theme: Theme | None = None
    priority: Priority = Priority.MEDIUM
    due_date: date | None = None
    errors: list[str] = field(default_factory=list)


@dataclass
class Lookups:
    """What tokens can refer to: people by lowercase username, active themes by lowercase slug."""

    people: dict[str, User]
    themes: dict[str, Theme]
    # due:+N: calendar days, or working days when the due_in_working_days setting is on.
    add_days: Callable[[date, int], date] = field(default=lambda start, n: start + timedelta(days=n))


def mentioned_usernames(text: str) -> set[str]:
    """Every `@name` of the text, lowercased (to fetch just those accounts)."""
    return {word[1:].lower() for word in text.split() if word.startswith("@") and len(word) > 1}


def load_lookups(text: str) -> Lookups:
    """Fetch the mentioned accounts and the active themes: two queries, whatever the line count."""
    names = mentioned_usernames(text)
    people = {}
    if names:
        found = db.session.scalars(select(User).where(func.lower(User.username).in_(names)))
        people = {user.username.lower(): user for user in found}
    from tracker.services.working_days import relative_due

    return Lookups(people=people, themes={theme.slug.lower(): theme for theme in active_themes()},
                   add_days=relative_due())


def active_themes() -> list[Theme]:
    """The themes a `#slug` may name, in their usual order."""
    return list(db.session.scalars(select(Theme).where(Theme.active.is_(True)).order_by(Theme.sort_order, Theme.slug)))


def _parse_due(value: str, today: date, add_days: Callable[[date, int], date]) -> date | None:
    match = ISO_DATE.match(value)
    if match:
        try:
            return date(*map(int, match.groups()))
        except ValueError:
            return None
    match = RELATIVE_DAYS.match(value)
    if match and int(match.group(1)) <= MAX_DAYS_AHEAD:
        return add_days(today, int(match.group(1)))
    return None


def parse_line(line_no: int, text: str, lookups: Lookups, today: date) -> BulkRow:
    """Split one line into title and tokens, noting every token it cannot understand."""
    row = BulkRow(line_no=line_no, text=text.strip())
    words, seen = [], set()

    def set_once(name: str, value, duplicate_message: str) -> None:
        # A second token of the same kind is a mistake, not a silent override.
        if name in seen:
            row.errors.append(duplicate_message)
        else:
            seen.add(name)
            setattr(row, name, value)

    for word in LIST_MARKER.sub("", text).split():
        lower = word.lower()
        if lower.startswith("due:"):
            due = _parse_due(word[4:], today, lookups.add_days)
            if due is None:
                row.errors.append(_("%(token)s is not a date: write due:YYYY-MM-DD or due:+14.", token=word))
            else:
                set_once("due_date", due, _("%(token)s: only one due date per line.", token=word))
        elif len(word) > 1 and word[0] == "@":
            user = lookups.people.get(lower[1:])
            if user is None:
                row.errors.append(_("Unknown user %(token)s.", token=word))
            elif not user.may_own:
                row.errors.append(_("%(token)s cannot own items: owners are active members or heads.", token=word))
            else:
                set_once("owner", user, _("%(token)s: only one owner per line.", token=word))
        elif len(word) > 1 and word[0] == "#":
            theme = lookups.themes.get(lower[1:])
            if theme is None:
                row.errors.append(_("Unknown theme %(token)s; use one of: %(themes)s.",
                                    token=word, themes=", ".join("#" + slug for slug in sorted(lookups.themes))))
            else:
                set_once("theme", theme, _("%(token)s: only one theme per line.", token=word))
        elif len(word) > 1 and word[0] == "!":
            try:
                priority = Priority(lower[1:])
            except ValueError:
                row.errors.append(
                    _("Unknown token %(token)s; the priority is !tinggi, !sedang or !rendah.", token=word))
            else:
                set_once("priority", priority, _("%(token)s: only one priority per line.", token=word))
        else:
            words.append(word)
    row.title = " ".join(words)
    if not row.title:
        row.errors.append(_("The title is empty."))
    elif len(row.title) > MAX_TITLE:
        row.errors.append(_("The title is too long: %(length)d characters, at most %(max)d.",
                            length=len(row.title), max=MAX_TITLE))
    return row


def parse_lines(text: str, lookups: Lookups, today: date) -> list[BulkRow]:
    """Every non-blank line as a row; line numbers count blank lines so they match the text box."""
    return [
        parse_line(number, line, lookups, today)
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip()
    ]


def parse(text: str, today: date | None = None) -> list[BulkRow]:
    """Parse pasted lines against the accounts and themes in the database."""
    return parse_lines(text or "", load_lookups(text or ""), today or local_today())


def batch_error(rows: list[BulkRow]) -> str | None:
    """Why this batch as a whole cannot be saved, or None when it can."""
    if not rows:
        return _("There is nothing to save: every line is blank.")
    if len(rows) > MAX_ROWS:
        return _("At most %(max)d items at once; split the list.", max=MAX_ROWS)
    bad = sum(1 for row in rows if row.errors)
    if bad:
        return ngettext("%(num)d line needs correcting.", "%(num)d lines need correcting.", bad)
    return None


def save_rows(webinar: Webinar, actor: User, rows: list[BulkRow]) -> list[ActionItem]:
    """Create one item per row, all or none: any row with an error refuses the whole batch."""
    if not can_bulk_enter(actor):
        raise NotAllowed(_("You may not enter items in bulk."))
    problem = batch_error(rows)
    if problem:
        raise InvalidInput(_("Nothing was saved. %(problem)s", problem=problem))
    return [
        create_item(
            webinar, actor,
            title=row.title, owner=row.owner, theme=row.theme, priority=row.priority, due_date=row.due_date,
        )
        for row in rows
    ]

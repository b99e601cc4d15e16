"""Bulk entry: many action items at once, one per line of pasted meeting notes.

A line is a title with optional tokens anywhere in it: `@username` (owner), `+@username` (a supporting
member, as many as needed), `#theme` (theme slug), `!tinggi` / `!sedang` / `!rendah` (priority),
`due:YYYY-MM-DD` or `due:+14` (calendar or working days from today, WITA, as the settings say),
`unit:BKD` (a unit by its short name or name) and `sumber:Narasumber` (who or what prompted it).
A unit or source of several words goes in double quotes: `sumber:"Prof. Zudan"`.
Parsing never touches the database: `load_lookups` fetches the people, themes and units first.
"""
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select

from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.i18n import ngettext
from tracker.models import ActionItem, Priority, Theme, Unit, User, Webinar
from tracker.permissions import can_bulk_enter
from tracker.services.errors import InvalidInput, NotAllowed
from tracker.services.items import create_item
from tracker.timeutil import local_today

MAX_TITLE = 300
MAX_SOURCE = 300
MAX_ROWS = 200
MAX_DAYS_AHEAD = 3650

# A list marker copied from the notes ("- ", "* ", "• ", "3. ", "3) ") is not part of the title.
LIST_MARKER = re.compile(r"^\s*(?:[-*•]|\d{1,3}[.)])\s+")
# A word, or a `key:"several words"` token kept whole.
WORD = re.compile(r'(?i)(?:sumber|unit|opd):"[^"]*"|\S+')
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
RELATIVE_DAYS = re.compile(r"^\+(\d{1,5})$")


@dataclass
class BulkRow:
    """One understood (or not) line: what would be created, and why it cannot be."""

    line_no: int
    text: str
    title: str = ""
    owner: User | None = None
    supporters: list[User] = field(default_factory=list)
    theme: Theme | None = None
    unit: Unit | None = None
    source: str | None = None
    priority: Priority = Priority.MEDIUM
    due_date: date | None = None
    errors: list[str] = field(default_factory=list)


@dataclass
class Lookups:
    """What tokens can refer to: people by lowercase username, active themes by slug, units by name."""

    people: dict[str, User]
    themes: dict[str, Theme]
    units: dict[str, Unit] = field(default_factory=dict)
    # due:+N: calendar days, or working days when the due_in_working_days setting is on.
    add_days: Callable[[date, int], date] = field(default=lambda start, n: start + timedelta(days=n))


def mentioned_usernames(text: str) -> set[str]:
    """Every `@name` and `+@name` of the text, lowercased (to fetch just those accounts)."""
    words = (word.removeprefix("+") for word in text.split())
    return {word[1:].lower() for word in words if word.startswith("@") and len(word) > 1}


def load_lookups(text: str) -> Lookups:
    """Fetch the mentioned accounts, the active themes and the active units: three queries at most."""
    names = mentioned_usernames(text)
    people = {}
    if names:
        found = db.session.scalars(select(User).where(func.lower(User.username).in_(names)))
        people = {user.username.lower(): user for user in found}
    from tracker.services.working_days import relative_due

    return Lookups(people=people, themes={theme.slug.lower(): theme for theme in active_themes()},
                   units=unit_names(), add_days=relative_due())


def active_themes() -> list[Theme]:
    """The themes a `#slug` may name, in their usual order."""
    return list(db.session.scalars(select(Theme).where(Theme.active.is_(True)).order_by(Theme.sort_order, Theme.slug)))


def active_units() -> list[Unit]:
    """The units a `unit:` token may name, by name."""
    return list(db.session.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.name)))


def unit_names() -> dict[str, Unit]:
    """The active units by lowercase short name and by lowercase full name (what `unit:` may name)."""
    names = {}
    for unit in active_units():
        names[unit.name.lower()] = unit
        if unit.short_name:
            names.setdefault(unit.short_name.lower(), unit)
    return names


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


class _Line:
    """The tokens of one line being read into its row; a kind given twice is an error, not an override."""

    def __init__(self, row: BulkRow, lookups: Lookups, today: date):
        self.row, self.lookups, self.today, self.seen = row, lookups, today, set()

    def set_once(self, name: str, value, duplicate_message: str) -> None:
        if name in self.seen:
            self.row.errors.append(duplicate_message)
        else:
            self.seen.add(name)
            setattr(self.row, name, value)

    def person(self, word: str, username: str) -> User | None:
        """The account a token names, if it may own or support items (else an error is noted)."""
        user = self.lookups.people.get(username.lower())
        if user is None:
            self.row.errors.append(_("Unknown user %(token)s.", token=word))
        elif not user.may_own:
            self.row.errors.append(_("%(token)s cannot own items: owners are active members or heads.", token=word))
        else:
            return user
        return None

    def keyed(self, word: str, key: str, value: str) -> None:
        """A `key:value` token: due date, unit or source."""
        if key == "due":
            due = _parse_due(value, self.today, self.lookups.add_days)
            if due is None:
                self.row.errors.append(_("%(token)s is not a date: write due:YYYY-MM-DD or due:+14.", token=word))
            else:
                self.set_once("due_date", due, _("%(token)s: only one due date per line.", token=word))
        elif key in ("unit", "opd"):
            unit = self.lookups.units.get(value.strip().lower())
            if unit is None:
                self.row.errors.append(_("Unknown unit %(token)s; write the short name, e.g. unit:BKD.", token=word))
            else:
                self.set_once("unit", unit, _("%(token)s: only one unit per line.", token=word))
        elif not value.strip():
            self.row.errors.append(_("%(token)s: the source is empty.", token=word))
        elif len(value) > MAX_SOURCE:
            self.row.errors.append(_("The source is too long: at most %(max)d characters.", max=MAX_SOURCE))
        else:
            self.set_once("source", value.strip(), _("%(token)s: only one source per line.", token=word))

    def marked(self, word: str) -> None:
        """A token that starts with a mark: +@supporter, @owner, #theme, !priority."""
        if word.startswith("+@"):
            user = self.person(word, word[2:])
            if user is not None and user not in self.row.supporters:
                self.row.supporters.append(user)
        elif word[0] == "@":
            user = self.person(word, word[1:])
            if user is not None:
                self.set_once("owner", user, _("%(token)s: only one owner per line.", token=word))
        elif word[0] == "#":
            theme = self.lookups.themes.get(word[1:].lower())
            if theme is None:
                self.row.errors.append(_("Unknown theme %(token)s; use one of: %(themes)s.", token=word,
                                         themes=", ".join("#" + slug for slug in sorted(self.lookups.themes))))
            else:
                self.set_once("theme", theme, _("%(token)s: only one theme per line.", token=word))
        else:
            try:
                priority = Priority(word[1:].lower())
            except ValueError:
                self.row.errors.append(
                    _("Unknown token %(token)s; the priority is !tinggi, !sedang or !rendah.", token=word))
            else:
                self.set_once("priority", priority, _("%(token)s: only one priority per line.", token=word))

    def read(self, word: str) -> bool:
        """Take the word as a token; False when it is part of the title."""
        key, colon, value = word.partition(":")
        if colon and key.lower() in ("due", "unit", "opd", "sumber"):
            self.keyed(word, key.lower(), value.strip('"'))
        elif len(word) > 1 and word[0] in "@#!" or len(word) > 2 and word.startswith("+@"):
            self.marked(word)
        else:
            return False
        return True


def parse_line(line_no: int, text: str, lookups: Lookups, today: date) -> BulkRow:
    """Split one line into title and tokens, noting every token it cannot understand."""
    row = BulkRow(line_no=line_no, text=text.strip())
    line = _Line(row, lookups, today)
    words = [word for word in WORD.findall(LIST_MARKER.sub("", text)) if not line.read(word)]
    row.title = " ".join(words)
    if not row.title:
        row.errors.append(_("The title is empty."))
    elif len(row.title) > MAX_TITLE:
        row.errors.append(_("The title is too long: %(length)d characters, at most %(max)d.",
                            length=len(row.title), max=MAX_TITLE))
    if row.owner is not None and row.owner in row.supporters:
        row.errors.append(_("%(name)s is the owner and cannot also be a supporting member.",
                            name=row.owner.full_name))
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
            unit=row.unit, source=row.source, supporters=row.supporters,
        )
        for row in rows
    ]

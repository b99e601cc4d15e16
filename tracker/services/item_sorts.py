"""The list's sort orders, each one row of SORT_ORDERS, and the keyset cursor that pages through them.

A sort order is its key columns, each ascending or descending, always ending with the id so that two
rows never tie. Every order pages the same way: the next page is "the rows after the last one shown"
(a seek on the order's index where it has one), the previous page "the rows before the first one".
"""
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from operator import attrgetter
from typing import Any, Callable

from sqlalchemy import and_, literal, or_, tuple_

from tracker.models import ActionItem, Priority, Webinar
from tracker.validation import MAX_ID, iso_date, positive_int

CURSOR_MAX_LENGTH = 120
CURSOR_SEPARATOR = "~"


def _moment(raw: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _priority(raw: str) -> Priority | None:
    try:
        return Priority(raw)
    except ValueError:
        return None


def _number(raw: str) -> int | None:
    return positive_int(raw, MAX_ID)


@dataclass(frozen=True)
class SortKey:
    """One column of a sort order: its SQL expression, how an item answers it, and how a link spells it."""

    column: Any
    value_of: Callable[[ActionItem], Any]
    parse: Callable[[str], Any]  # the value from its text in a cursor, or None when it is not one
    descending: bool = False

    def ordered(self, backwards: bool = False):
        """The ORDER BY term (reversed for a page read backwards from its end)."""
        return self.column.desc() if self.descending != backwards else self.column.asc()

    def reversed(self) -> "SortKey":
        """The same key in the opposite direction."""
        return SortKey(self.column, self.value_of, self.parse, not self.descending)


ID = SortKey(ActionItem.id, attrgetter("id"), _number)
DUE = SortKey(ActionItem.due_key, attrgetter("due_key"), iso_date)  # undated items last (rules.py)

# The one place that defines a sort order: its keys in order (the first entry is the default).
SORT_ORDERS: dict[str, tuple[SortKey, ...]] = {
    "due": (DUE, ID),
    # Stored values rendah < sedang < tinggi sort alphabetically: descending is high first.
    "priority": (SortKey(ActionItem.priority, attrgetter("priority"), _priority, descending=True), DUE, ID),
    "updated": (SortKey(ActionItem.updated_at, attrgetter("updated_at"), _moment, descending=True), ID.reversed()),
    # S3-01 before S28-01 before S28-10: by series number, then item number.
    "code": (SortKey(Webinar.series, attrgetter("webinar.series"), _number),
             SortKey(ActionItem.number, attrgetter("number"), _number), ID),
}
DEFAULT_SORT = next(iter(SORT_ORDERS))
# Best match first (services/search_query.py): the default of a search, paged by number. Where no
# search ranks the rows (an export, a list without a search) it is the default order.
RELEVANCE = "relevance"


def keys_of(sort: str) -> tuple[SortKey, ...]:
    """The keys of a sort order (relevance: those of the default order)."""
    return SORT_ORDERS.get(sort, SORT_ORDERS[DEFAULT_SORT])


def ordering(sort: str, backwards: bool = False) -> list:
    """ORDER BY of a sort order (reversed to read a page backwards)."""
    return [key.ordered(backwards) for key in keys_of(sort)]


def needs_webinar(sort: str) -> bool:
    """Whether the order reads a column of the item's webinar (then the webinar is joined)."""
    return any(getattr(key.column, "class_", None) is Webinar for key in keys_of(sort))


@dataclass(frozen=True)
class Cursor:
    """A row's position in a sort order: its values of the order's keys, written into Next/Previous links.

    "2026-11-22~74765" in due order, "tinggi~9999-12-31~8" in priority order: a next or previous page is
    an index seek from it however deep it is, instead of an OFFSET that reads every row before.
    """

    sort: str
    values: tuple

    @classmethod
    def of(cls, sort: str, item: ActionItem) -> "Cursor":
        """The position of an item in a sort order."""
        return cls(sort, tuple(key.value_of(item) for key in SORT_ORDERS[sort]))

    @classmethod
    def parse(cls, sort: str, raw: str) -> "Cursor | None":
        """The cursor in a link, or None when it is not one of this sort order (an old or edited link)."""
        keys = SORT_ORDERS.get(sort)
        parts = raw.split(CURSOR_SEPARATOR)
        if keys is None or len(raw) > CURSOR_MAX_LENGTH or len(parts) != len(keys):
            return None
        values = tuple(key.parse(part) for key, part in zip(keys, parts))
        return None if any(value is None for value in values) else cls(sort, values)

    def __str__(self) -> str:
        return CURSOR_SEPARATOR.join(_text(value) for value in self.values)

    def seek(self, backwards: bool = False):
        """WHERE the rows come after this position in the order (before it, reading backwards)."""
        keys = SORT_ORDERS[self.sort]
        if backwards:
            keys = tuple(key.reversed() for key in keys)
        return _after(keys, self.values)


def _text(value: Any) -> str:
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def _after(keys: tuple[SortKey, ...], values: tuple):
    """Rows after the values in the order of keys, as conditions both databases seek an index with.

    A run of keys in one direction is a row-value comparison, (a, b) > (x, y), led by a >= x: SQLite
    (3.40) seeks an expression index only on the plain comparison, PostgreSQL on both. Where the
    direction changes, the rest of the order only breaks the ties of the run before it.
    """
    run = 1
    while run < len(keys) and keys[run].descending == keys[0].descending:
        run += 1
    columns = [key.column for key in keys[:run]]
    bound = [literal(value, key.column.type) for key, value in zip(keys[:run], values[:run])]
    first, start = columns[0], bound[0]
    reached = first <= start if keys[0].descending else first >= start
    if run == 1:
        past = first < start if keys[0].descending else first > start
        same = first == start
    else:
        past = tuple_(*columns) < tuple_(*bound) if keys[0].descending else tuple_(*columns) > tuple_(*bound)
        same = tuple_(*columns) == tuple_(*bound)
    if run == len(keys):
        return and_(reached, past)
    return and_(reached, or_(past, and_(same, _after(keys[run:], values[run:]))))

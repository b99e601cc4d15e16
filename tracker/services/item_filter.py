"""The item list's filter: read from a query string (bad values dropped with a notice) and written back.

The list page, the exports and the JSON API all read the same `ItemFilter`, so a filter always means
the same rows wherever it is used (its SQL: services/item_statements.py).
"""
from dataclasses import dataclass, fields
from datetime import date
from typing import Any, Mapping

from tracker.i18n import gettext as _
from tracker.models import Priority, Status
from tracker.services.item_sorts import DEFAULT_SORT, RELEVANCE, SORT_ORDERS, Cursor
from tracker.services.search_text import Term, terms
from tracker.validation import MAX_ID, iso_date, positive_int

PER_PAGE_CHOICES = (25, 50, 100)
SORTS = (*SORT_ORDERS, RELEVANCE)
MAX_QUERY = 200  # characters of free-text search kept
MAX_TERMS = 8  # words of the search; each must match somewhere in what the item says
MAX_PAGE = 1_000_000
REFERENCES = ("webinar", "owner", "theme", "unit")
PAGING = ("page", "per_page", "after", "before")
TRUE_VALUES = ("1", "y", "on", "true")


@dataclass(frozen=True)
class ItemFilter:
    """What the user asked for: every field is already valid (bad input was dropped)."""

    webinar: int | None = None
    statuses: tuple[Status, ...] = ()
    owner: int | None = None
    theme: int | None = None
    unit: int | None = None
    priority: Priority | None = None
    overdue: bool = False
    due_from: date | None = None
    due_to: date | None = None
    q: str = ""
    sort: str = DEFAULT_SORT
    page: int = 1
    per_page: int = PER_PAGE_CHOICES[0]
    # Keyset cursors (item_sorts.Cursor): the page starts after / ends before this row of the order.
    after: str = ""
    before: str = ""

    @classmethod
    def from_args(cls, args: Mapping) -> tuple["ItemFilter", list[str]]:
        """Parse request.args; a bad value is ignored and explained in one of the notices."""
        reader = _Reader(args)
        values: dict[str, Any] = {}
        for read in (reader.references, reader.statuses, reader.priority, reader.dates, reader.search,
                     reader.sort, reader.cursors, reader.paging):
            values.update(read(values))
        return cls(**values), reader.notices

    def query_args(self, *, page: bool = False) -> dict[str, Any]:
        """The filter as query-string arguments (for links, exports and bookmarks)."""
        args: dict[str, Any] = {name: getattr(self, name) for name in REFERENCES if getattr(self, name) is not None}
        if self.statuses:
            args["status"] = [status.value for status in self.statuses]
        if self.priority:
            args["priority"] = self.priority.value
        if self.overdue:
            args["overdue"] = 1
        for name in ("due_from", "due_to"):
            if getattr(self, name):
                args[name] = getattr(self, name).isoformat()
        if self.q:
            args["q"] = self.q
        if self.sort != DEFAULT_SORT:
            args["sort"] = self.sort
        if page:
            if self.per_page != PER_PAGE_CHOICES[0]:
                args["per_page"] = self.per_page
            if self.page != 1:
                args["page"] = self.page
            args.update({name: getattr(self, name) for name in ("after", "before") if getattr(self, name)})
        return args

    @property
    def narrows(self) -> bool:
        """Whether any filter or search is set (sorting and paging do not count)."""
        return self._differs_from_default(("sort", *PAGING))

    @property
    def narrows_beyond_search(self) -> bool:
        """Whether a filter other than the text search is set."""
        return self._differs_from_default(("q", "sort", *PAGING))

    @property
    def terms(self) -> list[Term]:
        """The words of the search that are used (at most MAX_TERMS), with their stems."""
        return terms(self.q, MAX_TERMS)

    @property
    def ranked(self) -> bool:
        """Whether the rows come best match first (a search without another chosen order)."""
        return self.sort == RELEVANCE

    def _differs_from_default(self, ignore: tuple[str, ...]) -> bool:
        defaults = ItemFilter()
        return any(
            getattr(self, f.name) != getattr(defaults, f.name) for f in fields(self) if f.name not in ignore
        )


class _Reader:
    """Reads one group of fields at a time from request arguments, collecting the notices."""

    def __init__(self, args: Mapping):
        self.args = args
        self.notices: list[str] = []

    def one(self, name: str) -> str:
        value = self.args.get(name)
        return "" if value is None else str(value).strip()

    def many(self, name: str) -> list[str]:
        if hasattr(self.args, "getlist"):
            return self.args.getlist(name)
        value = self.args.get(name)
        if value is None:
            return []
        return list(value) if isinstance(value, (list, tuple)) else [value]

    def references(self, _values) -> dict:
        labels = {"webinar": _("webinar"), "owner": _("owner"), "theme": _("theme"), "unit": _("unit")}
        found = {}
        for name in REFERENCES:
            raw = self.one(name)
            if raw:
                number = positive_int(raw, MAX_ID)
                if number is None:
                    self.notices.append(_("Ignored an unknown %(what)s in the filter.", what=labels[name]))
                else:
                    found[name] = number
        return found

    def statuses(self, _values) -> dict:
        statuses = []
        for raw in self.many("status"):
            raw = str(raw).strip()
            if not raw:
                continue
            try:
                status = Status(raw)
            except ValueError:
                self.notices.append(_("Ignored an unknown status in the filter."))
            else:
                if status not in statuses:
                    statuses.append(status)
        return {"statuses": tuple(sorted(statuses, key=list(Status).index))}

    def priority(self, _values) -> dict:
        raw = self.one("priority")
        if not raw:
            return {}
        try:
            return {"priority": Priority(raw)}
        except ValueError:
            self.notices.append(_("Ignored an unknown priority in the filter."))
            return {}

    def dates(self, _values) -> dict:
        found: dict[str, Any] = {"overdue": self.one("overdue") in TRUE_VALUES}
        for name in ("due_from", "due_to"):
            raw = self.one(name)
            if raw:
                parsed = iso_date(raw)
                if parsed is None:
                    self.notices.append(_("Ignored a due date that is not a date (use YYYY-MM-DD)."))
                else:
                    found[name] = parsed
        return found

    def search(self, _values) -> dict:
        raw = str(self.args.get("q") or "")
        # Control characters (a NUL byte above all: PostgreSQL refuses it in text) count as spaces.
        query = " ".join("".join(char if char.isprintable() else " " for char in raw).split())
        if len(query) > MAX_QUERY:
            query = query[:MAX_QUERY].rstrip()
            self.notices.append(_("The search text was shortened to %(max)d characters.", max=MAX_QUERY))
        return {"q": query}

    def sort(self, values) -> dict:
        raw = self.one("sort")
        if raw in SORT_ORDERS:
            return {"sort": raw}
        if raw and raw != RELEVANCE:
            self.notices.append(_("Ignored an unknown sort order."))
        # A search comes best match first unless another order is chosen; without one, relevance is due order.
        return {"sort": RELEVANCE} if values.get("q") else {}

    def cursors(self, values) -> dict:
        for name in ("after", "before"):  # one direction at a time
            raw = self.one(name)
            if not raw:
                continue
            if Cursor.parse(values.get("sort", DEFAULT_SORT), raw) is None:
                self.notices.append(_("Ignored a page position that is not valid; showing the page by number."))
                continue
            return {name: raw}
        return {}

    def paging(self, _values) -> dict:
        found = {}
        raw = self.one("page")
        if raw:
            page = positive_int(raw, MAX_PAGE)
            if page is None:
                self.notices.append(_("Ignored a page number that is not a number."))
            else:
                found["page"] = page
        raw = self.one("per_page")
        if raw:
            number = positive_int(raw, MAX_ID)
            if number in PER_PAGE_CHOICES:
                found["per_page"] = number
            else:
                self.notices.append(_("Rows per page can be 25, 50 or 100; showing 25."))
        return found

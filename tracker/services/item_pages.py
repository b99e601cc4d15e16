"""One page of a filtered item list: one keyset paginator for every sort order, and the capped count.

A page is one query: the ids of its rows from a narrow query on indexed columns (a seek from the
cursor of a Next/Previous link, or from the first row; an OFFSET only for a page number typed
without a cursor), only those rows joined to what the list shows, and the count as a column of the
same statement. The count stops at COUNT_LIMIT ("more than 10,000"; a search at
search_pages.SEARCH_COUNT_LIMIT) unless it is exact: for the API, and for an unfiltered list on SQLite,
which counts a whole table from its smallest index. A search best match first is two statements
(its counts decide how to read the page): search_pages.py.
"""
import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, select

from tracker.extensions import db
from tracker.models import ActionItem
from tracker.services import search_pages, search_query
from tracker.services.item_filter import ItemFilter
from tracker.services.item_sorts import DUE, SORT_ORDERS, Cursor, keys_of, needs_webinar, ordering
from tracker.services.item_statements import conditions, count_statement, due_key_bounds, select_items
from tracker.timeutil import local_today

COUNT_LIMIT = 10_000  # beyond this the list says "more than 10,000": counting every match costs O(matches)


@dataclass
class Pagination:
    """One page of results; lists/_pager.html reads it."""

    items: list
    page: int
    per_page: int
    total: int  # when not exact: COUNT_LIMIT, and more match
    sort: str = "due"
    exact: bool = True

    @property
    def pages(self) -> int | None:
        """How many pages, or None when the count stopped at COUNT_LIMIT."""
        return _pages(self.total, self.per_page) if self.exact else None

    @property
    def has_prev(self) -> bool:
        """Whether a previous page exists."""
        return self.page > 1

    @property
    def has_next(self) -> bool:
        """Whether a next page exists (past COUNT_LIMIT: whether this page is full)."""
        return self.page < self.pages if self.exact else len(self.items) == self.per_page

    @property
    def first_number(self) -> int:
        """The position of the first row shown (1-based), 0 when nothing matches."""
        return (self.page - 1) * self.per_page + 1 if self.items else 0

    @property
    def last_number(self) -> int:
        """The position of the last row shown."""
        return (self.page - 1) * self.per_page + len(self.items)

    def link_args(self, page: int) -> dict[str, Any]:
        """Query arguments of the previous or next page: its number and the cursor of the row next to it."""
        args: dict[str, Any] = {"page": page if page > 1 else None, "after": None, "before": None}
        if self.items and page > 1 and self.sort in SORT_ORDERS:  # best match first pages by number
            if page == self.page + 1:
                args["after"] = str(Cursor.of(self.sort, self.items[-1]))
            elif page == self.page - 1:
                args["before"] = str(Cursor.of(self.sort, self.items[0]))
        return args


def _pages(total: int, per_page: int) -> int:
    return max(1, math.ceil(total / per_page))


def paginate(item_filter: ItemFilter, *, with_reference: bool = False, exact: bool = False) -> Pagination:
    """One page of the filter's items (one query; two for best match first); past the end, the last page."""
    f = item_filter
    limit = None if exact or _cheap_to_count(f) else _count_limit(f)
    raw_cursor = f.after or f.before
    cursor = Cursor.parse(f.sort, raw_cursor) if raw_cursor else None
    rows = _page_rows(f, cursor, f.page, limit, with_reference)
    if rows:
        counted, page = rows[0].total, f.page
    elif cursor is None and f.page == 1:
        counted, page = 0, 1
    else:  # past the end (a typed page number, or a cursor whose rows moved): the last page by number
        limit, counted = None, db.session.scalar(count_statement(f, None, local_today()))
        page = min(f.page, _pages(counted, f.per_page))
        rows = _page_rows(f, None, page, None, with_reference) if counted else []
    exact_count = limit is None or counted <= limit
    return Pagination(items=[row[0] for row in rows], page=page, per_page=f.per_page, sort=f.sort,
                      total=counted if exact_count else limit, exact=exact_count)


def paginate_search(item_filter: ItemFilter, **options) -> tuple[Pagination, ItemFilter, str | None]:
    """A page as paginate does; when a search finds nothing, again with its unknown words corrected.

    Returns the page, the filter it answers (the corrected one) and the corrected search text or None.
    """
    pagination = paginate(item_filter, **options)
    if pagination.items or not item_filter.terms:
        return pagination, item_filter, None
    searched, correction = search_query.corrected(item_filter)
    return (paginate(searched, **options), searched, correction) if correction else (pagination, item_filter, None)


def _count_limit(item_filter: ItemFilter) -> int:
    """Where a count stops: a search's results are read from the top, "more than 500" says enough."""
    return search_pages.SEARCH_COUNT_LIMIT if item_filter.terms else COUNT_LIMIT


def _cheap_to_count(item_filter: ItemFilter) -> bool:
    """SQLite counts a whole table from its smallest index's page counts, faster than a capped count."""
    return not item_filter.narrows and db.engine.dialect.name == "sqlite"


def page_ids(f: ItemFilter, cursor: Cursor | None, page: int, today: date) -> Select:
    """The ids of one page in the filter's order: from the cursor, or skipping the pages before it."""
    backwards = cursor is not None and bool(f.before)
    statement = select(ActionItem.id)
    if needs_webinar(f.sort):
        statement = statement.join(ActionItem.webinar)
    where = conditions(f, today)
    if any(key is DUE for key in keys_of(f.sort)):
        where += due_key_bounds(f, today)
    if cursor is not None:
        where.append(cursor.seek(backwards))
    statement = statement.where(*where).order_by(*ordering(f.sort, backwards)).limit(f.per_page)
    return statement.offset((page - 1) * f.per_page) if cursor is None and page > 1 else statement


def _page_rows(f: ItemFilter, cursor: Cursor | None, page: int, limit: int | None, with_reference: bool) -> list:
    """The rows (ActionItem, total) of one page: its ids from the order's index, then only those joined."""
    today = local_today()
    if f.ranked and f.terms:
        return search_pages.ranked_rows(f, page, limit, with_reference, today)
    ids = page_ids(f, cursor, page, today).scalar_subquery()
    if f.terms and limit is not None:  # a search counted from its index, as best match first counts it
        total = search_pages.capped_count(f, today, limit + 1).label("total")
    else:
        total = count_statement(f, limit, today).scalar_subquery().label("total")
    statement = select_items(f, with_reference=with_reference, where=[ActionItem.id.in_(ids)]).add_columns(total)
    return db.session.execute(statement).all()

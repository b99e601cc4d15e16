"""Finding items: the list filter parsed from a query string, its SQL, pagination and "my tasks".

The list page, the exports and (later) the JSON API all read the same `ItemFilter`, so a filter
always means the same rows wherever it is used.
"""
import math
from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any, Mapping

from flask_babel import gettext as _
from sqlalchemy import Select, case, false, func, literal_column, or_, select, tuple_, union, union_all
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from tracker.extensions import db
from tracker.models import (
    CLOSED as CLOSED_STATUSES,
    OPEN as OPEN_STATUSES,
    ActionItem,
    Priority,
    Status,
    User,
    Webinar,
    item_supporters,
)
from tracker.timeutil import local_today
from tracker.validation import MAX_ID, iso_date, positive_int

PER_PAGE_CHOICES = (25, 50, 100)
SORTS = ("due", "priority", "updated", "code")
MAX_QUERY = 200  # characters of free-text search kept
MAX_TERMS = 8  # words of the search; each must match code, title or description
MAX_PAGE = 1_000_000
SOON_DAYS = 7


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
    sort: str = "due"
    page: int = 1
    per_page: int = PER_PAGE_CHOICES[0]
    # Keyset cursors (see Cursor): the page starts after / ends before this row of the sort order.
    after: str = ""
    before: str = ""

    @classmethod
    def from_args(cls, args: Mapping) -> tuple["ItemFilter", list[str]]:
        """Parse request.args; a bad value is ignored and explained in one of the notices."""
        notices: list[str] = []
        values: dict[str, Any] = {}

        def one(name: str) -> str:
            value = args.get(name)
            return "" if value is None else str(value).strip()

        for name, label in (("webinar", _("webinar")), ("owner", _("owner")),
                            ("theme", _("theme")), ("unit", _("unit"))):
            raw = one(name)
            if raw:
                number = positive_int(raw, MAX_ID)
                if number is None:
                    notices.append(_("Ignored an unknown %(what)s in the filter.", what=label))
                else:
                    values[name] = number

        statuses = []
        for raw in _getlist(args, "status"):
            raw = str(raw).strip()
            if not raw:
                continue
            try:
                status = Status(raw)
            except ValueError:
                notices.append(_("Ignored an unknown status in the filter."))
            else:
                if status not in statuses:
                    statuses.append(status)
        values["statuses"] = tuple(sorted(statuses, key=list(Status).index))

        raw = one("priority")
        if raw:
            try:
                values["priority"] = Priority(raw)
            except ValueError:
                notices.append(_("Ignored an unknown priority in the filter."))

        values["overdue"] = one("overdue") in ("1", "y", "on", "true")

        for name in ("due_from", "due_to"):
            raw = one(name)
            if raw:
                parsed = iso_date(raw)
                if parsed is None:
                    notices.append(_("Ignored a due date that is not a date (use YYYY-MM-DD)."))
                else:
                    values[name] = parsed

        query = " ".join(str(args.get("q") or "").split())
        if len(query) > MAX_QUERY:
            query = query[:MAX_QUERY].rstrip()
            notices.append(_("The search text was shortened to %(max)d characters.", max=MAX_QUERY))
        values["q"] = query

        raw = one("sort")
        if raw in SORTS:
            values["sort"] = raw
        elif raw:
            notices.append(_("Ignored an unknown sort order."))

        for name in ("after", "before"):
            raw = one(name)
            if raw and "after" not in values:  # one direction at a time
                if Cursor.parse(values.get("sort", "due"), raw) is None:
                    notices.append(_("Ignored a page position that is not valid; showing the page by number."))
                else:
                    values[name] = raw

        raw = one("page")
        if raw:
            page = positive_int(raw, MAX_PAGE)
            if page is None:
                notices.append(_("Ignored a page number that is not a number."))
            else:
                values["page"] = page

        raw = one("per_page")
        if raw:
            number = positive_int(raw, MAX_ID)
            if number in PER_PAGE_CHOICES:
                values["per_page"] = number
            else:
                notices.append(_("Rows per page can be 25, 50 or 100; showing 25."))
        return cls(**values), notices

    def query_args(self, *, page: bool = False) -> dict[str, Any]:
        """The filter as query-string arguments (for links, exports and bookmarks)."""
        args: dict[str, Any] = {}
        for name in ("webinar", "owner", "theme", "unit"):
            if getattr(self, name) is not None:
                args[name] = getattr(self, name)
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
        if self.sort != "due":
            args["sort"] = self.sort
        if page:
            if self.per_page != PER_PAGE_CHOICES[0]:
                args["per_page"] = self.per_page
            if self.page != 1:
                args["page"] = self.page
            for name in ("after", "before"):
                if getattr(self, name):
                    args[name] = getattr(self, name)
        return args

    @property
    def narrows(self) -> bool:
        """Whether any filter or search is set (sorting and paging do not count)."""
        return self._differs_from_default(("sort", "page", "per_page", "after", "before"))

    @property
    def narrows_beyond_search(self) -> bool:
        """Whether a filter other than the text search is set."""
        return self._differs_from_default(("q", "sort", "page", "per_page", "after", "before"))

    def _differs_from_default(self, ignore: tuple[str, ...]) -> bool:
        defaults = ItemFilter()
        return any(
            getattr(self, f.name) != getattr(defaults, f.name) for f in fields(self) if f.name not in ignore
        )


def _getlist(args: Mapping, name: str) -> list[str]:
    if hasattr(args, "getlist"):
        return args.getlist(name)
    value = args.get(name)
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def conditions(item_filter: ItemFilter, today: date | None = None) -> list:
    """The WHERE clauses of a filter (shared by the row query and the count)."""
    f = item_filter
    where = []
    if f.webinar is not None:
        where.append(ActionItem.webinar_id == f.webinar)
    if f.statuses:
        where.append(ActionItem.status.in_(f.statuses))
    if f.owner is not None:
        where.append(ActionItem.owner_id == f.owner)
    if f.theme is not None:
        where.append(ActionItem.theme_id == f.theme)
    if f.unit is not None:
        where.append(ActionItem.unit_id == f.unit)
    if f.priority is not None:
        where.append(ActionItem.priority == f.priority)
    if f.overdue:
        where.append(ActionItem.status.in_(OPEN_STATUSES))
        where.append(ActionItem.due_date < (today or local_today()))
    if f.due_from is not None:
        where.append(ActionItem.due_date >= f.due_from)
    if f.due_to is not None:
        where.append(ActionItem.due_date <= f.due_to)
    # ILIKE is native on PostgreSQL; on SQLite SQLAlchemy renders lower(x) LIKE lower(y).
    for term in f.q.split()[:MAX_TERMS]:
        pattern = _like_pattern(term)
        where.append(or_(
            ActionItem.code.ilike(pattern, escape="\\"),
            ActionItem.title.ilike(pattern, escape="\\"),
            ActionItem.description.ilike(pattern, escape="\\"),
        ))
    return where


def _ordering(sort: str) -> list:
    """ORDER BY on indexed columns, always ending with the id so pages never overlap."""
    due = ActionItem.due_date.asc().nulls_last()
    if sort == "priority":
        # Stored values rendah < sedang < tinggi sort alphabetically: descending is high first.
        return [ActionItem.priority.desc(), due, ActionItem.id.asc()]
    if sort == "updated":
        return [ActionItem.updated_at.desc(), ActionItem.id.desc()]
    if sort == "code":
        # S3-01 before S28-01 before S28-10: by series number, then item number.
        return [Webinar.series.asc(), ActionItem.number.asc(), ActionItem.id.asc()]
    return [due, ActionItem.id.asc()]


def select_items(item_filter: ItemFilter, *, with_reference: bool = True, with_supporters: bool = False) -> Select:
    """The filtered, sorted items with webinar and owner (and theme and unit) loaded in the same query.

    The list page shows neither theme nor unit: leaving them out halves the cost of loading a page.
    """
    statement = (
        select(ActionItem)
        .join(ActionItem.webinar)
        .where(*conditions(item_filter))
        .options(contains_eager(ActionItem.webinar), joinedload(ActionItem.owner))
        .order_by(*_ordering(item_filter.sort))
    )
    if with_reference:
        statement = statement.options(joinedload(ActionItem.theme), joinedload(ActionItem.unit))
    if with_supporters:
        statement = statement.options(selectinload(ActionItem.supporters))
    return statement


# Statements of the list are built once per distinct filter and reused: building a SELECT and its
# cache key costs SQLAlchemy more than SQLite needs to run it (about 0.9 ms against 0.1 ms for a page).
# Every input of a statement is part of its key, the date included, so a cached one is never stale.
STATEMENT_CACHE = 256


def count_items(item_filter: ItemFilter, with_undated: bool = False,
                limit: int | None = None) -> tuple[int, int | None]:
    """How many items match (at most limit + 1 when a limit is given) and, when asked, how many of
    them have no due date (one query)."""
    rows_filter = replace(item_filter, sort="due", page=1, per_page=PER_PAGE_CHOICES[0], after="", before="")
    row = db.session.execute(_count_statement(rows_filter, with_undated, limit, local_today())).one()
    return row[0], (row[1] if with_undated else None)


@lru_cache(maxsize=STATEMENT_CACHE)
def _count_statement(item_filter: ItemFilter, with_undated: bool, limit: int | None, today: date) -> Select:
    where = conditions(item_filter, today)
    if limit is not None:  # stops reading after limit + 1 matches
        matches = select(literal_column("1")).select_from(ActionItem).where(*where).limit(limit + 1).subquery()
        return select(func.count()).select_from(matches)
    # count(*), not count(id): SQLite answers an unfiltered count(*) from its smallest index.
    columns = [func.count()]
    if with_undated:  # an index range on (due_date, id): cheap, unlike counting the dated ones
        columns.append(select(func.count()).select_from(ActionItem)
                       .where(*where, ActionItem.due_date.is_(None)).scalar_subquery())
    return select(*columns).select_from(ActionItem).where(*where)


KEYSET_SORTS = ("due", "updated")  # orders a page can start from a cursor (the others use OFFSET)


@dataclass(frozen=True)
class Cursor:
    """A row's position in a keyset order: its sort value (due date or update time) and its id.

    Written into links as "2026-11-22~74765" ("~74765" for an item without a due date), so a next or
    previous page is an index seek however deep it is, instead of an OFFSET that reads every row before it.
    """

    value: date | datetime | None
    id: int

    @classmethod
    def of(cls, sort: str, item: ActionItem) -> "Cursor":
        return cls(item.updated_at if sort == "updated" else item.due_date, item.id)

    @classmethod
    def parse(cls, sort: str, raw: str) -> "Cursor | None":
        """The cursor in a link, or None when it is not one of this sort order."""
        value, _sep, id_text = raw.partition("~")
        if sort not in KEYSET_SORTS or not _sep or len(raw) > 60:
            return None
        item_id = positive_int(id_text, MAX_ID)
        if item_id is None:
            return None
        if sort == "updated":
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                return None
            return cls(moment if moment.tzinfo else moment.replace(tzinfo=UTC), item_id)
        if not value:
            return cls(None, item_id)
        day = iso_date(value)
        return cls(day, item_id) if day else None

    def __str__(self) -> str:
        value = self.value.isoformat() if self.value is not None else ""
        return f"{value}~{self.id}"


def _keyset_ids(item_filter: ItemFilter, cursor: Cursor | None, backwards: bool, today: date) -> Select:
    """The ids of one page in a keyset order, starting after (or, backwards, ending before) the cursor.

    Due order is "due date, then items without one", each part by id: two index seeks, one on
    (due_date, id) and one on id among the undated, as SQLite cannot seek on a NULLS LAST order.
    """
    per_page = item_filter.per_page
    where = conditions(item_filter, today)
    if item_filter.sort == "updated":
        key = tuple_(ActionItem.updated_at, ActionItem.id)
        if cursor is not None:
            where.append(key > tuple_(cursor.value, cursor.id) if backwards else key < tuple_(cursor.value, cursor.id))
        order = [ActionItem.updated_at.asc(), ActionItem.id.asc()] if backwards else _ordering("updated")
        return select(ActionItem.id).where(*where).order_by(*order).limit(per_page)
    dated = [*where, ActionItem.due_date.is_not(None)]
    undated = [*where, ActionItem.due_date.is_(None)]
    key = tuple_(ActionItem.due_date, ActionItem.id)
    if cursor is not None and cursor.value is not None:
        dated.append(key < tuple_(cursor.value, cursor.id) if backwards else key > tuple_(cursor.value, cursor.id))
        if backwards:
            undated.append(false())  # undated items all come after a dated one
    elif cursor is not None:  # the cursor is an undated item
        undated.append(ActionItem.id < cursor.id if backwards else ActionItem.id > cursor.id)
        if not backwards:
            dated.append(false())  # dated items all come before it
    return _due_parts(dated, undated, (per_page, 0), (per_page, 0), per_page, backwards)


def _due_offset_ids(item_filter: ItemFilter, offset: int, undated_total: int, total: int, today: date) -> Select:
    """The ids of a page typed by number in due order: each part skips its own rows on its index.

    Knowing how many matching items have no due date tells which part the page starts in, so the
    dated part is an OFFSET on the (due_date, id) index and the undated part one on the id, with no
    sort of all the rows before the page.
    """
    per_page, where = item_filter.per_page, conditions(item_filter, today)
    dated_total = total - undated_total
    from_dated = max(0, min(per_page, dated_total - offset))
    return _due_parts(
        [*where, ActionItem.due_date.is_not(None)], [*where, ActionItem.due_date.is_(None)],
        (from_dated, min(offset, dated_total)), (per_page - from_dated, max(0, offset - dated_total)),
        per_page, backwards=False,
    )


def _due_parts(dated: list, undated: list, dated_window: tuple[int, int], undated_window: tuple[int, int],
               limit: int, backwards: bool) -> Select:
    """Ids from the dated part then the undated part, each (limit, offset) on its own index, in due order."""
    direction = (lambda column: column.desc()) if backwards else (lambda column: column.asc())
    parts = [
        select(ActionItem.id, ActionItem.due_date, literal_column("0").label("part"))
        .where(*dated).order_by(direction(ActionItem.due_date), direction(ActionItem.id))
        .limit(dated_window[0]).offset(dated_window[1]).subquery(),
        select(ActionItem.id, ActionItem.due_date, literal_column("1").label("part"))
        .where(*undated).order_by(direction(ActionItem.id))
        .limit(undated_window[0]).offset(undated_window[1]).subquery(),
    ]
    both = union_all(*(select(part) for part in parts)).subquery()
    return (
        select(both.c.id)
        .order_by(direction(both.c.part), direction(both.c.due_date), direction(both.c.id))
        .limit(limit)
    )


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
        return max(1, math.ceil(self.total / self.per_page)) if self.exact else None

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages if self.exact else len(self.items) == self.per_page

    @property
    def first_number(self) -> int:
        """The position of the first row shown (1-based), 0 when nothing matches."""
        return (self.page - 1) * self.per_page + 1 if self.items else 0

    @property
    def last_number(self) -> int:
        return (self.page - 1) * self.per_page + len(self.items)

    def link_args(self, page: int) -> dict[str, Any]:
        """Query arguments of the previous or next page: its number and, in keyset orders, a cursor."""
        args: dict[str, Any] = {"page": page if page > 1 else None, "after": None, "before": None}
        if self.sort in KEYSET_SORTS and self.items and page > 1:
            if page == self.page + 1:
                args["after"] = str(Cursor.of(self.sort, self.items[-1]))
            elif page == self.page - 1:
                args["before"] = str(Cursor.of(self.sort, self.items[0]))
        return args


COUNT_LIMIT = 10_000  # beyond this the list says "more than 10,000": counting every match costs O(matches)


def paginate(item_filter: ItemFilter, *, with_reference: bool = False, exact: bool = False) -> Pagination:
    """One page of the filter's items; a page past the end shows the last page.

    Two queries whatever the data size: the count and the page. The count stops at COUNT_LIMIT
    unless `exact` (the API's totals are exact): PostgreSQL needs 4 ms to count 100,000 rows, and
    nobody pages through more than 10,000. The page's ids come from a narrow query on indexed
    columns (a keyset seek from the cursor of a next/previous link, or from the first row; an OFFSET
    only for a page number typed without a cursor); then only those rows are joined.
    """
    f = item_filter
    cursor = Cursor.parse(f.sort, f.after or f.before) if (f.after or f.before) else None
    counted, _undated = count_items(f, limit=None if exact or _cheap_to_count(f) else COUNT_LIMIT)
    total = counted if exact or counted <= COUNT_LIMIT else None  # None: more than COUNT_LIMIT
    page = f.page if total is None else min(f.page, max(1, math.ceil(total / f.per_page)))
    items, total, page = _page_items(f, cursor, page, total, with_reference) if counted else ([], 0, 1)
    return Pagination(items=items, page=page, per_page=f.per_page, sort=f.sort,
                      total=COUNT_LIMIT if total is None else total, exact=total is not None)


def _cheap_to_count(item_filter: ItemFilter) -> bool:
    """SQLite counts a whole table from its smallest index's page counts, faster than a capped count."""
    return not item_filter.narrows and db.engine.dialect.name == "sqlite"


def _page_items(f: ItemFilter, cursor: Cursor | None, page: int, total: int | None,
                with_reference: bool) -> tuple[list[ActionItem], int | None, int]:
    """The items of the page, and the total and page number (exact when the page needed them)."""
    backwards = bool(cursor and f.before)
    offset = (page - 1) * f.per_page
    if f.sort == "due" and cursor is None and page > 1:  # a page number typed in due order
        # First as if every item on the page had a due date: true for all pages but the tail,
        # and then the count of undated items (an index range, but not free) is not needed.
        expected = f.per_page if total is None else min(f.per_page, total - offset)
        guess = (offset + f.per_page if total is None else total, 0)
        items = _load(replace(f, page=page, after="", before=""), None, False, guess, with_reference)
        if len(items) == expected and all(item.due_date is not None for item in items):
            return items, total, page
        total, undated = count_items(f, with_undated=True)
        page = min(page, max(1, math.ceil(total / f.per_page)))
        return _load(replace(f, page=page, after="", before=""), None, False, (total, undated),
                     with_reference), total, page
    items = _load(replace(f, page=page, after="", before=""), cursor, backwards, None, with_reference)
    if not items and total is None and page > 1:  # typed past the end of a long list: count and clamp
        total, _undated = count_items(f)
        return _page_items(f, None, min(page, max(1, math.ceil(total / f.per_page))), total, with_reference)
    return items, total, page


def _load(f: ItemFilter, cursor: Cursor | None, backwards: bool, counts: tuple[int, int] | None,
          with_reference: bool) -> list[ActionItem]:
    statement = _page_statement(f, cursor, backwards, counts, with_reference, local_today())
    return list(db.session.scalars(statement).unique())


@lru_cache(maxsize=STATEMENT_CACHE)
def _page_statement(f: ItemFilter, cursor: Cursor | None, backwards: bool, counts: tuple[int, int] | None,
                    with_reference: bool, today: date) -> Select:
    """The items of one page: their ids from a narrow query on indexed columns, then only those joined."""
    offset = (f.page - 1) * f.per_page
    if counts is not None:  # a page number typed in due order
        page_ids = _due_offset_ids(f, offset, counts[1], counts[0], today)
    elif f.sort in KEYSET_SORTS and (cursor is not None or offset == 0):
        page_ids = _keyset_ids(f, cursor, backwards, today)
    elif f.sort == "updated":  # a typed page number: an OFFSET along the updated_at index
        page_ids = _keyset_ids(f, None, False, today).offset(offset)
    else:
        page_ids = select(ActionItem.id)
        if f.sort == "code":  # only this order needs the webinar's series
            page_ids = page_ids.join(ActionItem.webinar)
        page_ids = page_ids.where(*conditions(f, today)).order_by(*_ordering(f.sort)).limit(f.per_page).offset(offset)
    return (select_items(ItemFilter(sort=f.sort), with_reference=with_reference)
            .where(ActionItem.id.in_(page_ids.scalar_subquery())))


def iter_items(item_filter: ItemFilter, batch: int = 500):
    """Every matching item in list order, with supporters, fetched in batches (for exports)."""
    statement = select_items(item_filter, with_supporters=True).execution_options(yield_per=batch)
    yield from db.session.scalars(statement)


# --- My tasks ------------------------------------------------------------------------------

MY_GROUPS = ("overdue", "soon", "later", "waiting")
MY_GROUP_LIMIT = 20  # cards shown per group; the rest are counted and linked to the full list


@dataclass
class TaskGroups:
    """My tasks: items per group (at most MY_GROUP_LIMIT each) and how many each group holds."""

    items: dict[str, list[ActionItem]]
    totals: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.totals.values())


def my_task_groups(user: User, today: date | None = None, limit: int = MY_GROUP_LIMIT) -> TaskGroups:
    """The user's items (owned or supported), open or awaiting verification, in four groups.

    overdue: due before today; soon: due today up to 7 days ahead; later: further ahead or no due
    date; waiting: done, awaiting verification. Each group is sorted by due date. Three queries however
    many items the user has: a window function numbers and counts the rows of each group, then only the
    first `limit` of each are loaded (and their supporters).
    """
    today = today or local_today()
    # Owned or supported, as a UNION of two index lookups that carry what the grouping needs: an OR
    # across the two, or a join back to every item, made PostgreSQL scan all items (45 ms at 100k).
    open_ = ActionItem.status.not_in(CLOSED_STATUSES)
    group = case(
        (ActionItem.status == Status.DONE, MY_GROUPS.index("waiting")),
        (ActionItem.due_date < today, MY_GROUPS.index("overdue")),
        (ActionItem.due_date <= today + timedelta(days=SOON_DAYS), MY_GROUPS.index("soon")),
        else_=MY_GROUPS.index("later"),  # also no due date: NULL fails both comparisons
    )
    columns = (ActionItem.id, ActionItem.due_date, group.label("grp"))  # the group worked out once per row
    mine = union(
        select(*columns).where(ActionItem.owner_id == user.id, open_),
        select(*columns).join(item_supporters, item_supporters.c.item_id == ActionItem.id)
        .where(item_supporters.c.user_id == user.id, open_),
    ).subquery()
    numbered = select(
        mine.c.id,
        mine.c.grp,
        func.row_number().over(partition_by=mine.c.grp,
                               order_by=[mine.c.due_date.asc().nulls_last(), mine.c.id.asc()]).label("position"),
        func.count().over(partition_by=mine.c.grp).label("total"),
    ).subquery()
    shown = db.session.execute(
        select(numbered.c.id, numbered.c.grp, numbered.c.total)
        .where(numbered.c.position <= limit).order_by(numbered.c.grp, numbered.c.position)
    ).all()
    # Then only the items shown, by primary key, with what their cards show.
    loaded = {item.id: item for item in db.session.scalars(
        select(ActionItem).where(ActionItem.id.in_([row.id for row in shown]))
        .options(joinedload(ActionItem.webinar), joinedload(ActionItem.owner), joinedload(ActionItem.theme),
                 joinedload(ActionItem.unit), selectinload(ActionItem.supporters))
    )} if shown else {}
    items: dict[str, list[ActionItem]] = {name: [] for name in MY_GROUPS}
    totals = dict.fromkeys(MY_GROUPS, 0)
    for item_id, group_index, total in shown:
        name = MY_GROUPS[group_index]
        items[name].append(loaded[item_id])
        totals[name] = total
    return TaskGroups(items=items, totals=totals)

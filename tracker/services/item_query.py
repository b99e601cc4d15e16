"""Finding items: the list filter parsed from a query string, its SQL, pagination and "my tasks".

The list page, the exports and (later) the JSON API all read the same `ItemFilter`, so a filter
always means the same rows wherever it is used.
"""
import math
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from typing import Any, Mapping

from flask_babel import gettext as _
from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from tracker.extensions import db
from tracker.models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    ActionItem,
    Priority,
    Status,
    User,
    Webinar,
    item_supporters,
)
from tracker.timeutil import local_today

PER_PAGE_CHOICES = (25, 50, 100)
SORTS = ("due", "priority", "updated", "code")
MAX_QUERY = 200  # characters of free-text search kept
MAX_TERMS = 8  # words of the search; each must match code, title or description
MAX_ID = 2**31 - 1  # larger ids cannot exist (and would overflow an INTEGER on PostgreSQL)
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
                number = _positive_int(raw, MAX_ID)
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
                parsed = _iso_date(raw)
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

        raw = one("page")
        if raw:
            page = _positive_int(raw, MAX_PAGE)
            if page is None:
                notices.append(_("Ignored a page number that is not a number."))
            else:
                values["page"] = page

        raw = one("per_page")
        if raw:
            number = _positive_int(raw, MAX_ID)
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
        return args

    @property
    def narrows(self) -> bool:
        """Whether any filter or search is set (sorting and paging do not count)."""
        return self._differs_from_default(("sort", "page", "per_page"))

    @property
    def narrows_beyond_search(self) -> bool:
        """Whether a filter other than the text search is set."""
        return self._differs_from_default(("q", "sort", "page", "per_page"))

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


def _positive_int(raw: str, maximum: int) -> int | None:
    """A whole number from 1 to maximum, or None."""
    if not raw.isascii() or not raw.isdigit() or len(raw) > len(str(maximum)):
        return None
    number = int(raw)
    return number if 1 <= number <= maximum else None


def _iso_date(raw: str) -> date | None:
    """A YYYY-MM-DD date, or None."""
    try:
        return datetime.strptime(raw, "%Y-%m-%d").date() if len(raw) == 10 else None
    except ValueError:
        return None


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def conditions(item_filter: ItemFilter) -> list:
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
        where.append(ActionItem.due_date < local_today())
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


def select_items(item_filter: ItemFilter, *, with_supporters: bool = False) -> Select:
    """The filtered, sorted items with webinar, owner, theme and unit loaded in the same query."""
    statement = (
        select(ActionItem)
        .join(ActionItem.webinar)
        .where(*conditions(item_filter))
        .options(
            contains_eager(ActionItem.webinar),
            joinedload(ActionItem.owner),
            joinedload(ActionItem.theme),
            joinedload(ActionItem.unit),
        )
        .order_by(*_ordering(item_filter.sort))
    )
    if with_supporters:
        statement = statement.options(selectinload(ActionItem.supporters))
    return statement


def count_items(item_filter: ItemFilter) -> int:
    """How many items match (no joins, no ordering)."""
    return db.session.scalar(
        select(func.count(ActionItem.id)).where(*conditions(item_filter))
    )


@dataclass
class Pagination:
    """One page of results; `pager(pagination, endpoint)` in _macros.html reads it."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def first_number(self) -> int:
        """The position of the first row shown (1-based), 0 when nothing matches."""
        return (self.page - 1) * self.per_page + 1 if self.items else 0

    @property
    def last_number(self) -> int:
        return (self.page - 1) * self.per_page + len(self.items)


def paginate(item_filter: ItemFilter) -> Pagination:
    """One page of the filter's items; a page past the end shows the last page.

    Two queries whatever the data size: the count and the page (LIMIT/OFFSET for now; this is
    the one place to change when pages become keyset-based).
    """
    total = count_items(item_filter)
    pages = max(1, math.ceil(total / item_filter.per_page))
    page = min(item_filter.page, pages)
    items = []
    if total:
        statement = (
            select_items(item_filter)
            .limit(item_filter.per_page)
            .offset((page - 1) * item_filter.per_page)
        )
        items = list(db.session.scalars(statement).unique())
    return Pagination(items=items, page=page, per_page=item_filter.per_page, total=total)


def iter_items(item_filter: ItemFilter, batch: int = 500):
    """Every matching item in list order, with supporters, fetched in batches (for exports)."""
    statement = select_items(item_filter, with_supporters=True).execution_options(yield_per=batch)
    yield from db.session.scalars(statement)


# --- My tasks ------------------------------------------------------------------------------

MY_GROUPS = ("overdue", "soon", "later", "waiting")
MY_GROUP_LIMIT = 50  # cards shown per group; the rest are counted and linked to the full list


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
    date; waiting: done, awaiting verification. Each group is sorted by due date. One query (plus
    one for supporters) however many items the user has: a window function numbers and counts the
    rows of each group so only the first `limit` of each are loaded.
    """
    today = today or local_today()
    group = case(
        (ActionItem.status == Status.DONE, MY_GROUPS.index("waiting")),
        (ActionItem.due_date < today, MY_GROUPS.index("overdue")),
        (ActionItem.due_date <= today + timedelta(days=SOON_DAYS), MY_GROUPS.index("soon")),
        else_=MY_GROUPS.index("later"),  # also no due date: NULL fails both comparisons
    )
    supported = select(item_supporters.c.item_id).where(item_supporters.c.user_id == user.id)
    numbered = (
        select(
            ActionItem.id.label("id"),
            group.label("grp"),
            func.row_number().over(partition_by=group, order_by=_ordering("due")).label("position"),
            func.count().over(partition_by=group).label("total"),
        )
        .where(
            or_(ActionItem.owner_id == user.id, ActionItem.id.in_(supported)),
            ActionItem.status.not_in(CLOSED_STATUSES),
        )
        .subquery()
    )
    statement = (
        select(ActionItem, numbered.c.grp, numbered.c.total)
        .join(numbered, numbered.c.id == ActionItem.id)
        .where(numbered.c.position <= limit)
        .options(
            joinedload(ActionItem.webinar),
            joinedload(ActionItem.owner),
            joinedload(ActionItem.theme),
            joinedload(ActionItem.unit),
            selectinload(ActionItem.supporters),
        )
        .order_by(numbered.c.grp, numbered.c.position)
    )
    items: dict[str, list[ActionItem]] = {name: [] for name in MY_GROUPS}
    totals = dict.fromkeys(MY_GROUPS, 0)
    for item, group_index, total in db.session.execute(statement):
        name = MY_GROUPS[group_index]
        items[name].append(item)
        totals[name] = total
    return TaskGroups(items=items, totals=totals)

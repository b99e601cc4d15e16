"""The SQL of a filter: its WHERE conditions (through the item rules), the sorted select and the counts.

Every condition goes through tracker/models/rules.py: an item that is not visible is never listed,
"overdue" is the rules' overdue, a due-date range the rules' due_on_or_after / due_by.
"""
from datetime import date

from sqlalchemy import Select, func, literal_column, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from tracker.extensions import db
from tracker.models import ActionItem
from tracker.services import search_query
from tracker.services.item_filter import ItemFilter
from tracker.services.item_sorts import DEFAULT_SORT, ordering
from tracker.timeutil import local_today

EXPORT_BATCH = 500


def visible() -> list:
    """ActionItem.is_visible as WHERE clauses: a deleted item is never listed or counted."""
    return [ActionItem.is_visible]


def conditions(item_filter: ItemFilter, today: date | None = None) -> list:
    """The WHERE clauses of a filter (shared by the rows, the page and the count)."""
    f = item_filter
    where = visible()
    for column, value in ((ActionItem.webinar_id, f.webinar), (ActionItem.owner_id, f.owner),
                          (ActionItem.theme_id, f.theme), (ActionItem.unit_id, f.unit),
                          (ActionItem.priority, f.priority)):
        if value is not None:
            where.append(column == value)
    if f.statuses:
        where.append(ActionItem.status.in_(f.statuses))
    if f.overdue:
        where.append(ActionItem.is_overdue(today or local_today()))
    if f.due_from is not None:
        where.append(ActionItem.due_on_or_after(f.due_from))
    if f.due_to is not None:
        where.append(ActionItem.due_by(f.due_to))
    if f.q:  # the search index (services/search_query.py)
        where.append(search_query.condition(f.terms))
    return where


def due_key_bounds(item_filter: ItemFilter, today: date | None = None) -> list:
    """The filter's due-date bounds written again on the due order's key, for the page's index seek.

    They keep the same rows (an item without a due date fails the due-date bound already): they let
    SQLite read a due range or the overdue items in due order from the due_key index, without a sort.
    """
    f, bounds = item_filter, []
    if f.due_from is not None:
        bounds.append(ActionItem.due_key >= f.due_from)
    if f.due_to is not None:
        bounds.append(ActionItem.due_key <= f.due_to)
    if f.overdue:
        bounds.append(ActionItem.due_key < (today or local_today()))
    return bounds


def select_items(item_filter: ItemFilter, *, with_reference: bool = True, with_supporters: bool = False,
                 where: list | None = None) -> Select:
    """The filtered, sorted items with webinar and owner (and theme and unit) loaded in the same query.

    `where` replaces the filter's conditions (the paginator passes "these ids"). The list page shows
    neither theme nor unit: leaving them out halves the cost of loading a page.
    """
    statement = (
        select(ActionItem)
        .join(ActionItem.webinar)
        .where(*(conditions(item_filter) if where is None else where))
        .options(contains_eager(ActionItem.webinar), joinedload(ActionItem.owner))
        .order_by(*ordering(item_filter.sort))
    )
    if with_reference:
        statement = statement.options(joinedload(ActionItem.theme), joinedload(ActionItem.unit))
    if with_supporters:
        statement = statement.options(selectinload(ActionItem.supporters))
    return statement


def best_match_first(statement: Select, item_filter: ItemFilter) -> Select:
    """A select of items reordered best match first: code and title matches, then the rest, each by due date."""
    return statement.order_by(None).order_by(search_query.rank(item_filter.terms), *ordering(DEFAULT_SORT))


def iter_items(item_filter: ItemFilter, batch: int = EXPORT_BATCH):
    """Every matching item in list order, with supporters, fetched in batches (for exports)."""
    statement = select_items(item_filter, with_supporters=True)
    if item_filter.ranked and item_filter.terms:
        statement = best_match_first(statement, item_filter)
    statement = statement.execution_options(yield_per=batch)
    yield from db.session.scalars(statement)


def count_statement(item_filter: ItemFilter, limit: int | None = None, today: date | None = None) -> Select:
    """How many items match; with a limit, at most limit + 1 (it stops reading there)."""
    where = conditions(item_filter, today)
    if limit is not None:
        matches = select(literal_column("1")).select_from(ActionItem).where(*where).limit(limit + 1).subquery()
        return select(func.count()).select_from(matches)
    if len(where) == len(visible()):  # nothing but the visible rule: every item less the few deleted ones
        # An unfiltered count(*) is answered from the smallest index's page counts on SQLite; the
        # deleted items come from their partial index (a WHERE on every item would read them all).
        every = select(func.count()).select_from(ActionItem).scalar_subquery()
        deleted = select(func.count()).select_from(ActionItem).where(~ActionItem.is_visible).scalar_subquery()
        return select(every - deleted)
    return select(func.count()).select_from(ActionItem).where(*where)

"""One page of a search best match first: its capped counts first, then the page read as its density suits.

Best match first is two tiers: the items whose code and title hold every word, then the other matches,
each tier by due date and id (search_query.rank). Sorting every match to show 25 costs O(matches)
(18 ms for 12,000 at 100k items), so one statement counts first: the matches (up to the cap) and the
code-and-title matches (up to the end of the page, search_query.head_cap). Then:

- few matches (no more than SEARCH_COUNT_LIMIT): the matches sorted by tier and due date;
- many: each tier read in due order from the filter's index, each item tested against the search,
  until the page is full. The code-and-title count says which tiers the page needs and where in each
  it starts, so the second tier is read only when the first one ends on this page.

Either way a page is two statements whatever the number of items.
"""
from dataclasses import replace
from datetime import date

from sqlalchemy import Select, func, literal, literal_column, select, union_all

from tracker.extensions import db
from tracker.models import ActionItem
from tracker.services import search_query
from tracker.services.item_filter import ItemFilter
from tracker.services.item_sorts import DEFAULT_SORT, ordering
from tracker.services.item_statements import conditions, due_key_bounds, select_items

# A search counts up to this many matches ("more than 500"): its results are read from the top, and a
# capped count costs O(cap) (1,000: 1.3 ms on SQLite, 8 ms on PostgreSQL at 100k items; 500: 0.4 and
# 4 ms). Past it, the matches are dense enough for the filter's index to lead.
SEARCH_COUNT_LIMIT = 500


def _unsearched(item_filter: ItemFilter, today: date) -> list:
    """The filter's conditions without the search."""
    return conditions(replace(item_filter, q=""), today)


def capped_count(f: ItemFilter, today: date, cap: int | None, head_only: bool = False):
    """How many items of the filter match the search (or its code and title), at most cap (a scalar subquery)."""
    matches = search_query.driven_by_matches(select(literal_column("1")), f.terms, head_only, _selective(f))
    matches = matches.where(*_unsearched(f, today))
    if cap is not None:
        matches = matches.limit(cap)
    return select(func.count()).select_from(matches.subquery()).scalar_subquery()


def _selective(f: ItemFilter) -> bool:
    """Whether the filter keeps few items (one webinar, one owner): then the filter's index leads the count."""
    return f.webinar is not None or f.owner is not None


def counts(f: ItemFilter, page: int, limit: int | None, today: date) -> tuple[int, int]:
    """(matches, up to limit + 1; code-and-title matches, up to search_query.head_cap), in one statement."""
    end = page * f.per_page
    statement = select(capped_count(f, today, None if limit is None else limit + 1),
                       capped_count(f, today, search_query.head_cap(end), head_only=True))
    matched, in_head = db.session.execute(statement).one()
    return matched, in_head


def _sorted_ids(f: ItemFilter, offset: int, today: date) -> Select:
    """The page's ids with their tier, every match sorted (few matches)."""
    tier = search_query.rank(f.terms).label("tier")
    return (select(ActionItem.id, tier).where(*conditions(f, today))
            .order_by(tier, *ordering(DEFAULT_SORT)).limit(f.per_page).offset(offset))


def _tier_ids(f: ItemFilter, tier: int, window: tuple[int, int], in_head: int, today: date) -> Select:
    """Ids of one tier in due order from the filter's index, rows window = (offset, count) (many matches)."""
    where = _unsearched(f, today) + due_key_bounds(f, today)
    holds = search_query.in_head(f.terms, many=in_head >= search_query.MANY_IN_HEAD)
    where += [holds] if tier == 0 else [search_query.tested(f.terms), ~holds]
    statement = (select(ActionItem.id, literal(tier).label("tier")).where(*where)
                 .order_by(*ordering(DEFAULT_SORT)).limit(window[1]).offset(window[0]))
    return select(*statement.subquery().c)


def _dense_ids(f: ItemFilter, offset: int, in_head: int, today: date) -> Select:
    """The page's ids with their tier from the tiers it needs (in_head: code-and-title matches, capped)."""
    if in_head >= offset + f.per_page:  # the first tier fills the page
        return _tier_ids(f, 0, (offset, f.per_page), in_head, today)
    first = max(0, in_head - offset)  # rows of the first tier on this page (in_head is exact here)
    rest = _tier_ids(f, 1, (max(0, offset - in_head), f.per_page - first), in_head, today)
    return union_all(_tier_ids(f, 0, (offset, first), in_head, today), rest) if first else rest


def ranked_rows(f: ItemFilter, page: int, limit: int | None, with_reference: bool, today: date) -> list:
    """The rows (ActionItem, total) of one page best match first, paged by number; [] when nothing matches."""
    matched, in_head = counts(f, page, limit, today)
    if not matched:
        return []
    offset = (page - 1) * f.per_page
    if matched > SEARCH_COUNT_LIMIT:
        ids = _dense_ids(f, offset, in_head, today).subquery()
    else:
        ids = _sorted_ids(f, offset, today).subquery()
    statement = (select_items(f, with_reference=with_reference, where=[]).join(ids, ids.c.id == ActionItem.id)
                 .order_by(None).order_by(ids.c.tier, *ordering(DEFAULT_SORT)))
    return db.session.execute(statement.add_columns(literal(matched).label("total"))).all()

"""Walking the item history's hash chains (`flask verify-history`): is any row changed, missing or added?

The rows are streamed in (item, id) order, so memory stays flat whatever the size of the history.
"""
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby

from sqlalchemy import String, select, type_coerce

from tracker.extensions import db
from tracker.models import ActionItem, ItemHistory
from tracker.models.integrity import GENESIS, HASHED_COLUMNS, history_values_hash

STREAM_BATCH = 2000
# id, the hashed columns in their order (kind as stored: an unknown or tampered kind must not stop the
# walk), then the chain.
COLUMNS = [ItemHistory.id] + [
    type_coerce(ItemHistory.kind, String).label("kind") if name == "kind" else getattr(ItemHistory, name)
    for name in HASHED_COLUMNS
] + [ItemHistory.prev_hash, ItemHistory.row_hash]
HASHED = slice(1, 1 + len(HASHED_COLUMNS))


@dataclass
class Break:
    """The first history row that does not match its chain."""

    row_id: int
    item_id: int
    item_code: str | None
    problem: str


@dataclass
class ChainReport:
    """What a walk over every chain found."""

    items: int
    rows: int
    first_break: Break | None

    @property
    def intact(self) -> bool:
        """True when every chain matched."""
        return self.first_break is None


def _problem(row, previous, before_previous) -> str | None:
    """What is wrong with one row given the two rows before it in its item's chain, or None."""
    if not row.row_hash or not row.prev_hash:
        return "missing hash: the row was inserted without its place in the chain"
    expected = previous.row_hash if previous is not None else GENESIS
    if row.prev_hash != expected:
        if previous is None:
            return "broken link: the chain does not start at the item's first row (earlier rows were deleted)"
        if before_previous is not None and row.prev_hash == before_previous.row_hash \
                or before_previous is None and row.prev_hash == GENESIS:
            return f"inserted row: row #{previous.id} was inserted into the chain before this row"
        return (f"broken link: it does not follow row #{previous.id} (a row between them was deleted, "
                f"or row #{previous.id} was rewritten)")
    if history_values_hash(tuple(row[HASHED]), row.prev_hash) != row.row_hash:
        return "changed content: the row no longer matches its hash (it was edited after it was written)"
    return None


def _first_break(rows) -> tuple[int, tuple | None]:
    """Walk one item's rows: how many were checked, and the first bad row with what is wrong (or None)."""
    previous = before_previous = None
    count = 0
    for row in rows:
        count += 1
        problem = _problem(row, previous, before_previous)
        if problem:
            return count, (row, problem)
        previous, before_previous = row, previous
    return count, None


def _stream() -> Iterator:
    statement = select(*COLUMNS).order_by(ItemHistory.item_id, ItemHistory.id).execution_options(
        yield_per=STREAM_BATCH)
    return iter(db.session.connection().execute(statement))  # Core rows: no ORM loading per row


def verify_history() -> ChainReport:
    """Check every item's chain in id order; stop at the first row that does not match."""
    items = rows = 0
    for item_id, item_rows in groupby(_stream(), key=lambda row: row.item_id):
        items += 1
        checked, found = _first_break(item_rows)
        rows += checked
        if found:
            row, problem = found
            code = db.session.scalar(select(ActionItem.code).where(ActionItem.id == item_id))
            return ChainReport(items, rows, Break(row.id, item_id, code, problem))
    return ChainReport(items, rows, None)

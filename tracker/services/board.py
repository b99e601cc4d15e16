"""The board (papan): the list filter's items in one column per status, each column capped.

A column shows the first CARDS_PER_COLUMN items of its status by due date and says how many more
there are (a link to the list filtered by that status). Queries: one count per status in a GROUP BY,
one select per column shown (and its supporters): the same number whatever the number of items.
"""
from dataclasses import dataclass, field, replace

from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import ActionItem, Status, User
from tracker.services.item_filter import ItemFilter
from tracker.services.item_statements import conditions, select_items
from tracker.services.workflow import allowed_moves

CARDS_PER_COLUMN = 20  # six columns of 20: a page a phone still renders quickly


@dataclass
class Column:
    """One status of the board: its first cards, how many items it holds, and each card's allowed moves."""

    status: Status
    items: list[ActionItem] = field(default_factory=list)
    total: int = 0
    moves: dict[int, list[Status]] = field(default_factory=dict)

    @property
    def more(self) -> int:
        """How many items of this status the column does not show."""
        return max(0, self.total - len(self.items))


def board_columns(item_filter: ItemFilter, user: User, per_column: int | None = None) -> list[Column]:
    """The board's columns for a filter: the filter's statuses, or every status when it names none."""
    per_column = per_column or CARDS_PER_COLUMN
    statuses = list(item_filter.statuses) or list(Status)
    by_due = replace(item_filter, sort="due", statuses=())
    where = conditions(by_due)
    totals = dict(db.session.execute(
        select(ActionItem.status, func.count()).where(*where).group_by(ActionItem.status)
    ).all())
    columns = []
    for status in statuses:
        column = Column(status, total=totals.get(status, 0))
        if column.total:
            statement = select_items(by_due, with_reference=False, with_supporters=True,
                                     where=[*where, ActionItem.status == status]).limit(per_column)
            column.items = list(db.session.scalars(statement).unique())
            column.moves = {item.id: allowed_moves(user, item) for item in column.items}
        columns.append(column)
    return columns

"""My tasks: the signed-in user's active items (owned or supported) in four groups, by the item rules.

overdue: ActionItem.is_overdue(today); soon: ActionItem.is_due_soon(horizon), the one "due soon"
working-day setting; later: the other open items (no due date included); waiting: done, awaiting
verification. Each group in due order, undated items last.
"""
from dataclasses import dataclass

from sqlalchemy import case, func, select, union
from sqlalchemy.orm import joinedload, selectinload

from tracker.extensions import db
from tracker.models import ActionItem, Horizon, User, item_supporters
from tracker.services.horizon import current_horizon
from tracker.services.item_statements import visible

MY_GROUPS = ("overdue", "soon", "later", "waiting")
MY_GROUP_LIMIT = 20  # cards shown per group; the rest are counted and linked to the full list


@dataclass
class TaskGroups:
    """My tasks: items per group (at most MY_GROUP_LIMIT each) and how many each group holds."""

    items: dict[str, list[ActionItem]]
    totals: dict[str, int]

    @property
    def total(self) -> int:
        """How many items all groups hold."""
        return sum(self.totals.values())


def _group(horizon: Horizon):
    """The group of a row, worked out once per row in SQL."""
    return case(
        (ActionItem.is_done, MY_GROUPS.index("waiting")),
        (ActionItem.is_overdue(horizon.today), MY_GROUPS.index("overdue")),
        (ActionItem.is_due_soon(horizon), MY_GROUPS.index("soon")),
        else_=MY_GROUPS.index("later"),
    )


def _shown_rows(user: User, horizon: Horizon, limit: int) -> list:
    """(id, group, group total) of the first `limit` items of each group, in group and due order.

    Owned or supported, as a UNION of two index lookups that carry what the grouping needs: an OR
    across the two, or a join back to every item, made PostgreSQL scan all items (45 ms at 100k).
    """
    columns = (ActionItem.id, ActionItem.due_key.label("due_key"), _group(horizon).label("grp"))
    mine = union(
        select(*columns).where(ActionItem.owner_id == user.id, ActionItem.is_active, *visible()),
        select(*columns).join(item_supporters, item_supporters.c.item_id == ActionItem.id)
        .where(item_supporters.c.user_id == user.id, ActionItem.is_active, *visible()),
    ).subquery()
    numbered = select(
        mine.c.id,
        mine.c.grp,
        func.row_number().over(partition_by=mine.c.grp, order_by=[mine.c.due_key, mine.c.id]).label("position"),
        func.count().over(partition_by=mine.c.grp).label("total"),
    ).subquery()
    return db.session.execute(
        select(numbered.c.id, numbered.c.grp, numbered.c.total)
        .where(numbered.c.position <= limit).order_by(numbered.c.grp, numbered.c.position)
    ).all()


def my_task_groups(user: User, horizon: Horizon | None = None, limit: int = MY_GROUP_LIMIT) -> TaskGroups:
    """The user's active items in four groups (overdue, soon, later, waiting), each in due order.

    Three queries however many items the user has (and the request's horizon): a window function
    numbers and counts the rows of each group, then only the first `limit` of each are loaded with
    what their cards show (and their supporters).
    """
    horizon = horizon or current_horizon()
    shown = _shown_rows(user, horizon, limit)
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

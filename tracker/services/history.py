"""The append-only item history: writing it, and reading an item's timeline."""
from sqlalchemy import Row, bindparam, select

from tracker.extensions import db
from tracker.models import ActionItem, HistoryKind, ItemHistory, User, utcnow


def record(
    item: ActionItem,
    actor: User | None,
    kind: HistoryKind,
    *,
    field: str | None = None,
    old=None,
    new=None,
    note: str | None = None,
    old_label: str | None = None,
    new_label: str | None = None,
    changes_item: bool = True,
) -> ItemHistory:
    """Append one history row for an item (never updated or deleted afterwards).

    The row carries the item version the change produces, so a conflict page can show
    exactly what happened after the version a user had in their form. Its place in the item's
    hash chain (prev_hash, row_hash) is filled in when it is inserted (models/integrity.py).
    """
    if item.version is None:
        item_version = 1
    else:
        item_version = item.version + 1 if changes_item else item.version
    entry = ItemHistory(
        item_version=item_version,
        item=item,
        actor=actor,
        created_at=utcnow(),
        kind=kind,
        field=field,
        old_value=None if old is None else str(old),
        new_value=None if new is None else str(new),
        old_label=old_label,
        new_label=new_label,
        note=note,
    )
    db.session.add(entry)
    return entry


TIMELINE_LIMIT = 20  # newest records an item page shows; "Show the full history" shows them all

# Rows, not ORM objects: a timeline is read-only and loading dozens of entities with their actors costs
# twice as much as the query. Built once; the item id is a bound parameter.
_TIMELINE = (
    select(ItemHistory.__table__, User.full_name.label("actor_name"))
    .outerjoin(User, User.id == ItemHistory.actor_id)
    .where(ItemHistory.item_id == bindparam("item_id"))
    .order_by(ItemHistory.id.desc())
)
_TIMELINE_HEAD = _TIMELINE.limit(TIMELINE_LIMIT + 1)  # one more says "there is more"


def timeline(item_id: int, everything: bool = False) -> tuple[list[Row], bool]:
    """An item's history newest first (the latest TIMELINE_LIMIT unless all), and whether there is more.

    Each row has the history columns plus `actor_name` (None for the system).
    """
    if everything:
        return db.session.execute(_TIMELINE, {"item_id": item_id}).all(), False
    rows = db.session.execute(_TIMELINE_HEAD, {"item_id": item_id}).all()
    return rows[:TIMELINE_LIMIT], len(rows) > TIMELINE_LIMIT

"""Writing the append-only item history."""
from tracker.extensions import db
from tracker.models import ActionItem, HistoryKind, ItemHistory, User


def record(
    item: ActionItem,
    actor: User | None,
    kind: HistoryKind,
    *,
    field: str | None = None,
    old=None,
    new=None,
    note: str | None = None,
) -> ItemHistory:
    """Append one history row for an item (never updated or deleted afterwards)."""
    entry = ItemHistory(
        item=item,
        actor=actor,
        kind=kind,
        field=field,
        old_value=None if old is None else str(old),
        new_value=None if new is None else str(new),
        note=note,
    )
    db.session.add(entry)
    return entry

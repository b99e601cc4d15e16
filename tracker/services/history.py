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
    old_label: str | None = None,
    new_label: str | None = None,
    changes_item: bool = True,
) -> ItemHistory:
    """Append one history row for an item (never updated or deleted afterwards).

    The row carries the item version the change produces, so a conflict page can show
    exactly what happened after the version a user had in their form.
    """
    if item.version is None:
        item_version = 1
    else:
        item_version = item.version + 1 if changes_item else item.version
    entry = ItemHistory(
        item_version=item_version,
        item=item,
        actor=actor,
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

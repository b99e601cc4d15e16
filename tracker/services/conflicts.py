"""What happened to an item after a given version, and how a refused edit can be re-applied."""
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker.extensions import db
from tracker.models import ActionItem, HistoryKind, ItemHistory
from tracker.services.items import EDITABLE_FIELDS, raw, supporter_ids_raw

# History kinds that are changes to the item itself (not comments or open requests). A withdrawn
# evidence file is one (it bumps the version: a verifier must see it went); an attached file is not.
CHANGE_KINDS = (
    HistoryKind.EDITED, HistoryKind.STATUS, HistoryKind.OWNER, HistoryKind.DUE_DATE,
    HistoryKind.EXTENSION_APPROVED, HistoryKind.EVIDENCE_WITHDRAWN,
)


@dataclass
class FieldConflict:
    field: str
    yours: str | None
    theirs: str | None


def changes_since(item: ActionItem, version: int | None) -> list[ItemHistory]:
    """The changes other people saved after the version a user had in their form."""
    return list(db.session.scalars(
        select(ItemHistory)
        .options(joinedload(ItemHistory.actor))
        .where(
            ItemHistory.item_id == item.id,
            ItemHistory.item_version > (version or 0),
            ItemHistory.kind.in_(CHANGE_KINDS),
        )
        .order_by(ItemHistory.id)
    ))


def current_raw(item: ActionItem) -> dict[str, str | None]:
    """The item's editable fields and supporters as raw history values, to compare with a form."""
    values = {name: raw(getattr(item, name)) for name in EDITABLE_FIELDS}
    values["supporters"] = supporter_ids_raw(item.supporters)
    return values


def merge(item: ActionItem, version: int | None, submitted: dict[str, str | None]):
    """Three-way merge of a refused edit onto the current item.

    Returns (values to prefill, conflicts): fields the user changed carry the user's value;
    fields the user left alone keep whatever the other person saved. A conflict is a field both
    changed to different values.
    """
    current = current_raw(item)
    base = dict(current)
    changed_by_others = set()
    for entry in changes_since(item, version):  # oldest first: the first old value is the base
        if entry.field in base and entry.field not in changed_by_others:
            base[entry.field] = entry.old_value
            changed_by_others.add(entry.field)
    merged, conflicts = dict(current), []
    for field, yours in submitted.items():
        if field not in current or yours == base[field]:
            continue  # the user did not touch this field
        merged[field] = yours
        if field in changed_by_others and yours != current[field]:
            conflicts.append(FieldConflict(field, yours, current[field]))
    return merged, conflicts

"""The dashboard's short lists (most overdue, latest blocked, latest activity) as plain values.

Rows, not ORM objects: nothing a template touches can load lazily, and nothing outlives the request
with a session behind it. ItemLine carries the item rules (models/rules.py), so the due badge and the
digest email read an overdue or due-soon line exactly as they read an item. Each statement is built
once per scope shape with its values bound (SQL text only, never data), which saves most of the cost.
"""
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from sqlalchemy import bindparam, literal, select, union_all

from tracker.extensions import db
from tracker.models import ActionItem, HistoryKind, ItemHistory, Status, User
from tracker.models.rules import ItemRules
from tracker.services.dashboard_scope import Scope, bound_conditions

LIST_LIMIT = 10
ACTIVITY_LIMIT = 10


@dataclass(frozen=True)
class Person:
    """Who owns an item, as a list shows them."""

    id: int
    full_name: str


@dataclass(frozen=True)
class ItemLine(ItemRules):
    """One item of a short list: what the page and the digest show of it."""

    id: int
    code: str
    title: str
    status: Status
    status_note: str | None
    due_date: date | None
    updated_at: datetime
    owner: Person | None


@dataclass(frozen=True)
class ActivityLine:
    """One history record of the latest activity, with its item's code and its actor's name."""

    id: int
    kind: HistoryKind
    created_at: datetime
    item_id: int
    item_code: str
    actor_name: str | None
    field: str | None
    old_value: str | None
    new_value: str | None
    old_label: str | None
    new_label: str | None


@cache
def _attention_statement(shape: tuple[bool, bool, bool]):
    """The two lists' rows for a scope shape, built once (today, limit and the scope bound)."""
    where, limit = bound_conditions(shape), bindparam("limit")
    # The most overdue of each open status, then the most overdue of those: one index range in due order
    # per status instead of sorting every overdue item.
    per_status = [
        select(ActionItem.id, ActionItem.due_date).where(overdue, *where)
        .order_by(ActionItem.due_date, ActionItem.id).limit(limit).subquery()
        for overdue in ActionItem.overdue_by_status(bindparam("today"))
    ]
    candidates = union_all(*(select(part.c.id, part.c.due_date) for part in per_status)).subquery()
    overdue_ids = (
        select(literal("overdue").label("list"), candidates.c.id.label("id"))
        .order_by(candidates.c.due_date, candidates.c.id).limit(limit)
    )
    blocked_ids = (
        select(literal("blocked").label("list"), ActionItem.id.label("id"))
        .where(ActionItem.status == Status.BLOCKED, *where)
        .order_by(ActionItem.updated_at.desc(), ActionItem.id.desc()).limit(limit)
    )
    chosen = union_all(select(overdue_ids.subquery()), select(blocked_ids.subquery())).subquery()
    return (
        select(chosen.c.list, ActionItem.id, ActionItem.code, ActionItem.title, ActionItem.status,
               ActionItem.status_note, ActionItem.due_date, ActionItem.updated_at, User.id, User.full_name)
        .join(ActionItem, ActionItem.id == chosen.c.id)
        .outerjoin(User, User.id == ActionItem.owner_id)
    )


def attention_items(scope: Scope, today: date, limit: int = LIST_LIMIT) -> tuple[list[ItemLine], list[ItemLine]]:
    """The most overdue and the latest blocked items (with owners), in one query for both lists."""
    rows = db.session.execute(_attention_statement(scope.shape),
                              {"today": today, "limit": limit, **scope.parameters()}).all()
    lines: dict[str, list[ItemLine]] = {"overdue": [], "blocked": []}
    for which, *values, owner_id, owner_name in rows:
        owner = Person(owner_id, owner_name) if owner_id is not None else None
        lines[which].append(ItemLine(*values, owner=owner))
    overdue = sorted(lines["overdue"], key=lambda line: (line.due_date, line.id))
    blocked = sorted(lines["blocked"], key=lambda line: (line.updated_at, line.id), reverse=True)
    return overdue, blocked


def overdue_items(scope: Scope, today: date, limit: int = LIST_LIMIT) -> list[ItemLine]:
    """The open items longest past their due date, with their owners."""
    return attention_items(scope, today, limit)[0]


def blocked_items(scope: Scope, today: date, limit: int = LIST_LIMIT) -> list[ItemLine]:
    """Blocked items, most recently changed first; the reason is their status note."""
    return attention_items(scope, today, limit)[1]


@cache
def _activity_statement(shape: tuple[bool, bool, bool]):
    """The latest history rows for a scope shape, built once (limit and the scope bound)."""
    return (
        select(ItemHistory.id, ItemHistory.kind, ItemHistory.created_at, ItemHistory.item_id, ActionItem.code,
               User.full_name, ItemHistory.field, ItemHistory.old_value, ItemHistory.new_value,
               ItemHistory.old_label, ItemHistory.new_label)
        .join(ActionItem, ActionItem.id == ItemHistory.item_id)
        .outerjoin(User, User.id == ItemHistory.actor_id)
        .where(*bound_conditions(shape))
        .order_by(ItemHistory.id.desc())
        .limit(bindparam("limit"))
    )


def latest_activity(scope: Scope, limit: int = ACTIVITY_LIMIT) -> list[ActivityLine]:
    """The newest history records of the items in scope, with actor name and item code."""
    rows = db.session.execute(_activity_statement(scope.shape), {"limit": limit, **scope.parameters()}).all()
    return [ActivityLine(*row) for row in rows]

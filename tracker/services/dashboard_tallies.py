"""The dashboard without a period, from the item tallies: a handful of small reads whatever the data size.

Counts per status (per webinar, theme and owner) come from `item_tallies`, which triggers keep exact in
the same transaction as every item change. What depends on today (overdue, due soon, the weekly trend)
is counted from the items through index ranges, and only for the webinars and owners the page shows.
"""
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, case, func, literal, or_, select, union_all

from tracker.extensions import db
from tracker.models import ActionItem, Horizon, ItemTally, Status, Theme, User, Webinar
from tracker.models.rules import OPEN
from tracker.services import dashboard_counts as counts
from tracker.services.dashboard_scope import Scope, local_midnight


@dataclass
class Tallied:
    """What the tallies give: every webinar's row and counts per status of the scope."""

    webinars: list[dict]
    by_status: dict[str, int]


def webinars_and_statuses(scope: Scope) -> Tallied:
    """Every webinar (newest first) with its counts, and the scope's counts per status: one query."""
    per_status = [func.coalesce(func.sum(case((ItemTally.status == status.value, ItemTally.n))), 0).label(status.value)
                  for status in Status]
    tally = (select(ItemTally.key.label("webinar_id"), *per_status)
             .where(ItemTally.grain == "webinar").group_by(ItemTally.key).subquery())
    rows = db.session.execute(
        select(Webinar.id, Webinar.series, Webinar.title, *(tally.c[status.value] for status in Status))
        .outerjoin(tally, tally.c.webinar_id == Webinar.id)
        .order_by(Webinar.series.desc())
    ).all()
    by_status = dict.fromkeys((status.value for status in Status), 0)
    webinars = []
    for id_, series, title, *numbers in rows:
        statuses = {status.value: number or 0 for status, number in zip(Status, numbers)}
        if scope.webinar is None or scope.webinar == id_:
            for key, number in statuses.items():
                by_status[key] += number
        verified, cancelled = statuses[Status.VERIFIED.value], statuses[Status.CANCELLED.value]
        total = sum(statuses.values())
        webinars.append(counts.webinar_row(id_, series, title, total, verified, total - cancelled, None))
    return Tallied(webinars=webinars, by_status=by_status)


def theme_rows(language: str, total: int) -> list[dict]:
    """Items, verified and open items per theme, from the tallies (every webinar)."""
    rows = db.session.execute(
        select(Theme, ItemTally.status, ItemTally.n)
        .outerjoin(ItemTally, and_(ItemTally.grain == "theme", ItemTally.key == Theme.id))
        .order_by(Theme.sort_order, Theme.name)
    ).all()
    per_theme: dict[int, list] = {}
    for theme, status, number in rows:
        entry = per_theme.setdefault(theme.id, [theme, 0, 0, 0])
        number = number or 0
        entry[1] += number
        entry[2] += number if status == Status.VERIFIED.value else 0
        entry[3] += number if status in OPEN else 0
    return counts.theme_table({key: tuple(value) for key, value in per_theme.items()}, language, total)


def owner_rows() -> list[dict]:
    """Open and blocked items per owner from the tallies, busiest first (overdue filled in later)."""
    rows = db.session.execute(
        select(ItemTally.key, User.full_name, ItemTally.status, ItemTally.n)
        .outerjoin(User, User.id == ItemTally.key)
        .where(ItemTally.grain == "owner", ItemTally.status.in_([status.value for status in OPEN]), ItemTally.n > 0)
    ).all()
    per_owner: dict[int, list] = {}
    for key, name, status, number in rows:
        entry = per_owner.setdefault(key, [key or None, name, 0, None, 0])
        entry[2] += number
        entry[4] += number if status == Status.BLOCKED.value else 0
    table = [counts.owner_row(*entry) for entry in per_owner.values()]
    return sorted(table, key=lambda row: (-row["open"], row["id"] is None, row["name"], row["id"] or 0))


def dated_counts(scope: Scope, horizon: Horizon, webinar_ids: list[int], owner_ids: list[int | None]) -> dict:
    """Overdue and due-soon totals, overdue of the shown webinars and owners, and the trend: one query."""
    where = scope.conditions()
    overdue = ActionItem.is_overdue(horizon.today)
    weeks = counts.week_starts(horizon.today)
    edges = [local_midnight(start) for start in weeks] + [local_midnight(weeks[-1] + timedelta(weeks=1))]
    parts = [
        select(literal("overdue"), literal(0), func.count()).where(overdue, *where),
        select(literal("soon"), literal(0), func.count()).where(ActionItem.is_due_soon(horizon), *where),
        _grouped("webinar", ActionItem.webinar_id, [overdue, ActionItem.webinar_id.in_(webinar_ids or [0]), *where]),
        _grouped("owner", func.coalesce(ActionItem.owner_id, 0),
                 [overdue, _owner_in(owner_ids), *where]),
        _grouped("opened", _week_of(ActionItem.created_at, edges),
                 [ActionItem.created_at >= edges[0], ActionItem.created_at < edges[-1], *where]),
        _grouped("completed", _week_of(ActionItem.completed_at, edges),
                 [ActionItem.completed_at >= edges[0], ActionItem.completed_at < edges[-1], *where]),
    ]
    found: dict[str, dict[int, int]] = {}
    for kind, key, number in db.session.execute(union_all(*parts)):
        found.setdefault(kind, {})[key] = number
    trend_values = []
    for index in range(len(weeks)):
        trend_values += [found.get("opened", {}).get(index, 0), found.get("completed", {}).get(index, 0)]
    return {"overdue": found.get("overdue", {}).get(0, 0), "due_soon": found.get("soon", {}).get(0, 0),
            "webinars": found.get("webinar", {}), "owners": found.get("owner", {}),
            "trend": counts.trend_rows(weeks, trend_values)}


def _grouped(kind: str, key, where: list):
    return select(literal(kind), key, func.count()).where(*where).group_by(key)


def _owner_in(owner_ids: list[int | None]):
    """Items of these owners; None stands for the unassigned items."""
    known = [owner for owner in owner_ids if owner is not None]
    condition = ActionItem.owner_id.in_(known or [0])
    return or_(condition, ActionItem.owner_id.is_(None)) if None in owner_ids else condition


def _week_of(column, edges):
    """The index of the trend week a timestamp falls in (the rows are already limited to the weeks)."""
    return case(*((column < high, index) for index, high in enumerate(edges[1:])), else_=len(edges) - 2)

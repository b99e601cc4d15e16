"""The dashboard without a period, from the item tallies: a handful of small reads whatever the data size.

Counts per status (per webinar, theme and owner) come from `item_tallies`, which triggers keep exact in
the same transaction as every item change. What depends on today (overdue, due soon, the weekly trend)
is counted from the items through index ranges, and only for the webinars and owners the page shows.
Each statement is built once per scope shape with every value bound (SQL text, never data): building
them afresh cost more than running them.
"""
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from sqlalchemy import BigInteger, and_, bindparam, case, cast, func, literal, select, union_all

from tracker.extensions import db
from tracker.models import ActionItem, Horizon, ItemTally, Status, Theme, Unit, User, Webinar
from tracker.models.rules import OPEN
from tracker.models.tallies import UNIT_DAYS
from tracker.services import dashboard_counts as counts
from tracker.services import dashboard_units as units
from tracker.services import projection
from tracker.services.dashboard_scope import Scope, bound_conditions, local_midnight
from tracker.services.webinar_picker import picker_condition, webinar_count

EPOCH = date(1970, 1, 1)  # tallies by due day count days from here
EDGES = counts.TREND_WEEKS + 1  # the trend's week boundaries, first to last


@dataclass
class Overview:
    """The webinars the page needs (picker rows, the latest with items), how many exist, counts per status."""

    picker_rows: list[dict]
    webinar_count: int
    shown: list[dict]  # newest series first: the chosen webinar, or the latest WEBINAR_LIMIT with items
    shown_total: int  # webinars with items (or 1 for a chosen one)
    by_status: dict[str, int]
    units: dict[int, tuple[str | None, dict[str, int]]]  # by unit: name, items per status (of every webinar)


def _tally_sum(*where):
    """The sum of the tallies that match (0 when none do), as a scalar subquery."""
    return select(func.coalesce(func.sum(ItemTally.n), 0)).where(*where).scalar_subquery()


def _tally_of(grain: str, key, status: str):
    return _tally_sum(ItemTally.grain == grain, ItemTally.key == key, ItemTally.status == status)


def _status_total(status: str, chosen: bool):
    where = ([ItemTally.grain == "webinar", ItemTally.key == bindparam("scope_webinar")] if chosen
             else [ItemTally.grain == "theme"])
    return _tally_sum(*where, ItemTally.status == status)


@cache
def _overview_statement(chosen: bool):
    """The overview's union for all webinars or a chosen one (scope_webinar, picker_selected, limit bound)."""
    # A webinar's item total as a scalar filter, not EXISTS: PostgreSQL then walks the webinars newest
    # first and stops at the limit, where a semi-join would first read the tallies of every webinar.
    items_of_webinar = _tally_sum(ItemTally.grain == "webinar", ItemTally.key == Webinar.id)
    shown_where = [Webinar.id == bindparam("scope_webinar")] if chosen else [items_of_webinar > 0]
    with_items = (select(func.count()).select_from(Webinar).where(*shown_where) if chosen
                  else select(func.count(ItemTally.key.distinct())).where(ItemTally.grain == "webinar", ItemTally.n > 0))
    statuses = [status.value for status in Status]
    nothing = [literal(0)] * len(statuses)
    return union_all(
        select(literal("picker"), Webinar.id, Webinar.series, Webinar.title, *nothing)
        .where(picker_condition(bindparam("picker_selected"))),
        select(literal("shown"), Webinar.id, Webinar.series, Webinar.title,
               *(_tally_of("webinar", Webinar.id, status) for status in statuses))
        .where(*shown_where).order_by(Webinar.series.desc()).limit(bindparam("limit")).subquery().select(),
        select(literal("count"), webinar_count(), with_items.scalar_subquery(), literal(""), *nothing),
        select(literal("status"), literal(0), literal(0), literal(""),
               *(_status_total(status, chosen) for status in statuses)),
        *_unit_parts(statuses),
    )


def _unit_parts(statuses: list[str]) -> list:
    """Per unit (and for the items without one): its name and its items per status, from the tallies."""
    return [
        select(literal("unit"), Unit.id, literal(0), func.coalesce(Unit.short_name, Unit.name),
               *(_tally_of("unit", Unit.id, status) for status in statuses)),
        select(literal("unit"), literal(units.NO_UNIT), literal(0), literal(""),
               *(_tally_of("unit", units.NO_UNIT, status) for status in statuses)),
    ]


def overview(scope: Scope, limit: int) -> Overview:
    """Picker rows, the shown webinars with their counts, the counts and totals per status: one query."""
    statuses = [status.value for status in Status]
    values = {"picker_selected": scope.webinar or 0, "limit": limit}
    if scope.webinar:
        values["scope_webinar"] = scope.webinar
    found: dict[str, list] = {"picker": [], "shown": [], "count": [], "status": [], "unit": []}
    for kind, id_, series, title, *numbers in db.session.execute(_overview_statement(bool(scope.webinar)), values):
        found[kind].append((id_, series, title, numbers))
    shown = [_webinar(id_, series, title, numbers) for id_, series, title, numbers in found["shown"]]
    shown.sort(key=lambda row: -row["series"])
    (webinar_total, shown_total, _title, _numbers), = found["count"]
    return Overview(
        picker_rows=sorted(({"id": id_, "series": series, "title": title} for id_, series, title, _n in found["picker"]),
                           key=lambda row: -row["series"]),
        webinar_count=webinar_total, shown=shown, shown_total=shown_total,
        by_status=dict(zip(statuses, found["status"][0][3])),
        units={id_: (title, dict(zip(statuses, numbers))) for id_, _series, title, numbers in found["unit"]},
    )


def _webinar(id_: int, series: int, title: str, numbers: list[int]) -> dict:
    statuses = dict(zip((status.value for status in Status), numbers))
    total = sum(statuses.values())
    return counts.webinar_row(id_, series, title, total, statuses[Status.VERIFIED.value],
                              total - statuses[Status.CANCELLED.value], None)


@cache
def _theme_statement():
    return (select(Theme, ItemTally.status, ItemTally.n)
            .outerjoin(ItemTally, and_(ItemTally.grain == "theme", ItemTally.key == Theme.id))
            .order_by(Theme.sort_order, Theme.name))


@cache
def _owner_statement():
    open_items = func.sum(ItemTally.n)
    blocked = func.sum(case((ItemTally.status == Status.BLOCKED.value, ItemTally.n), else_=0))
    return (select(ItemTally.key, User.full_name, open_items, blocked)
            .outerjoin(User, User.id == ItemTally.key)
            .where(ItemTally.grain == "owner", ItemTally.status.in_([status.value for status in OPEN]))
            .group_by(ItemTally.key, User.full_name).having(open_items > 0))


def theme_rows(language: str, total: int) -> list[dict]:
    """Items, verified and open items per theme, from the tallies (every webinar)."""
    rows = db.session.execute(_theme_statement()).all()
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
    table = [counts.owner_row(key or None, name, int(open_items), None, int(blocked))
             for key, name, open_items, blocked in db.session.execute(_owner_statement())]
    return sorted(table, key=lambda row: (-row["open"], row["id"] is None, row["name"], row["id"] or 0))


@cache
def _dated_statement(shape: tuple[bool, bool, bool], unassigned: bool):
    """dated_counts' union for a scope shape (today, soon_until, the ids, edges or hours bound)."""
    where = bound_conditions(shape)
    overdue = ActionItem.is_overdue(bindparam("today"))
    soon = ActionItem.is_due_soon(Horizon(today=bindparam("today"), soon_until=bindparam("soon_until")))
    parts = [
        select(literal("soon"), literal(0), func.count()).where(soon, *where),
        _grouped("webinar", ActionItem.webinar_id,
                 [overdue, ActionItem.webinar_id.in_(bindparam("webinar_ids", expanding=True)), *where]),
        _grouped("owner", ActionItem.owner_id,
                 [overdue, ActionItem.owner_id.in_(bindparam("owner_ids", expanding=True)), *where]),
        *projection.closings_parts(where, tallied=not shape[0]),
    ]
    if unassigned:  # the unassigned items: a seek of their own (an OR would read every item)
        parts.append(select(literal("owner"), literal(0), func.count())
                     .where(overdue, ActionItem.owner_id.is_(None), *where))
    if shape[0]:  # one webinar: counted from its items
        parts += [
            units.status_part(where),
            _grouped("unit", func.coalesce(ActionItem.unit_id, units.NO_UNIT), [overdue, *where]),
            select(literal("overdue"), literal(0), func.count()).where(overdue, *where),
            _counted_trend("opened", ActionItem.created_at, where),
            _counted_trend("completed", ActionItem.completed_at, where),
        ]
    else:  # every webinar: overdue per unit from the tallies by unit and due day (no unit: the total less these)
        parts += [_overdue_tally(), _trend_tally("opened"), _trend_tally("completed"), _unit_overdue_tally()]
    return union_all(*parts)


def dated_counts(scope: Scope, horizon: Horizon, webinar_ids: list[int], owner_ids: list[int | None],
                 unit_ids: list[int]) -> dict:
    """Overdue and due-soon totals, overdue of the shown webinars, owners and units, the trend, and the items
    closed per week and webinar (for the projection): one query.

    For every webinar the overdue total and the trend come from the tallies by due day and by hour;
    for one webinar they are counted from its items.
    """
    weeks = counts.week_starts(horizon.today)
    edges = [local_midnight(start) for start in weeks] + [local_midnight(weeks[-1] + timedelta(weeks=1))]
    values = {"today": horizon.today, "soon_until": horizon.soon_until, "webinar_ids": webinar_ids or [0],
              "owner_ids": [owner for owner in owner_ids if owner] or [0], **scope.parameters(),
              "unit_ids": [unit for unit in unit_ids if unit] or [0],
              **{f"edge_{index}": edge for index, edge in enumerate(edges)},
              **{f"hour_{index}": int(edge.timestamp()) // 3600 for index, edge in enumerate(edges)},
              "today_key": (horizon.today - EPOCH).days, **projection.edge_values(horizon.today)}
    statement = _dated_statement(scope.shape, None in owner_ids)
    found: dict[str, dict[int, int]] = {}
    for kind, key, number in db.session.execute(statement, values):
        found.setdefault(kind, {})[key] = int(number or 0)
    if not scope.shape[0]:  # every webinar, and unit_ids are every unit: what is overdue without a unit is the rest
        unit_overdue = found.setdefault("unit", {})
        unit_overdue[units.NO_UNIT] = found.get("overdue", {}).get(0, 0) - sum(unit_overdue.values())
    trend_values = []
    for index in range(len(weeks)):
        trend_values += [found.get("opened", {}).get(index, 0), found.get("completed", {}).get(index, 0)]
    return {"overdue": found.get("overdue", {}).get(0, 0), "due_soon": found.get("soon", {}).get(0, 0),
            "webinars": found.get("webinar", {}), "owners": found.get("owner", {}),
            "unit_overdue": found.get("unit", {}), "unit_statuses": units.statuses_from(found),
            "closings": projection.closings_from((kind, key, number) for kind, numbers in found.items()
                                                 for key, number in numbers.items()),
            "trend": counts.trend_rows(weeks, trend_values)}


def _overdue_tally():
    """Open items due before today (today_key, in days since EPOCH), from the tallies by due day."""
    return select(literal("overdue"), literal(0), func.coalesce(func.sum(ItemTally.n), 0)).where(
        ItemTally.grain == "due", ItemTally.key >= 0, ItemTally.key < bindparam("today_key"),
        ItemTally.status.in_([status.value for status in OPEN]))


def _unit_overdue_tally():
    """Open items due before today per unit (unit_ids bound), a range of the unit-and-due-day tallies each."""
    first_day = cast(Unit.id, BigInteger) * UNIT_DAYS + 1  # key 0 of a unit: its items without a due date
    return (select(literal("unit"), Unit.id, func.coalesce(func.sum(ItemTally.n), 0))
            .join(ItemTally, and_(ItemTally.grain == "unit_due", ItemTally.key >= first_day,
                                  ItemTally.key < first_day + bindparam("today_key"),
                                  ItemTally.status.in_([status.value for status in OPEN])))
            .where(Unit.id.in_(bindparam("unit_ids", expanding=True))).group_by(Unit.id))


def _trend_tally(kind: str):
    """Items opened (or completed) per trend week, from the tallies by hour (hour_0 … hour_12 bound)."""
    week = _week_of(ItemTally.key, "hour")
    return (select(literal(kind), week, func.sum(ItemTally.n))
            .where(ItemTally.grain == kind, ItemTally.key >= bindparam("hour_0"),
                   ItemTally.key < bindparam(f"hour_{EDGES - 1}")).group_by(week))


def _counted_trend(kind: str, column, where: list):
    """Items opened (or completed) per trend week, counted from the items (edge_0 … edge_12 bound)."""
    return _grouped(kind, _week_of(column, "edge"),
                    [column >= bindparam("edge_0"), column < bindparam(f"edge_{EDGES - 1}"), *where])


def _grouped(kind: str, key, where: list):
    return select(literal(kind), key, func.count()).where(*where).group_by(key)


def _week_of(column, edge: str):
    """The index of the trend week a value falls in (the rows are already limited to the weeks)."""
    return case(*((column < bindparam(f"{edge}_{index + 1}"), index) for index in range(EDGES - 1)),
                else_=EDGES - 2)

"""Accountability by unit (OPD): items, verified, completion, overdue and blocked per unit, sortable.

"Which OPD is behind?" is the first question heads and leadership ask. Without a period the counts per
status come from the unit tallies (services/dashboard_tallies.py); with a period, for one webinar, and in
the report they are counted from the items here. Either way a unit row is built by `unit_row`.
"""
from collections.abc import Mapping
from datetime import date

from sqlalchemy import String, case, func, literal, select, union_all

from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.models import ActionItem, Status, Unit
from tracker.models.rules import completion_rate
from tracker.services import projection
from tracker.services.dashboard_scope import Scope

NO_UNIT = 0  # the key of the items without a unit
# Sort orders of the unit table; "behind" (most overdue first, then the lowest completion) by default.
UNIT_SORTS = ("behind", "name", "items", "verified", "completion", "overdue", "blocked")
DEFAULT_SORT = "behind"
STATUS_KIND_PREFIX = "u:"  # dated_counts rows "u:<status>": items of a unit in that status


def unit_row(id_: int, name: str | None, by_status: Mapping[str, int], overdue: int) -> dict:
    """One unit's row: items, verified, completion % (of the items not cancelled), overdue, blocked."""
    items = sum(by_status.values())
    verified = by_status.get(Status.VERIFIED.value, 0)
    countable = items - by_status.get(Status.CANCELLED.value, 0)
    return {"id": id_ or None, "name": name if id_ else _("No unit"), "items": items, "verified": verified,
            "countable": countable, "completion": completion_rate(verified, countable), "overdue": overdue,
            "blocked": by_status.get(Status.BLOCKED.value, 0)}


def sort_units(rows: list[dict], sort: str | None) -> list[dict]:
    """The unit rows in the asked order (an unknown order: the default); "No unit" always last."""
    sort = sort if sort in UNIT_SORTS else DEFAULT_SORT
    keys = {
        "behind": lambda row: (-row["overdue"], _completion(row), row["name"].lower()),
        "name": lambda row: (row["name"].lower(),),
        "completion": lambda row: (_completion(row), row["name"].lower()),
    }
    key = keys.get(sort, lambda row: (-row[sort], row["name"].lower()))
    return sorted(rows, key=lambda row: (row["id"] is None, *key(row)))


def _completion(row: dict) -> int:
    return row["completion"] if row["completion"] is not None else 101  # nothing to complete: last


def rows_from(names: Mapping[int, str | None], by_status: Mapping[int, dict[str, int]],
              overdue: Mapping[int, int]) -> list[dict]:
    """Unit rows from counts per unit key (NO_UNIT for none); units without items are left out."""
    rows = [unit_row(key, names.get(key), by_status.get(key, {}), overdue.get(key, 0))
            for key in set(names) | set(by_status)]
    return [row for row in rows if row["items"]]


def unit_counts(scope: Scope, today: date) -> list[dict]:
    """Unit rows of a scope counted from its items: one query."""
    return period_counts(scope, today, [])[0]


def period_counts(scope: Scope, today: date, webinar_ids: list[int]) -> tuple[list[dict], projection.Closings]:
    """Unit rows of a scope, and its items closed per week and of the given webinars (the projection),
    counted from the items in one query: a union of (kind, key, count, name) rows."""
    where = scope.conditions()
    overdue = ActionItem.is_overdue(today)
    key = func.coalesce(ActionItem.unit_id, NO_UNIT)
    nothing = literal(None, String)
    statement = union_all(
        status_part(where).add_columns(nothing),
        select(literal("overdue"), key, func.count(), nothing).where(overdue, *where).group_by(key),
        select(literal("name"), Unit.id, literal(0), func.coalesce(Unit.short_name, Unit.name)),
        *(part.add_columns(nothing) for part in projection.closings_parts(where)),
    )
    names, overdue_by_unit, counted = {}, {}, []
    for kind, key_value, number, name in db.session.execute(statement, {**projection.edge_values(today),
                                                                          "webinar_ids": webinar_ids or [0]}):
        if kind == "name":
            names[key_value] = name
        elif kind == "overdue":
            overdue_by_unit[key_value] = number
        else:
            counted.append((kind, key_value, number))
    by_status = statuses_from(_by_kind(counted))
    return rows_from(names, by_status, overdue_by_unit), projection.closings_from(counted)


def _by_kind(rows) -> dict[str, dict[int, int]]:
    found: dict[str, dict[int, int]] = {}
    for kind, key, number in rows:
        found.setdefault(kind, {})[key] = number
    return found


def status_part(where: list):
    """A dated_counts part: items per (unit, status) as rows ("u:<status>", unit key, count)."""
    kind = case(*((ActionItem.status == status, literal(STATUS_KIND_PREFIX + status.value)) for status in Status))
    key = func.coalesce(ActionItem.unit_id, NO_UNIT)
    return select(kind, key, func.count()).where(*where).group_by(kind, key)


def statuses_from(found: Mapping[str, Mapping[int, int]]) -> dict[int, dict[str, int]]:
    """Counts per unit and status from dated_counts rows of kind "u:<status>"."""
    by_status: dict[int, dict[str, int]] = {}
    for kind, numbers in found.items():
        if kind.startswith(STATUS_KIND_PREFIX):
            for key, number in numbers.items():
                by_status.setdefault(key, {})[kind[len(STATUS_KIND_PREFIX):]] = number
    return by_status

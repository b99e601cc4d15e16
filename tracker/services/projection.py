"""Where the work is heading: at the closing rate of the last 8 weeks, when will the open items be done?

A closing is an item reaching the status that counts as done in the completion rate (verified). The
workflow writes the item's `verified_at` in the same transaction as the history row of that status
change, and clears it when a head reopens the item; so the items verified in a week and still verified
are the net closings of that week. They are counted from the items rather than by joining the history
(at 100,000 items the history join read ~4,800 rows of 8 weeks one by one in the items: 40-75 ms).
Without a period the weeks of every webinar come from the tallies of verified items per hour, and each
shown webinar's closings are a seek on ix_action_items_webinar_verified. The weeks are the 8 rolling
weeks that end today (WITA), counted in SQL with GROUP BY week for the scope, and over the 8 weeks for each
webinar shown; the dashboard folds the statements into its dated counts (no extra query), a period counts
them with its units (one query).
"""
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, case, func, literal, select, union_all

from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.i18n import show_date
from tracker.models import ActionItem, ItemTally, Status
from tracker.services.dashboard_scope import Scope, bound_conditions, local_midnight

WEEKS = 8
KIND_PREFIX = "c:"  # union rows "c:<week>": items of the scope closed in that week
WEBINAR_KIND = "cw"  # union rows "cw": items of one webinar closed in the 8 weeks


def edges(today: date) -> list[datetime]:
    """The UTC instants that bound the 8 rolling weeks ending at the end of today (WITA), oldest first."""
    end = today + timedelta(days=1)
    return [local_midnight(end - timedelta(weeks=WEEKS - index)) for index in range(WEEKS + 1)]


def edge_values(today: date) -> dict:
    """The bound values of closings_parts: close_0 … close_8, and the same as hours (close_hour_0 …)."""
    values = {f"close_{index}": edge for index, edge in enumerate(edges(today))}
    values.update({f"close_hour_{index}": int(edge.timestamp()) // 3600 for index, edge in enumerate(edges(today))})
    return values


@dataclass(frozen=True)
class Closings:
    """Items closed in the last 8 weeks: of the scope per week (oldest first), and per asked webinar."""

    weekly: tuple[int, ...]
    per_webinar: dict[int, int]


def _week(column, edge: str):
    """The kind "c:<week>" of a value within the 8 weeks (edge_0 … edge_8 bound)."""
    return case(*((column < bindparam(f"{edge}_{index + 1}"), literal(f"{KIND_PREFIX}{index}"))
                  for index in range(WEEKS - 1)), else_=literal(f"{KIND_PREFIX}{WEEKS - 1}"))


def closings_parts(where: list, tallied: bool = False) -> list:
    """Two statements for a union: ("c:<week>", 0, count) per week of the scope, and ("cw", webinar id, count)
    for the webinars in the bound list `webinar_ids` (a page shows a few; grouping every webinar by week
    would cost a sort of thousands of groups). `tallied`: the weeks of every webinar from the tallies of
    verified items per hour (about 1,300 keys) instead of the items."""
    closed = [ActionItem.is_verified, ActionItem.verified_at >= bindparam("close_0"),
              ActionItem.verified_at < bindparam(f"close_{WEEKS}"), *where]
    if tallied:
        week = _week(ItemTally.key, "close_hour")  # one object in SELECT and GROUP BY: PostgreSQL sees one expression
        weekly = (select(week, literal(0), func.sum(ItemTally.n))
                  .where(ItemTally.grain == "verified", ItemTally.status == Status.VERIFIED.value,
                         ItemTally.key >= bindparam("close_hour_0"), ItemTally.key < bindparam(f"close_hour_{WEEKS}"))
                  .group_by(week))
    else:
        week = _week(ActionItem.verified_at, "close")
        weekly = select(week, literal(0), func.count()).where(*closed).group_by(week)
    return [
        weekly,
        select(literal(WEBINAR_KIND), ActionItem.webinar_id, func.count())
        .where(ActionItem.webinar_id.in_(bindparam("webinar_ids", expanding=True)), *closed)
        .group_by(ActionItem.webinar_id),
    ]


def closings_from(rows) -> Closings:
    """Closings from union rows (kind, key, count); rows of other kinds are ignored."""
    weekly, per_webinar = [0] * WEEKS, {}
    for kind, key, number in rows:
        if kind == WEBINAR_KIND:
            per_webinar[key] = int(number or 0)
        elif kind.startswith(KIND_PREFIX):
            weekly[int(kind[len(KIND_PREFIX):])] += int(number or 0)
    return Closings(tuple(weekly), per_webinar)


def closings(scope: Scope, today: date, webinar_ids: list[int]) -> Closings:
    """Closings of a scope (per week) and of the given webinars, counted on their own: one query."""
    values = {**edge_values(today), **scope.parameters(), "webinar_ids": webinar_ids or [0]}
    return closings_from(db.session.execute(union_all(*closings_parts(bound_conditions(scope.shape))), values))


def projection(remaining: int, closed: int, today: date) -> dict:
    """When `remaining` open items will be done at `closed` items per 8 weeks (finish None: cannot tell)."""
    finish = None
    if remaining and closed:
        finish = today + timedelta(days=math.ceil(remaining * 7 * WEEKS / closed))
    return {"remaining": remaining, "closed": closed, "per_week": closed / WEEKS, "finish": finish}


def finish_label(result: dict) -> str:
    """"Maret 2027", "done" or "cannot be estimated yet", in the user's language."""
    if not result["remaining"]:
        return _("nothing left open")
    if result["finish"] is None:
        return _("cannot be estimated yet")
    return show_date(result["finish"], "month")

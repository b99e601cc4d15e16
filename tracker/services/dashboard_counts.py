"""Dashboard figures counted from the items themselves: the path for a period, the report and the digest.

Every figure is an aggregate query (no item is loaded into Python) built from the rules in
models/rules.py. `dashboard_tallies` answers the same questions from the tallies when no period is set;
a test holds the two to the same numbers.
"""
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import and_, case, func, select

from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.models import ActionItem, Horizon, Status, Theme, User, Webinar
from tracker.models.rules import CATEGORY_STATUSES, completion_rate
from tracker.services.dashboard_scope import Scope, local_midnight
from tracker.services.horizon import current_horizon

TREND_WEEKS = 12


def percent(part: int, whole: int) -> float:
    """part/whole in percent, one decimal, rounded half up (0 when there is nothing)."""
    if not whole:
        return 0.0
    return float((Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def categories(by_status: Mapping[str, int], total: int) -> list[dict]:
    """The four SIPTL categories with their counts and share of the total."""
    rows = []
    for key, statuses in CATEGORY_STATUSES:
        count = sum(by_status.get(status.value, 0) for status in statuses)
        rows.append({"key": key, "count": count, "percent": percent(count, total)})
    return rows


def count_if(condition):
    """count() of the items for which the condition holds."""
    return func.count(case((condition, ActionItem.id)))


def week_starts(today: date, weeks: int = TREND_WEEKS) -> list[date]:
    """The Mondays of the last `weeks` weeks, oldest first; the last one starts this week."""
    this_monday = today - timedelta(days=today.weekday())
    return [this_monday - timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]


def trend_columns(today: date) -> tuple[list[date], list]:
    """The trend's weeks and, per week, a count of items opened and one of items completed in it."""
    weeks = week_starts(today)
    edges = [local_midnight(start) for start in weeks] + [local_midnight(weeks[-1] + timedelta(weeks=1))]
    columns = []
    for low, high in zip(edges, edges[1:]):
        columns.append(count_if(and_(ActionItem.created_at >= low, ActionItem.created_at < high)))
        columns.append(count_if(and_(ActionItem.completed_at >= low, ActionItem.completed_at < high)))
    return weeks, columns


def trend_rows(weeks: list[date], values) -> list[dict]:
    """The weekly trend as rows: week (ISO Monday), opened, completed."""
    return [{"week": start.isoformat(), "opened": values[2 * index], "completed": values[2 * index + 1]}
            for index, start in enumerate(weeks)]


def figures_from(by_status: dict[str, int], overdue: int, due_soon: int, trend: list[dict]) -> dict:
    """The headline figures from counts per status (the one place the figures are put together)."""
    total = sum(by_status.values())
    verified = by_status[Status.VERIFIED.value]
    countable = total - by_status[Status.CANCELLED.value]
    return {
        "total": total, "verified": verified, "countable": countable,
        "completion": completion_rate(verified, countable),
        "overdue": overdue, "blocked": by_status[Status.BLOCKED.value], "due_soon": due_soon,
        "by_status": by_status, "categories": categories(by_status, total), "trend": trend,
    }


def figures(scope: Scope, horizon: Horizon | None = None) -> dict:
    """Headline figures, counts per status and category, and the weekly trend: one query."""
    horizon = horizon or current_horizon()
    weeks, trend = trend_columns(horizon.today)
    columns = [count_if(ActionItem.is_overdue(horizon.today)), count_if(ActionItem.is_due_soon(horizon))]
    columns += [count_if(ActionItem.status == status) for status in Status]
    row = db.session.execute(select(*columns, *trend).where(*scope.conditions())).one()
    by_status = {status.value: row[2 + index] for index, status in enumerate(Status)}
    return figures_from(by_status, row[0], row[1], trend_rows(weeks, row[2 + len(Status):]))


def webinar_rows(scope: Scope, today: date) -> list[dict]:
    """Every webinar (newest series first) with the figures of its items in the scope's period."""
    query = (
        select(
            Webinar.id, Webinar.series, Webinar.title, func.count(ActionItem.id),
            count_if(ActionItem.is_verified), count_if(ActionItem.counts_toward_completion),
            count_if(ActionItem.is_overdue(today)),
        )
        .outerjoin(ActionItem, and_(ActionItem.webinar_id == Webinar.id, *scope.period_conditions()))
        .group_by(Webinar.id, Webinar.series, Webinar.title)
        .order_by(Webinar.series.desc())
    )
    return [webinar_row(*row) for row in db.session.execute(query)]


def webinar_row(id_: int, series: int, title: str, items: int, verified: int, countable: int,
                overdue: int | None) -> dict:
    """One webinar's row of the dashboard."""
    return {"id": id_, "series": series, "title": title, "items": items, "verified": verified,
            "countable": countable, "overdue": overdue, "completion": completion_rate(verified, countable)}


def theme_rows(scope: Scope, language: str, total: int) -> list[dict]:
    """Items per theme (active themes, and any other theme that has items), plus those without one."""
    query = (
        select(Theme, func.count(ActionItem.id), count_if(ActionItem.is_verified), count_if(ActionItem.is_open))
        .outerjoin(ActionItem, and_(ActionItem.theme_id == Theme.id, *scope.conditions()))
        .group_by(Theme.id)
        .order_by(Theme.sort_order, Theme.name)
    )
    counts = {theme.id: (theme, items, verified, open_) for theme, items, verified, open_ in db.session.execute(query)}
    return theme_table(counts, language, total)


def theme_table(counts: dict, language: str, total: int) -> list[dict]:
    """Theme rows from (theme, items, verified, open) per theme id, in theme order, with "No theme" last."""
    rows = [
        {"id": theme.id, "label": theme.label(language), "items": items, "verified": verified, "open": open_}
        for theme, items, verified, open_ in counts.values()
        if theme.active or items
    ]
    without = total - sum(row["items"] for row in rows)
    if without > 0:
        rows.append({"id": None, "label": _("No theme"), "items": without, "verified": None, "open": None})
    return rows


def owner_rows(scope: Scope, today: date) -> list[dict]:
    """Workload: open and overdue items per owner, busiest first (unassigned items as one row)."""
    open_count = func.count(ActionItem.id)
    query = (
        select(User.id, User.full_name, open_count, count_if(ActionItem.is_overdue(today)),
               count_if(ActionItem.status == Status.BLOCKED))
        .select_from(ActionItem)
        .outerjoin(User, User.id == ActionItem.owner_id)
        .where(ActionItem.is_open, *scope.conditions())
        .group_by(User.id, User.full_name)
        .order_by(open_count.desc(), User.full_name.asc().nulls_last(), User.id)
    )
    return [owner_row(*row) for row in db.session.execute(query)]


def owner_row(id_: int | None, name: str | None, open_: int, overdue: int | None, blocked: int) -> dict:
    """One owner's workload row (None as id: the unassigned items)."""
    return {"id": id_, "name": name or _("Nobody"), "open": open_, "overdue": overdue, "blocked": blocked}

"""The dashboard for heads and viewers: what it shows, put together from aggregate queries.

No memo: every request counts afresh, cheaply. Without a period the counts per status come from the
item tallies (services/dashboard_tallies.py); with a period they are counted from the items
(services/dashboard_counts.py). Either way the page costs a fixed number of queries whatever the data.
"""
from datetime import date
from urllib.parse import quote

from flask_babel import gettext as _
from sqlalchemy import select, union_all
from sqlalchemy.orm import contains_eager, joinedload

from tracker.extensions import db
from tracker.i18n import lazy_gettext as _l
from tracker.models import ActionItem, Horizon, ItemHistory, Status
from tracker.services import dashboard_counts as counts
from tracker.services import dashboard_tallies as tallies
from tracker.services.dashboard_counts import categories, figures, percent, week_starts  # noqa: F401 (public API)
from tracker.services.dashboard_scope import (  # noqa: F401 (public API)
    Scope,
    local_midnight,
    period_label,
    scope_label,
    semester,
    webinar_label,
)
from tracker.services.horizon import current_horizon

LIST_LIMIT = 10
WEBINAR_LIMIT = 20  # webinars in the completion chart and table; the webinar list has them all
OWNER_LIMIT = 15  # owners in the workload chart and table unless everyone is asked for
ACTIVITY_LIMIT = 10

# SIPTL-style follow-up categories. The names are official Indonesian terms and stay Indonesian in
# every language; the explanation is translated. (key, official name, statuses, explanation)
_EXPLAINED = {
    "sesuai": ("sesuai", _l("followed up as recommended: verified")),
    "dalam_proses": ("dalam proses", _l("being followed up: in progress, blocked, or done and awaiting verification")),
    "belum": ("belum ditindaklanjuti", _l("not yet followed up: new")),
    "tidak_dapat": ("tidak dapat ditindaklanjuti", _l("cannot be followed up: cancelled")),
}
CATEGORIES = tuple((key, *_EXPLAINED[key][:1], statuses, _EXPLAINED[key][1])
                   for key, statuses in counts.CATEGORY_STATUSES)
CATEGORY_NAMES = {key: name for key, name, _statuses, _explanation in CATEGORIES}
CATEGORY_EXPLANATIONS = {key: explanation for key, _name, _statuses, explanation in CATEGORIES}


def overdue_items(scope: Scope, today: date, limit: int = LIST_LIMIT) -> list[ActionItem]:
    """The open items longest past their due date, with their owners."""
    return attention_items(scope, today, limit)[0]


def blocked_items(scope: Scope, today: date, limit: int = LIST_LIMIT) -> list[ActionItem]:
    """Blocked items, most recently changed first; the reason is their status note."""
    return attention_items(scope, today, limit)[1]


def attention_items(scope: Scope, today: date, limit: int = LIST_LIMIT) -> tuple[list[ActionItem], list[ActionItem]]:
    """The most overdue and the latest blocked items (with owners), in one query for both lists."""
    overdue_ids = (
        select(ActionItem.id).where(ActionItem.is_overdue(today), *scope.conditions())
        .order_by(ActionItem.due_date, ActionItem.id).limit(limit)
    )
    blocked_ids = (
        select(ActionItem.id).where(ActionItem.status == Status.BLOCKED, *scope.conditions())
        .order_by(ActionItem.updated_at.desc(), ActionItem.id.desc()).limit(limit)
    )
    ids = union_all(select(overdue_ids.subquery()), select(blocked_ids.subquery())).subquery()
    rows = list(db.session.scalars(
        select(ActionItem).where(ActionItem.id.in_(select(ids.c.id))).options(joinedload(ActionItem.owner))
    ).unique())
    # Each list's top `limit` is among the rows, and ranks before any row of the other list.
    overdue = sorted((item for item in rows if item.is_overdue(today)), key=lambda item: (item.due_date, item.id))
    blocked = sorted((item for item in rows if item.status == Status.BLOCKED),
                     key=lambda item: (item.updated_at, item.id), reverse=True)
    return overdue[:limit], blocked[:limit]


def latest_activity(scope: Scope, limit: int = ACTIVITY_LIMIT) -> list[ItemHistory]:
    """The newest history records of the items in scope, with actor and item code."""
    return list(db.session.scalars(
        select(ItemHistory)
        .join(ItemHistory.item)
        .where(*scope.conditions())
        .options(contains_eager(ItemHistory.item), joinedload(ItemHistory.actor))
        .order_by(ItemHistory.id.desc())
        .limit(limit)
    ))


def dashboard(scope: Scope, language: str, horizon: Horizon | None = None, everyone: bool = False) -> dict:
    """Everything the dashboard shows for a scope, counted afresh (seven queries with the horizon)."""
    horizon = horizon or current_horizon()
    if scope.start or scope.end:
        return _counted(scope, language, horizon)
    tallied = tallies.webinars_and_statuses(scope)
    scope = scope.known({row["id"] for row in tallied.webinars})
    if scope.webinar:  # theme and owner rows of one webinar: counted from its items
        per_theme_total = sum(tallied.by_status.values())
        per_theme = counts.theme_rows(scope, language, per_theme_total)
        per_owner = counts.owner_rows(scope, horizon.today)
    else:
        per_theme = tallies.theme_rows(language, sum(tallied.by_status.values()))
        per_owner = tallies.owner_rows()
    shown = _shown_webinars(scope, tallied.webinars)
    owners = per_owner if everyone else per_owner[:OWNER_LIMIT]
    dated = tallies.dated_counts(scope, horizon, [row["id"] for row in shown[:WEBINAR_LIMIT]],
                                 [row["id"] for row in owners if row["overdue"] is None])
    for row in shown[:WEBINAR_LIMIT]:
        row["overdue"] = dated["webinars"].get(row["id"], 0)
    for row in owners:
        if row["overdue"] is None:
            row["overdue"] = dated["owners"].get(row["id"] or 0, 0)
    totals = counts.figures_from(tallied.by_status, dated["overdue"], dated["due_soon"], dated["trend"])
    return _assemble(scope, horizon, tallied.webinars, shown, totals, per_theme, per_owner, owners)


def _counted(scope: Scope, language: str, horizon: Horizon) -> dict:
    """The dashboard of a period, counted from the items in it."""
    webinars = counts.webinar_rows(scope, horizon.today)
    scope = scope.known({row["id"] for row in webinars})
    totals = counts.figures(scope, horizon)
    per_owner = counts.owner_rows(scope, horizon.today)
    return _assemble(scope, horizon, webinars, _shown_webinars(scope, webinars), totals,
                     counts.theme_rows(scope, language, totals["total"]), per_owner, per_owner)


def _shown_webinars(scope: Scope, webinars: list[dict]) -> list[dict]:
    return [row for row in webinars if (row["id"] == scope.webinar if scope.webinar else row["items"])]


def _assemble(scope, horizon, webinars, shown, totals, per_theme, per_owner, owners) -> dict:
    overdue, blocked = attention_items(scope, horizon.today)
    return {
        "scope": scope,
        "today": horizon.today,
        "webinars": webinars,
        "webinar": next((row for row in webinars if row["id"] == scope.webinar), None),
        "figures": totals,
        "per_webinar": list(reversed(shown[:WEBINAR_LIMIT])),  # the latest; oldest first, as a chart reads
        "per_webinar_total": len(shown),
        "per_theme": per_theme,
        "per_owner": owners,
        "per_owner_total": len(per_owner),
        "overdue_items": overdue,
        "blocked_items": blocked,
        "activity": latest_activity(scope),
    }


def whatsapp_share_url(text: str) -> str:
    """A wa.me link that opens WhatsApp with the text ready to send (nothing is sent by the server)."""
    return "https://wa.me/?text=" + quote(text, safe="")


def share_text(label: str, completion: int | None, overdue: int, url: str) -> str:
    """The short summary a head shares: what, completion, overdue, and a link to the page."""
    completion_text = f"{completion}%" if completion is not None else "–"
    return _(
        "Follow-up of %(scope)s: %(completion)s complete, %(overdue)d overdue. Details: %(url)s",
        scope=label, completion=completion_text, overdue=overdue, url=url,
    )

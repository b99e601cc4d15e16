"""The dashboard for heads and viewers: what it shows, put together from aggregate queries.

No memo: every request counts afresh, cheaply. Without a period the counts per status come from the
item tallies (services/dashboard_tallies.py); with a period they are counted from the items
(services/dashboard_counts.py). Either way the page costs a fixed number of queries whatever the data.
"""
from urllib.parse import quote

from tracker.i18n import gettext as _
from tracker.i18n import lazy_gettext as _l
from tracker.models import Horizon
from tracker.models.rules import CATEGORY_STATUSES
from tracker.services import dashboard_counts as counts
from tracker.services import dashboard_tallies as tallies
from tracker.services import dashboard_units as units
from tracker.services import projection
from tracker.services.dashboard_counts import categories, figures, percent, week_starts  # noqa: F401 (public API)
from tracker.services.dashboard_lists import (  # noqa: F401 (public API)
    ACTIVITY_LIMIT,
    LIST_LIMIT,
    ActivityLine,
    ItemLine,
    attention_items,
    blocked_items,
    latest_activity,
    overdue_items,
)
from tracker.services.dashboard_scope import (  # noqa: F401 (public API)
    Scope,
    local_midnight,
    period_label,
    scope_label,
    semester,
    webinar_label,
)
from tracker.services.horizon import current_horizon

WEBINAR_LIMIT = 20  # webinars in the completion chart and table; the webinar list has them all
OWNER_LIMIT = 15  # owners in the workload chart and table unless everyone is asked for

# SIPTL-style follow-up categories. The names are official Indonesian terms and stay Indonesian in
# every language; the explanation is translated. (key, official name, statuses, explanation)
CATEGORY_NAMES = {"sesuai": "sesuai", "dalam_proses": "dalam proses", "belum": "belum ditindaklanjuti",
                  "tidak_dapat": "tidak dapat ditindaklanjuti"}
CATEGORY_EXPLANATIONS = {
    "sesuai": _l("followed up as recommended: verified"),
    "dalam_proses": _l("being followed up: in progress, blocked, or done and awaiting verification"),
    "belum": _l("not yet followed up: new"),
    "tidak_dapat": _l("cannot be followed up: cancelled"),
}
CATEGORIES = tuple((key, CATEGORY_NAMES[key], statuses, CATEGORY_EXPLANATIONS[key])
                   for key, statuses in CATEGORY_STATUSES)


def dashboard(scope: Scope, language: str, horizon: Horizon | None = None, everyone: bool = False,
              unit_sort: str | None = None) -> dict:
    """Everything the dashboard shows for a scope, counted afresh in a fixed number of queries."""
    horizon = horizon or current_horizon()
    if scope.start or scope.end:
        data = _counted(scope, language, horizon, everyone)
        per_unit, closings = units.period_counts(data["scope"], horizon.today,
                                                 [row["id"] for row in data["per_webinar"]])
        data["per_unit"] = units.sort_units(per_unit, unit_sort)
        return _projected(data, closings)
    overview = tallies.overview(scope, WEBINAR_LIMIT)
    if scope.webinar and all(row["id"] != scope.webinar for row in overview.picker_rows):
        scope = scope.known(set())  # an unknown webinar: every webinar, with a notice
        overview = tallies.overview(scope, WEBINAR_LIMIT)
    total = sum(overview.by_status.values())
    if scope.webinar:  # theme and owner rows of one webinar: counted from its items
        per_theme, per_owner = counts.theme_rows(scope, language, total), counts.owner_rows(scope, horizon.today)
    else:
        per_theme, per_owner = tallies.theme_rows(language, total), tallies.owner_rows()
    owners = per_owner if everyone else per_owner[:OWNER_LIMIT]
    dated = tallies.dated_counts(scope, horizon, [row["id"] for row in overview.shown],
                                 [row["id"] for row in owners if row["overdue"] is None], list(overview.units))
    for row in overview.shown:
        row["overdue"] = dated["webinars"].get(row["id"], 0)
    for row in owners:
        if row["overdue"] is None:
            row["overdue"] = dated["owners"].get(row["id"] or 0, 0)
    totals = counts.figures_from(overview.by_status, dated["overdue"], dated["due_soon"], dated["trend"])
    names = {key: name for key, (name, _statuses) in overview.units.items()}
    unit_statuses = (dated["unit_statuses"] if scope.webinar
                     else {key: statuses for key, (_name, statuses) in overview.units.items()})
    data = _assemble(scope, horizon, overview.picker_rows, overview.webinar_count, overview.shown,
                     overview.shown_total, totals, per_theme, (owners, len(per_owner)))
    data["per_unit"] = units.sort_units(units.rows_from(names, unit_statuses, dated["unit_overdue"]), unit_sort)
    return _projected(data, dated["closings"])


def _projected(data: dict, closings: projection.Closings) -> dict:
    """The data with the projection of the scope and of each shown webinar, and the closings per week."""
    today, totals = data["today"], data["figures"]
    data["closings"] = list(closings.weekly)
    data["projection"] = projection.projection(totals["countable"] - totals["verified"], sum(closings.weekly), today)
    for row in data["per_webinar"]:
        row["projection"] = projection.projection(row["countable"] - row["verified"],
                                                  closings.per_webinar.get(row["id"], 0), today)
    return data


def _counted(scope: Scope, language: str, horizon: Horizon, everyone: bool) -> dict:
    """The dashboard of a period, counted from the items in it."""
    webinars = counts.webinar_rows(scope, horizon.today)
    scope = scope.known({row["id"] for row in webinars})
    totals = counts.figures(scope, horizon)
    per_owner = counts.owner_rows(scope, horizon.today)
    shown = [row for row in webinars if (row["id"] == scope.webinar if scope.webinar else row["items"])]
    return _assemble(scope, horizon, webinars, len(webinars), shown[:WEBINAR_LIMIT], len(shown), totals,
                     counts.theme_rows(scope, language, totals["total"]),
                     (per_owner if everyone else per_owner[:OWNER_LIMIT], len(per_owner)))


def _assemble(scope, horizon, webinars, webinar_count, shown, shown_total, totals, per_theme, owners) -> dict:
    """The page's data; `shown` is newest first, `owners` the shown rows and how many there are."""
    overdue, blocked = attention_items(scope, horizon.today)
    return {
        "scope": scope,
        "today": horizon.today,
        "soon_until": horizon.soon_until,  # the last day "due soon" reaches (the one setting)
        "webinars": webinars,
        "webinar_count": webinar_count,
        "webinar": next((row for row in webinars if row["id"] == scope.webinar), None),
        "figures": totals,
        "per_webinar": list(reversed(shown)),  # the latest; oldest first, as a chart reads
        "per_webinar_total": shown_total,
        "per_theme": per_theme,
        "per_owner": owners[0],
        "per_owner_total": owners[1],
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

"""Dashboard figures for heads and viewers: each one comes from an aggregate query over the items in scope.

No function here loads all items into Python; the number of queries per page is fixed whatever the data.
"""
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from time import monotonic
from urllib.parse import quote

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, case, func, select, union_all
from sqlalchemy.orm import contains_eager, joinedload

from tracker.extensions import db
from tracker.i18n import lazy_gettext as _l
from tracker.models import OPEN as OPEN_STATUSES
from tracker.models import ActionItem, ItemHistory, Status, Theme, User, Webinar
from tracker.services.webinar_picker import option_label
from tracker.timeutil import local_today, local_zone
from tracker.validation import iso_date, positive_int

PERIODS = ("all", "this_semester", "last_semester", "range")
MIN_YEAR, MAX_YEAR = 2000, 2100  # dates outside are typing mistakes (and would overflow in UTC)
LIST_LIMIT = 10
WEBINAR_LIMIT = 20  # webinars in the completion chart and table; the webinar list has them all
OWNER_LIMIT = 15  # owners in the workload chart and table unless everyone is asked for
ACTIVITY_LIMIT = 10
TREND_WEEKS = 12
SOON_DAYS = 7
# The whole dashboard is memoised per process (its aggregates scan every item in scope), keyed on the
# scope and on values read from the database (see _data_version), so every worker sees a change at once.
MEMO_SECONDS = 60
MEMO_SIZE = 32
_memo_lock = threading.Lock()

# SIPTL-style follow-up categories. The names are official Indonesian terms and stay Indonesian in
# every language; the explanation is translated. (key, official name, statuses, explanation)
CATEGORIES = (
    ("sesuai", "sesuai", (Status.VERIFIED,), _l("followed up as recommended: verified")),
    ("dalam_proses", "dalam proses", (Status.IN_PROGRESS, Status.BLOCKED, Status.DONE),
     _l("being followed up: in progress, blocked, or done and awaiting verification")),
    ("belum", "belum ditindaklanjuti", (Status.NEW,), _l("not yet followed up: new")),
    ("tidak_dapat", "tidak dapat ditindaklanjuti", (Status.CANCELLED,),
     _l("cannot be followed up: cancelled")),
)
CATEGORY_NAMES = {key: name for key, name, _statuses, _explanation in CATEGORIES}
CATEGORY_EXPLANATIONS = {key: explanation for key, _name, _statuses, explanation in CATEGORIES}


def _bounded_date(raw: str) -> date | None:
    value = iso_date(raw)
    return value if value is not None and MIN_YEAR <= value.year <= MAX_YEAR else None


def semester(today: date, back: int = 0) -> tuple[date, date]:
    """First and last day of the semester (Jan–Jun or Jul–Dec) `back` semesters before today's."""
    index = today.year * 2 + (0 if today.month <= 6 else 1) - back
    year, half = divmod(index, 2)
    return (date(year, 1, 1), date(year, 6, 30)) if half == 0 else (date(year, 7, 1), date(year, 12, 31))


def local_midnight(day: date) -> datetime:
    """00:00 WITA of a day, as the UTC instant the database compares with."""
    return datetime.combine(day, time.min, tzinfo=local_zone()).astimezone(UTC)


@dataclass(frozen=True)
class Scope:
    """Which items a dashboard or report counts: one webinar (or all) and a period.

    The period filters items by `created_at`, read as a WITA calendar day: an item belongs to a
    period when it was logged from 00:00 WITA of the first day until 24:00 WITA of the last. We use
    the logging date rather than the webinar date or the due date because every item has it, it
    says when the group took the work on, and it is indexed. A webinar is chosen separately.
    """

    webinar: int | None = None
    period: str = "all"
    start: date | None = None  # first day, inclusive (None: open)
    end: date | None = None  # last day, inclusive (None: open)
    notices: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def from_args(cls, args: Mapping, today: date | None = None) -> "Scope":
        """Parse `webinar`, `period`, `from`, `to`; a bad value is ignored and explained in a notice."""
        today = today or local_today()
        notices: list[str] = []

        def one(name: str) -> str:
            value = args.get(name)
            return value.strip() if isinstance(value, str) else ""

        webinar = None
        raw = one("webinar")
        if raw and raw != "all":
            webinar = positive_int(raw)
            if webinar is None:
                notices.append(_("Ignored an unknown webinar; showing all webinars."))

        bounds = {}
        for name in ("from", "to"):
            raw = one(name)
            if raw:
                bounds[name] = _bounded_date(raw)
                if bounds[name] is None:
                    notices.append(_("Ignored a date that is not a date (use YYYY-MM-DD)."))

        period = one("period") or "all"
        if period not in PERIODS:
            notices.append(_("Ignored an unknown period; showing all time."))
            period = "all"
        if period == "all" and any(bounds.values()):
            period = "range"  # dates typed without choosing "date range" still count
        start = end = None
        if period == "this_semester":
            start, end = semester(today)
        elif period == "last_semester":
            start, end = semester(today, back=1)
        elif period == "range":
            start, end = bounds.get("from"), bounds.get("to")
            if start and end and start > end:
                start, end = end, start
                notices.append(_("The start date was after the end date; the two were swapped."))
            if start is None and end is None:
                period = "all"
        return cls(webinar=webinar, period=period, start=start, end=end, notices=tuple(notices))

    def query_args(self) -> dict:
        """The scope as query-string arguments (for links, downloads and the snapshot form)."""
        args: dict = {}
        if self.webinar:
            args["webinar"] = self.webinar
        if self.period != "all":
            args["period"] = self.period
        if self.period == "range":
            if self.start:
                args["from"] = self.start.isoformat()
            if self.end:
                args["to"] = self.end.isoformat()
        return args

    def as_json(self) -> dict:
        """The scope with its resolved dates, as stored with a snapshot."""
        return {
            "webinar": self.webinar, "period": self.period,
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
        }

    def known(self, webinar_ids) -> "Scope":
        """This scope, without a webinar that does not exist (with a notice)."""
        if self.webinar is None or self.webinar in webinar_ids:
            return self
        return replace(self, webinar=None,
                       notices=self.notices + (_("Ignored an unknown webinar; showing all webinars."),))

    def period_conditions(self) -> list:
        conditions = []
        if self.start:
            conditions.append(ActionItem.created_at >= local_midnight(self.start))
        if self.end:
            conditions.append(ActionItem.created_at < local_midnight(self.end + timedelta(days=1)))
        return conditions

    def conditions(self) -> list:
        """SQL conditions on ActionItem for this scope."""
        conditions = self.period_conditions()
        if self.webinar:
            conditions.append(ActionItem.webinar_id == self.webinar)
        return conditions


def period_label(scope: Scope) -> str:
    """The period in words: "Semester I 2024", "1 Jan 2024 – 31 Mar 2024", or "all time"."""
    from tracker.i18n import show_date

    if scope.period in ("this_semester", "last_semester") and scope.start:
        return _("Semester %(number)s %(year)d", number="I" if scope.start.month == 1 else "II",
                 year=scope.start.year)
    if scope.start and scope.end:
        return f"{show_date(scope.start)} – {show_date(scope.end)}"
    if scope.start:
        return _("from %(date)s", date=show_date(scope.start))
    if scope.end:
        return _("until %(date)s", date=show_date(scope.end))
    return _("all time")


def webinar_label(webinar: Mapping | None) -> str:
    """"Series 28: Transformasi …" for a webinar row, or "all webinars"."""
    if not webinar:
        return _("all webinars")
    return option_label(webinar["series"], webinar["title"])


def scope_label(scope: Scope, webinar: Mapping | None) -> str:
    """The whole scope in words, e.g. "all webinars, Semester I 2024"."""
    label = webinar_label(webinar)
    if scope.period == "all":
        return label
    return f"{label}, {period_label(scope)}"


def percent(part: int, whole: int) -> float:
    """part/whole in percent, one decimal, rounded half up (0 when there is nothing)."""
    if not whole:
        return 0.0
    return float((Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def completion_rate(verified: int, countable: int) -> int | None:
    """Verified share of the items that are not cancelled, floored (as on the webinar list)."""
    return 100 * verified // countable if countable else None


def categories(by_status: Mapping[str, int], total: int) -> list[dict]:
    """The four SIPTL categories with their counts and share of the total."""
    rows = []
    for key, _name, statuses, _explanation in CATEGORIES:
        count = sum(by_status.get(status.value, 0) for status in statuses)
        rows.append({"key": key, "count": count, "percent": percent(count, total)})
    return rows


def _count_if(condition):
    return func.count(case((condition, ActionItem.id)))


def _overdue(today: date):
    return and_(ActionItem.status.in_(OPEN_STATUSES), ActionItem.due_date < today)


def _due_soon(today: date):
    return and_(ActionItem.status.in_(OPEN_STATUSES), ActionItem.due_date >= today,
                ActionItem.due_date <= today + timedelta(days=SOON_DAYS))


def week_starts(today: date, weeks: int = TREND_WEEKS) -> list[date]:
    """The Mondays of the last `weeks` weeks, oldest first; the last one starts this week."""
    this_monday = today - timedelta(days=today.weekday())
    return [this_monday - timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]


def figures(scope: Scope, today: date | None = None) -> dict:
    """Headline figures, counts per status and category, and the weekly trend: one query."""
    today = today or local_today()
    weeks = week_starts(today)
    edges = [local_midnight(start) for start in weeks] + [local_midnight(weeks[-1] + timedelta(weeks=1))]
    columns = [func.count(ActionItem.id), _count_if(_overdue(today)), _count_if(_due_soon(today))]
    columns += [_count_if(ActionItem.status == status) for status in Status]
    for low, high in zip(edges, edges[1:]):
        columns.append(_count_if(and_(ActionItem.created_at >= low, ActionItem.created_at < high)))
        columns.append(_count_if(and_(ActionItem.completed_at >= low, ActionItem.completed_at < high)))
    row = db.session.execute(select(*columns).where(*scope.conditions())).one()
    total, overdue, due_soon = row[0], row[1], row[2]
    by_status = {status.value: row[3 + index] for index, status in enumerate(Status)}
    trend_values = row[3 + len(Status):]
    trend = [
        {"week": start.isoformat(), "opened": trend_values[2 * index], "completed": trend_values[2 * index + 1]}
        for index, start in enumerate(weeks)
    ]
    verified, cancelled = by_status[Status.VERIFIED.value], by_status[Status.CANCELLED.value]
    return {
        "total": total,
        "verified": verified,
        "countable": total - cancelled,
        "completion": completion_rate(verified, total - cancelled),
        "overdue": overdue,
        "blocked": by_status[Status.BLOCKED.value],
        "due_soon": due_soon,
        "by_status": by_status,
        "categories": categories(by_status, total),
        "trend": trend,
    }


def webinar_rows(scope: Scope, today: date | None = None) -> list[dict]:
    """Every webinar (newest series first) with the figures of its items in the scope's period."""
    today = today or local_today()
    item_id = ActionItem.id
    query = (
        select(
            Webinar.id, Webinar.series, Webinar.title,
            func.count(item_id),
            _count_if(ActionItem.status == Status.VERIFIED),
            _count_if(ActionItem.status != Status.CANCELLED),
            _count_if(_overdue(today)),
        )
        .outerjoin(ActionItem, and_(ActionItem.webinar_id == Webinar.id, *scope.period_conditions()))
        .group_by(Webinar.id, Webinar.series, Webinar.title)
        .order_by(Webinar.series.desc())
    )
    return [
        {"id": id_, "series": series, "title": title, "items": items, "verified": verified,
         "countable": countable, "overdue": overdue, "completion": completion_rate(verified, countable)}
        for id_, series, title, items, verified, countable, overdue in db.session.execute(query)
    ]


def theme_rows(scope: Scope, language: str, total: int) -> list[dict]:
    """Items per theme (active themes, and any other theme that has items), plus those without one."""
    query = (
        select(Theme, func.count(ActionItem.id), _count_if(ActionItem.status == Status.VERIFIED),
               _count_if(ActionItem.status.in_(OPEN_STATUSES)))
        .outerjoin(ActionItem, and_(ActionItem.theme_id == Theme.id, *scope.conditions()))
        .group_by(Theme.id)
        .order_by(Theme.sort_order, Theme.name)
    )
    rows = [
        {"id": theme.id, "label": theme.label(language), "items": items, "verified": verified, "open": open_}
        for theme, items, verified, open_ in db.session.execute(query)
        if theme.active or items
    ]
    without = total - sum(row["items"] for row in rows)
    if without > 0:
        rows.append({"id": None, "label": _("No theme"), "items": without, "verified": None, "open": None})
    return rows


def owner_rows(scope: Scope, today: date | None = None) -> list[dict]:
    """Workload: open and overdue items per owner, busiest first (unassigned items as one row)."""
    today = today or local_today()
    open_count = func.count(ActionItem.id)
    query = (
        select(User.id, User.full_name, open_count, _count_if(ActionItem.due_date < today),
               _count_if(ActionItem.status == Status.BLOCKED))
        .select_from(ActionItem)
        .outerjoin(User, User.id == ActionItem.owner_id)
        .where(ActionItem.status.in_(OPEN_STATUSES), *scope.conditions())
        .group_by(User.id, User.full_name)
        .order_by(open_count.desc(), User.full_name)
    )
    return [
        {"id": id_, "name": name or _("Nobody"), "open": open_, "overdue": overdue, "blocked": blocked}
        for id_, name, open_, overdue, blocked in db.session.execute(query)
    ]


def overdue_items(scope: Scope, today: date | None = None, limit: int = LIST_LIMIT) -> list[ActionItem]:
    """The open items longest past their due date, with their owners."""
    return attention_items(scope, today, limit)[0]


def blocked_items(scope: Scope, limit: int = LIST_LIMIT) -> list[ActionItem]:
    """Blocked items, most recently changed first; the reason is their status note."""
    return attention_items(scope, limit=limit)[1]


def attention_items(scope: Scope, today: date | None = None,
                    limit: int = LIST_LIMIT) -> tuple[list[ActionItem], list[ActionItem]]:
    """The most overdue and the latest blocked items (with owners), in one query for both lists."""
    today = today or local_today()
    overdue_ids = (
        select(ActionItem.id).where(_overdue(today), *scope.conditions())
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
    overdue = sorted((item for item in rows if item.status in OPEN_STATUSES and item.due_date
                      and item.due_date < today), key=lambda item: (item.due_date, item.id))
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


def dashboard(scope: Scope, language: str, today: date | None = None) -> dict:
    """Everything the dashboard shows: from the memo while the data is unchanged, else in six queries."""
    today = today or local_today()
    memo = current_app.extensions.setdefault("dashboard_memo", {})
    key = (scope, scope.notices, language, today, *db.session.execute(select(*_data_version())).one())
    now = monotonic()
    with _memo_lock:
        hit = memo.get(key)
        if hit is not None and now - hit[0] < MEMO_SECONDS:
            return hit[1]
    data = _dashboard(scope, language, today)
    with _memo_lock:
        if len(memo) >= MEMO_SIZE:
            memo.pop(next(iter(memo)))  # the oldest entry
        memo[key] = (now, data)
    return data


def _data_version() -> list:
    """Values that change whenever a figure could: each one is an index lookup, not a scan.

    Item changes bump max(updated_at) (new items also max(id)); comments add history rows; webinar
    edits bump their updated_at and deletions their count. Names of people and themes are not part of
    the key: MEMO_SECONDS bounds how long a renamed owner or theme can show its old name.
    """
    return [
        select(func.max(ActionItem.id)).scalar_subquery(),
        select(func.max(ActionItem.updated_at)).scalar_subquery(),
        select(func.max(ItemHistory.id)).scalar_subquery(),
        select(func.max(Webinar.updated_at)).scalar_subquery(),
        select(func.count()).select_from(Webinar).scalar_subquery(),
    ]


def _dashboard(scope: Scope, language: str, today: date) -> dict:
    """Everything the dashboard shows, in a fixed number of queries (six)."""
    webinars = webinar_rows(scope, today)
    scope = scope.known({row["id"] for row in webinars})
    totals = figures(scope, today)
    shown = [row for row in webinars if (row["id"] == scope.webinar if scope.webinar else row["items"])]
    overdue, blocked = attention_items(scope, today)
    return {
        "scope": scope,
        "today": today,
        "webinars": webinars,
        "webinar": next((row for row in webinars if row["id"] == scope.webinar), None),
        "figures": totals,
        "per_webinar": list(reversed(shown[:WEBINAR_LIMIT])),  # the latest; oldest first, as a chart reads
        "per_webinar_total": len(shown),
        "per_theme": theme_rows(scope, language, totals["total"]),
        "per_owner": owner_rows(scope, today),
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

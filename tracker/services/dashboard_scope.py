"""The scope of a dashboard or report (one webinar or all, and a period) and its words."""
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import bindparam

from tracker.i18n import gettext as _
from tracker.i18n import show_date
from tracker.models import ActionItem
from tracker.services.webinar_picker import option_label
from tracker.timeutil import local_today, local_zone
from tracker.validation import iso_date, positive_int

PERIODS = ("all", "this_semester", "last_semester", "range")
MIN_YEAR, MAX_YEAR = 2000, 2100  # dates outside are typing mistakes (and would overflow in UTC)


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
        """SQL conditions on ActionItem for the period (and the visibility rule), without the webinar."""
        conditions = [ActionItem.is_visible]
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

    @property
    def shape(self) -> tuple[bool, bool, bool]:
        """Which conditions the scope has (webinar, start, end): statements are built once per shape."""
        return (bool(self.webinar), self.start is not None, self.end is not None)

    def parameters(self) -> dict:
        """The values of bound_conditions(self.shape) for this scope."""
        values: dict = {}
        if self.webinar:
            values["scope_webinar"] = self.webinar
        if self.start is not None:
            values["scope_from"] = local_midnight(self.start)
        if self.end is not None:
            values["scope_to"] = local_midnight(self.end + timedelta(days=1))
        return values


def bound_conditions(shape: tuple[bool, bool, bool]) -> list:
    """Scope.conditions() of a scope of this shape, its values left as bound parameters (scope_*)."""
    webinar, start, end = shape
    conditions = [ActionItem.is_visible]
    if start:
        conditions.append(ActionItem.created_at >= bindparam("scope_from"))
    if end:
        conditions.append(ActionItem.created_at < bindparam("scope_to"))
    if webinar:
        conditions.append(ActionItem.webinar_id == bindparam("scope_webinar"))
    return conditions


def period_label(scope: Scope) -> str:
    """The period in words: "Semester I 2024", "1 Jan 2024 – 31 Mar 2024", or "all time"."""
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

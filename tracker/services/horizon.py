"""Today and the "due soon" horizon, worked out once per request for every rule that needs a day."""
from datetime import date, timedelta
from functools import cache

from flask import g, has_request_context
from sqlalchemy import String, bindparam, cast, literal, select, union_all

from tracker.extensions import db
from tracker.models import Horizon, NonWorkingDay, Setting
from tracker.services.settings import DEFAULTS
from tracker.services.working_days import WorkCalendar
from tracker.timeutil import local_today

SOON_KEY = "due_soon_working_days"
MAX_SOON_DAYS = 60  # working days; the admin form refuses more


def soon_working_days(raw: str | None) -> int:
    """The "due soon" setting as a number of working days (its default when unset or not a number)."""
    try:
        return max(0, min(int(raw or DEFAULTS[SOON_KEY]), MAX_SOON_DAYS))
    except ValueError:
        return int(DEFAULTS[SOON_KEY])


@cache
def _horizon_statement():
    """The setting and the days off from `today` to `last` (bound): built once, it is asked on most pages."""
    return union_all(
        select(literal("setting").label("kind"), Setting.value.label("value")).where(Setting.key == SOON_KEY),
        select(literal("day"), cast(NonWorkingDay.day, String))
        .where(NonWorkingDay.day >= bindparam("today"), NonWorkingDay.day <= bindparam("last")),
    )


def load_horizon(today: date | None = None) -> Horizon:
    """The horizon of a day: the setting and the days off that matter read in one query."""
    today = today or local_today()
    # Enough calendar days to hold MAX_SOON_DAYS working days and the longest run of days off.
    last = today + timedelta(days=MAX_SOON_DAYS * 2 + 30)
    rows = db.session.execute(_horizon_statement(), {"today": today, "last": last}).all()
    setting = next((value for kind, value in rows if kind == "setting"), None)
    days_off = frozenset(date.fromisoformat(value) for kind, value in rows if kind == "day")
    return Horizon(today=today, soon_until=WorkCalendar(extra=days_off).add(today, soon_working_days(setting)))


def current_horizon() -> Horizon:
    """The horizon of today in WITA, kept for the rest of the request (plain values only)."""
    if not has_request_context():
        return load_horizon()
    today = local_today()
    horizon = g.get("horizon")
    if horizon is None or horizon.today != today:
        horizon = g.horizon = load_horizon(today)
    return horizon

"""Working-day arithmetic: weekends, Indonesian national holidays and admin-added days off do not count.

Each public function loads the admin's extra days (NonWorkingDay rows) once, however many days it
looks at; the national holidays come from the `holidays` package (no database involved).
"""
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from sqlalchemy import select

from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.models import NonWorkingDay, User
from tracker.permissions import can_manage_users
from tracker.services.errors import InvalidInput, NotAllowed

MAX_STEPS = 3650  # far more working days than any deadline needs; guards the loops


@dataclass
class WorkCalendar:
    """Which days are off: weekends, national holidays (worked out once per year and process) and the extra days given."""

    extra: frozenset[date] = frozenset()

    @classmethod
    def load(cls) -> "WorkCalendar":
        """The calendar with every admin-added day off, in one query."""
        return cls(extra=frozenset(db.session.scalars(select(NonWorkingDay.day))))

    def is_working_day(self, day: date) -> bool:
        """Whether the day is not a weekend, a national holiday or an extra day off."""
        return day.weekday() < 5 and day not in _holidays_of(day.year) and day not in self.extra

    def holiday_name(self, day: date) -> str | None:
        """The national holiday's Indonesian name, or None."""
        return _holidays_of(day.year).get(day)

    def add(self, start: date, n: int) -> date:
        """The n-th working day after start (n = 0: start itself, or the next working day if it is off)."""
        day = start
        if n <= 0:
            steps = 0
            while not self.is_working_day(day) and steps < MAX_STEPS:
                day += timedelta(days=1)
                steps += 1
            return day
        counted = 0
        for _step in range(MAX_STEPS * 2):
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
                if counted == n:
                    return day
        return day

    def between(self, a: date, b: date) -> int:
        """Working days after a up to and including b (negative when b is before a)."""
        if b < a:
            return -self.between(b, a)
        return sum(1 for offset in range(1, (b - a).days + 1) if self.is_working_day(a + timedelta(days=offset)))


def is_working_day(day: date) -> bool:
    """Whether a day is a working day (not a weekend, national holiday or admin-added day off)."""
    return WorkCalendar.load().is_working_day(day)


def add_working_days(start: date, n: int) -> date:
    """The date n working days after start: Friday + 1 is Monday (or later after a holiday)."""
    return WorkCalendar.load().add(start, n)


def working_days_between(a: date, b: date) -> int:
    """How many working days lie after a, up to and including b."""
    return WorkCalendar.load().between(a, b)


def setting(key: str) -> str:
    """A working-day setting (admins change them on the settings page)."""
    from tracker.services.settings import get_setting

    return get_setting(key)


def due_in_working_days() -> bool:
    """Whether relative deadlines (bulk entry's due:+N) count working days."""
    return setting("due_in_working_days").strip() == "1"


def due_after(start: date, n: int) -> date:
    """start + n days, counted in working days when the setting says so."""
    if due_in_working_days():
        return add_working_days(start, n)
    return start + timedelta(days=n)


def relative_due():
    """A function (start, n) -> due date for `due:+N`, with the setting and days off read once."""
    if not due_in_working_days():
        return lambda start, n: start + timedelta(days=n)
    return WorkCalendar.load().add


# --- Extra non-working days (admin) -------------------------------------------------------


def non_working_days() -> list[NonWorkingDay]:
    """Every admin-added day off, newest date first."""
    return list(db.session.scalars(select(NonWorkingDay).order_by(NonWorkingDay.day.desc())))


def add_non_working_day(actor: User, day: date, description: str) -> NonWorkingDay:
    """Add a day off (e.g. cuti bersama); each date once."""
    if not can_manage_users(actor):
        raise NotAllowed(_("Only administrators manage non-working days."))
    description = " ".join((description or "").split())
    if not description or len(description) > 200:
        message = _("Describe the day in at most %(max)d characters.", max=200)
        raise InvalidInput(message, {"description": message})
    if not 2000 <= day.year <= 2100:
        message = _("Choose a date between the years 2000 and 2100.")
        raise InvalidInput(message, {"day": message})
    if db.session.scalar(select(NonWorkingDay.id).where(NonWorkingDay.day == day)) is not None:
        message = _("This date is already a non-working day.")
        raise InvalidInput(message, {"day": message})
    row = NonWorkingDay(day=day, description=description, created_by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    return row


def delete_non_working_day(actor: User, row: NonWorkingDay) -> None:
    """Remove a day off."""
    if not can_manage_users(actor):
        raise NotAllowed(_("Only administrators manage non-working days."))
    db.session.delete(row)
    db.session.flush()


def national_holidays(year: int) -> list[tuple[date, str]]:
    """Indonesia's national holidays of a year with their Indonesian names, by date."""
    return sorted(_holidays_of(year).items())


@lru_cache(maxsize=64)
def _holidays_of(year: int) -> dict[date, str]:
    """A year's national holidays by date (a plain dict, computed once: every request asks again)."""
    return dict(_indonesian_holidays(years=year))


def _indonesian_holidays(**options):
    """The `holidays` package's Indonesian calendar (imported on first use: a worker that never counts
    working days never loads it)."""
    import holidays

    return holidays.country_holidays("ID", language="id", **options)

"""Time helpers: the app's local zone (WITA) for every "today" decision."""
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_ZONE = "Asia/Makassar"


def local_zone() -> ZoneInfo:
    """The app's local time zone: the configured one, WITA outside an app context."""
    name = current_app.config["BABEL_DEFAULT_TIMEZONE"] if has_app_context() else DEFAULT_ZONE
    return ZoneInfo(name)


def local_today(now: datetime | None = None) -> date:
    """Today's date in WITA (or the configured zone), whatever the server's zone is."""
    now = now or datetime.now(UTC)
    return now.astimezone(local_zone()).date()

"""Time helpers: the app's local zone (WITA by default) for every "today" decision, and its label."""
from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_ZONE = "Asia/Makassar"
# Indonesia's three official zones go by their Indonesian names, whatever the tz database calls them.
INDONESIAN_LABELS = {
    "Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA", "Asia/Ujung_Pandang": "WITA",
    "Asia/Jayapura": "WIT",
}


def local_zone() -> ZoneInfo:
    """The app's local time zone: the configured one, WITA outside an app context."""
    name = current_app.config["BABEL_DEFAULT_TIMEZONE"] if has_app_context() else DEFAULT_ZONE
    return ZoneInfo(name)


def local_today(now: datetime | None = None) -> date:
    """Today's date in WITA (or the configured zone), whatever the server's zone is."""
    now = now or datetime.now(UTC)
    return now.astimezone(local_zone()).date()


def zone_label(zone: ZoneInfo | None = None) -> str:
    """The label shown after local times: WIB, WITA or WIT in Indonesia, else the zone's abbreviation."""
    return _label(str(zone or local_zone()))


@lru_cache(maxsize=64)
def _label(name: str) -> str:
    if name in INDONESIAN_LABELS:
        return INDONESIAN_LABELS[name]
    return datetime.now(UTC).astimezone(ZoneInfo(name)).tzname() or name

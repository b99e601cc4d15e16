"""Small input rules shared by forms, services and the API."""
from datetime import date, datetime
from urllib.parse import urlsplit

from tracker.i18n import gettext as _
from tracker.services.errors import InvalidInput

MAX_URL = 500
MAX_ID = 2**31 - 1  # larger ids cannot exist (and would overflow an INTEGER column)


def positive_int(raw: str, maximum: int = MAX_ID) -> int | None:
    """A whole number from 1 to maximum written in ASCII digits, or None ("²" and "1e3" are not)."""
    raw = raw.strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > len(str(maximum)):
        return None
    number = int(raw)
    return number if 1 <= number <= maximum else None


def iso_date(raw: str) -> date | None:
    """A YYYY-MM-DD date, or None."""
    raw = raw.strip()
    try:
        return datetime.strptime(raw, "%Y-%m-%d").date() if len(raw) == 10 else None
    except ValueError:
        return None


def is_web_url(value: str) -> bool:
    """Whether the value is an http(s) link with a host and no spaces."""
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in value


def clean_evidence_url(value: str | None, field: str = "evidence_url") -> str | None:
    """An http(s) link, or None when empty; anything else is refused."""
    value = (value or "").strip()
    if not value:
        return None
    if len(value) > MAX_URL or not is_web_url(value):
        message = _("The evidence link must be a web address starting with http:// or https://.")
        raise InvalidInput(message, {field: message})
    return value

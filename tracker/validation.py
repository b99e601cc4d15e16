"""Small input rules shared by forms, services and the API."""
from urllib.parse import urlsplit

from flask import request
from flask_babel import gettext as _

from tracker.services.errors import InvalidInput

MAX_URL = 500


def is_web_url(value: str) -> bool:
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


def refuse_nul_bytes():
    """Before a form is handled: a value with a NUL byte cannot be stored (PostgreSQL refuses
    it in text), so the request is refused with a message instead of failing in the database."""
    if request.method in ("GET", "HEAD", "OPTIONS") or request.blueprint == "api":
        return None  # queries are checked by their filters; the API checks its JSON itself
    if any("\x00" in value for values in request.form.listvalues() for value in values):
        from tracker.errors import render_error

        return render_error(400, _("The form contains a character that cannot be saved (a NUL byte). "
                                   "Remove it and try again."))
    return None

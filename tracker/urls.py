"""Links: redirect targets that cannot send a user to another site, and cheap links for long tables."""
from urllib.parse import urlencode, urlsplit

from flask import current_app, request, url_for
from werkzeug.routing import IntegerConverter

from tracker.validation import MAX_ID


def safe_next(target: str | None) -> str | None:
    """A same-site relative path, or None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(char) < 32 or ord(char) == 127 for char in target):  # CR/LF would split the header
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def absolute_url(endpoint: str, **args) -> str:
    """A link for messages that leave the app (shares, emails): BASE_URL plus the route."""
    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **args)


def item_url(item_id: int) -> str:
    """/items/<id>, for lists that link dozens of items: the route is built once per mount point and
    the id written into it (url_for costs as much as the rest of a table row)."""
    patterns = current_app.extensions.setdefault("tracker_item_urls", {})
    pattern = patterns.get(request.script_root)
    if pattern is None:
        pattern = patterns[request.script_root] = url_for("items.detail", item_id=MAX_ID).replace(str(MAX_ID), "{}")
    return pattern.format(int(item_id))


QUERY_SAFE = "!$'()*,/:;?@"  # what url_for (Werkzeug) leaves unescaped in a query string


def query_url(endpoint: str, **args) -> str:
    """url_for(endpoint, **args) for a route without path variables, for tables that link every row:
    the path is built once per mount point and the query written as url_for writes it (None left out)."""
    paths = current_app.extensions.setdefault("tracker_paths", {})
    key = (request.script_root, endpoint)
    path = paths.get(key)
    if path is None:
        path = paths[key] = url_for(endpoint)
    pairs = [(name, item) for name, value in args.items()
             for item in (value if isinstance(value, list | tuple) else (value,)) if item is not None]
    return f"{path}?{urlencode(pairs, safe=QUERY_SAFE)}" if pairs else path


def back_or(fallback: str) -> str:
    """The page the user came from when it is on this site, else the fallback."""
    referrer = request.referrer
    if referrer:
        parts = urlsplit(referrer)
        if parts.netloc == request.host:
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            return safe_next(path) or fallback
    return fallback


class IdConverter(IntegerConverter):
    """`<int:...>` in our URLs: a database id, so at most 2**31 - 1 (a larger number is a 404,
    not an overflow error from the database driver)."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)

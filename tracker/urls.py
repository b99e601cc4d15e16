"""Redirect targets that cannot send a user to another site."""
from urllib.parse import urlsplit

from flask import request


def safe_next(target: str | None) -> str | None:
    """A same-site relative path, or None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def back_or(fallback: str) -> str:
    """The page the user came from when it is on this site, else the fallback."""
    referrer = request.referrer
    if referrer:
        parts = urlsplit(referrer)
        if parts.netloc == request.host:
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            return safe_next(path) or fallback
    return fallback

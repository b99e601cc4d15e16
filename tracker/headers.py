"""Response headers: a strict Content-Security-Policy and friends, caching, versioned static URLs."""
import hashlib
from functools import cache
from pathlib import Path

from flask import Flask, current_app, request, url_for

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


# Answers a browser may keep and must check each time (a 304 when unchanged): they hold nobody's data.
REVALIDATED = frozenset({"pwa.service_worker", "pwa.manifest"})

# What WhiteNoise adds to a static file (it answers before Flask does; see compression.py).
STATIC_HEADERS = {"X-Content-Type-Options": "nosniff", "Content-Security-Policy": CSP, "Referrer-Policy": "same-origin"}


@cache
def _static_version(static_folder: str, filename: str) -> str | None:
    """The first 12 hex digits of the file's sha256, or None when there is no such file."""
    path = Path(static_folder) / filename
    if not path.is_file():
        return None
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def asset(filename: str) -> str:
    """The versioned URL of a static file, built once per file and mount point (pages ask for several)."""
    urls = current_app.extensions.setdefault("tracker_assets", {})
    key = (request.script_root, filename)
    if key not in urls:
        urls[key] = url_for("static", filename=filename)
    return urls[key]


def init_app(app: Flask) -> None:
    """Version static URLs and add the security and caching headers to every response."""
    app.add_template_global(asset)
    @app.url_defaults
    def version_static_urls(endpoint, values):
        """/static/x.css?v=<hash>: browsers may keep the file for a year and still see new versions."""
        if endpoint == "static" and "filename" in values and "v" not in values:
            version = _static_version(app.static_folder, values["filename"])
            if version:
                values["v"] = version

    @app.after_request
    def security_headers(response):
        """CSP and friends on every response; pages are never cached, static files are."""
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.endpoint != "static" and request.endpoint not in REVALIDATED:
            headers["Cache-Control"] = "no-store"
        return response

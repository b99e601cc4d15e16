"""Fewer bytes on a slow line: pages compressed as they are sent, static files sent pre-compressed.

Pages (HTML, CSS, JS, CSV, SVG, the manifest) go through Flask-Compress, Brotli where the browser
accepts it, else gzip. JSON API answers are left alone: they are small and their ETags must stay the
item's version. Static files are served by WhiteNoise, which picks the `.br` or `.gz` copy that
`make install` wrote next to each file (`python -m whitenoise.compress`), and marks them cacheable
for a year (their URLs carry a content hash, see headers.py).
"""
from flask import Flask
from flask_compress import Compress
from whitenoise import WhiteNoise

from tracker.headers import STATIC_HEADERS

YEAR = 365 * 24 * 3600
COMPRESSED_TYPES = [
    "text/html", "text/css", "text/javascript", "application/javascript", "text/csv", "text/calendar",
    "image/svg+xml", "application/manifest+json",
]


def init_app(app: Flask) -> None:
    """Compress dynamic answers, and serve /static from WhiteNoise (outermost, before any Flask work)."""
    config = app.config
    config.setdefault("COMPRESS_MIMETYPES", COMPRESSED_TYPES)
    config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    config.setdefault("COMPRESS_BR_LEVEL", 5)
    config.setdefault("COMPRESS_STREAMS", False)  # a streamed export stays streamed
    Compress(app)
    if app.debug:
        return  # `make run`: Flask serves the files as they are edited
    app.wsgi_app = WhiteNoise(
        app.wsgi_app, root=app.static_folder, prefix=app.static_url_path.strip("/") + "/",
        max_age=YEAR, add_headers_function=_static_headers,
    )


def _static_headers(headers, path: str, url: str) -> None:
    """The security headers every answer carries, on static files too."""
    for name, value in STATIC_HEADERS.items():
        headers[name] = value

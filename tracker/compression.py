"""Fewer bytes on a slow line: pages compressed as they are sent, static files sent pre-compressed.

Pages (HTML, CSS, JS, CSV, SVG, the manifest) go through Flask-Compress, Brotli where the browser
accepts it, else gzip. JSON API answers are left alone: they are small and their ETags must stay the
item's version. Static files are served by WhiteNoise, which picks the `.br` or `.gz` copy that
`make install` wrote next to each file (`python -m whitenoise.compress`), and marks them cacheable
for a year (their URLs carry a content hash, see headers.py). A copy that no longer matches its file
(a deploy that skipped `make static`) is written afresh at start, never sent stale.
"""
from pathlib import Path

from flask import Flask
from flask_compress import Compress
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

from tracker.headers import STATIC_HEADERS

YEAR = 365 * 24 * 3600
COPY_SUFFIXES = (".br", ".gz")
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
    refresh_stale_copies(Path(app.static_folder))
    app.wsgi_app = WhiteNoise(
        app.wsgi_app, root=app.static_folder, prefix=app.static_url_path.strip("/") + "/",
        max_age=YEAR, add_headers_function=_static_headers,
    )


def refresh_stale_copies(folder: Path) -> list[Path]:
    """Compress again every file whose .br/.gz copy is missing its twin or was made from an older version.

    `make static` gives each copy its file's modification time, so a copy whose time differs is stale.
    Returns the files compressed again.
    """
    compressor, refreshed = Compressor(quiet=True), []
    for path in folder.rglob("*"):
        if path.suffix in COPY_SUFFIXES or not path.is_file() or not compressor.should_compress(path.name):
            continue
        copies = [path.with_name(path.name + suffix) for suffix in COPY_SUFFIXES]
        made = path.stat().st_mtime
        if any(copy.exists() and copy.stat().st_mtime != made for copy in copies):
            for copy in copies:
                copy.unlink(missing_ok=True)
            compressor.compress(str(path))
            refreshed.append(path)
    return refreshed


def _static_headers(headers, path: str, url: str) -> None:
    """The security headers every answer carries, on static files too."""
    for name, value in STATIC_HEADERS.items():
        headers[name] = value

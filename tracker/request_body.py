"""Chunked request bodies held to the same size limits as bodies that state their length.

A body sent with `Transfer-Encoding: chunked` has no Content-Length. Werkzeug then reads it only up
to the limit and stops without a word, so a too-large form arrives cut short (and fails its CSRF
check with a 400). This middleware reads such a body first, up to the largest limit any route
accepts, and hands the app a body with its length stated: Werkzeug's own check then answers 413
exactly as for a sized body, with the route's own limit.
"""
import io

MULTIPART_OVERHEAD = 64 * 1024  # form fields and boundaries around an uploaded file


def largest_body(config) -> int:
    """The largest body any route accepts: the global limit or an upload route's own."""
    largest = config["MAX_CONTENT_LENGTH"]
    if config.get("EVIDENCE_MAX_MB"):
        largest = max(largest, int(config["EVIDENCE_MAX_MB"] * 1024 * 1024) + MULTIPART_OVERHEAD)
    return largest


class ChunkedBodyLimit:
    """WSGI middleware: buffer a chunked body (up to the limit) and state its length."""

    def __init__(self, wsgi_app, config):
        self.wsgi_app = wsgi_app
        self.config = config

    def __call__(self, environ, start_response):
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if chunked and not environ.get("CONTENT_LENGTH"):
            limit = largest_body(self.config)
            body = environ["wsgi.input"].read(limit + 1)
            # Past the limit the rest is not read; the stated length is enough for a 413.
            environ["CONTENT_LENGTH"] = str(len(body))
            environ["wsgi.input"] = io.BytesIO(body if len(body) <= limit else b"")
            environ.pop("HTTP_TRANSFER_ENCODING", None)
        return self.wsgi_app(environ, start_response)

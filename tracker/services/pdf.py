"""Reports as PDF with WeasyPrint, without network access (imported only when a PDF is made)."""
import mimetypes
from urllib.parse import urlsplit

from flask import current_app
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse
from werkzeug.security import safe_join

# The host WeasyPrint resolves relative URLs against; only its /static/ files are ever served.
PDF_BASE_URL = "https://report.invalid/"


class StaticOnlyFetcher(URLFetcher):
    """WeasyPrint's fetcher, but it only serves the app's static files and data: URIs: no network."""

    def __init__(self, static_folder: str, static_url_path: str):
        super().__init__(allowed_protocols={"data"}, allow_redirects=False)
        self.static_folder = static_folder
        self.prefix = static_url_path.rstrip("/") + "/"
        self.host = urlsplit(PDF_BASE_URL).netloc

    def fetch(self, url, headers=None):
        """Serve a data: URI or one of the app's static files; refuse any other URL."""
        if url.startswith("data:"):
            return super().fetch(url, headers)
        parts = urlsplit(url)
        if parts.scheme != "https" or parts.netloc != self.host or not parts.path.startswith(self.prefix):
            raise ValueError(f"refused to fetch {url}: reports only use the app's static files")
        path = safe_join(self.static_folder, parts.path[len(self.prefix):])
        if path is None:
            raise ValueError(f"refused to fetch {url}")
        with open(path, "rb") as handle:
            body = handle.read()
        mimetype = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, {"Content-Type": mimetype})


def render_pdf(html: str) -> bytes:
    """The report's HTML as a PDF, rendered without any network access."""
    app = current_app
    fetcher = StaticOnlyFetcher(app.static_folder, app.static_url_path)
    return HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=fetcher).write_pdf()

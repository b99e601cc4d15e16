"""What goes over the wire: pages Brotli- or gzip-compressed by the server we ship, static files sent
pre-compressed with a year of cache, JSON API answers left as they are (their ETag is the version)."""
import gzip
import urllib.request
from pathlib import Path

import brotli
import pytest

from tests.live_server import LiveServer

STATIC = Path(__file__).resolve().parent.parent / "tracker" / "static"
CSS = "vendor/bootstrap/bootstrap.min.css"


def _decoded(encoding: str, body: bytes) -> bytes:
    return brotli.decompress(body) if encoding == "br" else gzip.decompress(body)


@pytest.fixture(scope="module")
def server(database_url, config_class, _schema, tmp_path_factory):
    live = LiveServer(database_url, str(tmp_path_factory.mktemp("compression-instance")), workers=1)
    yield live
    live.stop()


def _fetch(server, path: str, encoding: str | None):
    request = urllib.request.Request(server.url + path, headers={"Accept-Encoding": encoding} if encoding else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.headers, response.read()


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_the_sign_in_page_is_compressed_through_the_real_server(server, encoding):
    headers, body = _fetch(server, "/login", encoding)
    assert headers["Content-Encoding"] == encoding and "Accept-Encoding" in headers["Vary"]
    page = _decoded(encoding, body).decode()
    assert "<form" in page and "csrf_token" in page
    plain_headers, plain = _fetch(server, "/login", None)
    assert "Content-Encoding" not in plain_headers  # a client that accepts nothing gets the page as it is
    assert len(body) * 2 < len(plain)


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_static_files_go_out_pre_compressed_and_cached_for_a_year(server, encoding):
    assert (STATIC / f"{CSS}.br").is_file() and (STATIC / f"{CSS}.gz").is_file(), "run `make static`"
    headers, body = _fetch(server, f"/static/{CSS}?v=0123456789ab", encoding)
    assert headers["Content-Encoding"] == encoding
    assert _decoded(encoding, body) == (STATIC / CSS).read_bytes()
    assert "max-age=31536000" in headers["Cache-Control"] and headers["X-Content-Type-Options"] == "nosniff"
    assert len(body) < 40_000  # 228 KB of CSS travels as ~25-32 KB


def test_json_api_answers_keep_their_bytes_and_etag(client, users, sample):
    client.login("kepala")
    answer = client.get(f"/api/v1/items/{sample['item1']}", headers={"Accept-Encoding": "br, gzip"})
    assert answer.status_code == 200 and "Content-Encoding" not in answer.headers
    assert answer.headers["ETag"].strip('W/"').startswith(f"{sample['item1']}-")


def test_a_copy_made_from_an_older_version_is_compressed_again(tmp_path):
    """A deploy that changed a file but skipped `make static` must not send the old file's .br."""
    import os
    import time

    from whitenoise.compress import Compressor

    from tracker.compression import refresh_stale_copies

    script = tmp_path / "js" / "outbox.js"
    script.parent.mkdir()
    script.write_text("const version = 1;\n" * 200)
    Compressor(quiet=True).compress(str(script))
    assert refresh_stale_copies(tmp_path) == []  # fresh copies are left alone
    script.write_text("const version = 2;\n" * 200)
    later = time.time() + 5
    os.utime(script, (later, later))
    assert refresh_stale_copies(tmp_path) == [script]
    assert brotli.decompress((tmp_path / "js" / "outbox.js.br").read_bytes()) == script.read_bytes()
    assert gzip.decompress((tmp_path / "js" / "outbox.js.gz").read_bytes()) == script.read_bytes()


@pytest.mark.parametrize("encoding", [None, "gzip", "br"])
@pytest.mark.parametrize("path", ["/sw.js", "/manifest.webmanifest"])
def test_the_service_worker_and_manifest_cost_a_304_when_unchanged(client, path, encoding):
    """A phone checks the worker on its visits: unchanged, the answer is a few headers, not the script."""
    asked = {"Accept-Encoding": encoding} if encoding else {}
    first = client.get(path, headers=asked)
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-cache" and first.headers["ETag"]
    again = client.get(path, headers={**asked, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    stale = client.get(path, headers={**asked, "If-None-Match": '"an-older-version"'})
    assert stale.status_code == 200 and stale.get_data()

"""Static files have fingerprinted names and a year of cache: the second page takes them from the cache."""
import re

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD


def test_second_page_takes_bootstrap_from_the_cache(open_page, users):
    page = open_page("desktop")
    with page.expect_response(re.compile(r"/static/vendor/bootstrap/bootstrap\.min\.css")) as first:
        page.goto("/login")
    response = first.value
    assert re.search(r"\?v=[0-9a-f]{12}$", response.url)  # the name changes when the file does
    cache_control = response.headers["cache-control"]
    assert "max-age=31536000" in cache_control and "public" in cache_control

    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    events = []
    cdp.on("Network.requestWillBeSent", lambda e: events.append(("sent", e["requestId"], e["request"]["url"])))
    cdp.on("Network.requestServedFromCache", lambda e: events.append(("cache", e["requestId"], "")))
    cdp.on("Network.responseReceived", lambda e: events.append(
        ("cache" if e["response"].get("fromDiskCache") or e["response"].get("fromMemoryCache") else "net",
         e["requestId"], e["response"]["url"])))
    sign_in(page, "anggota", PASSWORD)
    page.get_by_role("heading", name="Tugas saya").wait_for()
    ids = {request_id for kind, request_id, url in events if kind == "sent" and "bootstrap.min.css" in url}
    assert ids, "the page did not ask for bootstrap.min.css"
    assert all(any(kind == "cache" and rid == request_id for kind, rid, _url in events) for request_id in ids)

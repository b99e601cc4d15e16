"""Weight on the wire: bytes transferred by a first and a repeat visit of /my and /items on a 360 px phone.

Chromium (Debian's, driven by Playwright) signs in as the busy member once, then opens each page in a
fresh context that has only the session cookie (empty HTTP cache, no service worker): the first visit
is everything the server sends until the page and its service worker are quiet (HTML, CSS, JS, icons,
manifest, the worker's script and whatever it fetches at install or keeps for offline reading); the
repeat visit is the same page opened again in that context. Bytes are counted on the server by
bench.app.ByteCounter (status line, headers and body of every response as sent), with one gunicorn
worker so that one process holds the count.

    python -m bench.transfer    (on the cached 1k SQLite dataset; prints KB and the biggest responses)
"""
import json
import time
import urllib.request
from pathlib import Path

from bench.app import BYTES_URL
from bench.generate import BUSY_MEMBER, PASSWORD
from bench.server import Gunicorn

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [  # as tests/browser/conftest.py
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
PHONE = {"width": 360, "height": 740}
PAGES = ("/my", "/items")
KB = 1000  # as the browser's developer tools count
# Nothing being sent and nothing new for this long: the visit is over. Chromium checks for a new
# /sw.js a moment after a navigation; 1.5 s leaves room for that on a busy machine.
QUIET_SECONDS = 1.5
MAX_SETTLE_SECONDS = 30.0
WORKER_READY = "navigator.serviceWorker ? navigator.serviceWorker.ready.then(() => true) : false"


def missing() -> str | None:
    """Why the transfer cannot be measured here, or None."""
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is not installed (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (requirements-dev.txt)"
    return None


def run(database_url: str, instance_path: str, username: str = BUSY_MEMBER, log=print) -> dict:
    """Start one gunicorn worker with the byte counter, visit each page twice, return the bytes."""
    from playwright.sync_api import sync_playwright

    server = Gunicorn(database_url, instance_path, workers=1, factory="create_bench_app(count_bytes=True)")
    results = {"user": username, "viewport": PHONE}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                state = _signed_in_state(browser, server.url, username)
                for path in PAGES:
                    results[path] = _first_and_repeat(browser, server.url, state, path)
                    log(f"    transfer {path:7} first visit {results[path]['first_kb']:7.1f} KB "
                        f"({len(results[path]['first'])} responses), repeat {results[path]['repeat_kb']:6.1f} KB "
                        f"({len(results[path]['repeat'])} responses)")
            finally:
                browser.close()
    finally:
        server.stop()
    return results


def _new_context(browser, base_url: str, **options):
    context = browser.new_context(viewport=PHONE, base_url=base_url, locale="id-ID", **options)
    context.set_default_timeout(30_000)
    return context


def _signed_in_state(browser, base_url: str, username: str) -> dict:
    """Sign in through the real form in a throw-away context; its cookies are all that is kept."""
    context = _new_context(browser, base_url, service_workers="block")  # nothing kept for offline here
    page = context.new_page()
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form:has(input[name=password]) button[type=submit]")
    if "/login" in page.url:
        raise RuntimeError(f"browser sign-in as {username} failed")
    state = context.storage_state()
    context.close()
    _settled(base_url, quiet=0)  # what the sign-in cost is not part of any visit
    return {"cookies": state["cookies"], "origins": []}


def _first_and_repeat(browser, base_url: str, state: dict, path: str) -> dict:
    context = _new_context(browser, base_url, storage_state=state)
    try:
        page = context.new_page()
        first = _visit(page, base_url, path)
        repeat = _visit(page, base_url, path)
    finally:
        context.close()
        _settled(base_url, quiet=0)  # a closed context sends nothing more: drain what is left
    return {"first_kb": _kb(first), "repeat_kb": _kb(repeat), "first": first, "repeat": repeat}


def _visit(page, base_url: str, path: str) -> list[dict]:
    """Open the page, wait for the network and the service worker to be quiet; the responses it cost."""
    response = page.goto(path, wait_until="networkidle")
    if response is None or not response.ok or not page.url.endswith(path):
        raise RuntimeError(f"{path} answered {response and response.status} at {page.url}")
    page.evaluate(WORKER_READY)
    return _settled(base_url)


def _settled(base_url: str, quiet: float = QUIET_SECONDS) -> list[dict]:
    """Every response the server sends until none is being sent and none came for `quiet` seconds."""
    records, quiet_since, deadline = [], time.monotonic(), time.monotonic() + MAX_SETTLE_SECONDS
    while time.monotonic() < deadline:
        with urllib.request.urlopen(base_url + BYTES_URL, timeout=10) as answer:
            taken = json.load(answer)
        records += taken["responses"]
        if taken["responses"] or taken["in_flight"]:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= quiet:
            break
        time.sleep(0.1)
    return records


def _kb(records: list[dict]) -> float:
    return round(sum(r["bytes"] for r in records) / KB, 1)


def biggest(records: list[dict], count: int = 8) -> list[dict]:
    """The responses that cost the most bytes, biggest first."""
    return sorted(records, key=lambda r: r["bytes"], reverse=True)[:count]


def main() -> None:
    """Measure on the cached 1k SQLite dataset (built first if needed) and print the responses."""
    from bench.databases import CACHE_DIR, SQLiteStore

    store = SQLiteStore(CACHE_DIR)
    store.prepare("1k")
    url = store.clone("1k")
    try:
        results = run(url, str(CACHE_DIR / "instance"))
    finally:
        store.drop(url)
    for path in PAGES:
        for visit in ("first", "repeat"):
            print(f"{path} {visit} visit: {results[path][visit + '_kb']} KB")
            for record in results[path][visit]:
                print(f"    {record['bytes']:8d} B  {record['status']} {record['method']} {record['path']} "
                      f"{record['type']} {record['encoding']}")


if __name__ == "__main__":
    main()

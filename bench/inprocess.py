"""Server-side timings with the Flask test client: median, p95 and SQL queries per request."""
import hashlib
import logging
import math
import re
import statistics
import time
from dataclasses import dataclass, field

from sqlalchemy import event, func, select

from bench.app import R1_URL, R2_URL, create_bench_app
from bench.databases import bench_config
from bench.generate import BUSY_MEMBER, HEAD, PASSWORD, WRITERS
from tracker.extensions import db
from tracker.models import AccessToken, ActionItem, Status, TokenKind, User, Webinar

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
IGNORED = ("BEGIN", "SAVEPOINT", "RELEASE", "PRAGMA", "COMMIT", "ROLLBACK")
API_TOKEN = "tlb_bench_api_token_0123456789abcdef"  # inserted as a hashed API token for E6
PAGES = ("R1", "R2", "E1", "E1c", "E2", "E2d", "E2k", "E2f", "E3", "E4", "E5", "E6", "E7", "E8")
LABELS = {
    "R1": "floor: constant view", "R2": "floor: base layout, signed in",
    "E1": "/dashboard", "E1c": "/dashboard after a write",
    "E2": "/items page 1", "E2d": "/items deep page", "E2k": "/items deep page via Next", "E2f": "/items filter + search",
    "E3": "/items/<id> long history", "E4": "POST /items/<id>/status", "E5": "/my busy member",
    "E6": "/api/v1/items", "E7": "/items/export.xlsx big webinar", "E8": "/board every item",
}
# Pages still being written elsewhere: a 404 means "not there yet", not an error.
OPTIONAL = {"E1", "E1c", "E6"}


@dataclass
class Budget:
    """How long to measure each page: at least min_reps, then until seconds or max_reps."""

    seconds: float = 2.5
    min_reps: int = 10
    max_reps: int = 300
    warmup: int = 2


@dataclass
class Landmarks:
    """Rows the scenarios need, looked up in the generated data."""

    items: int
    big_webinar: int
    long_item: int
    touched_item: int  # E1c changes it before each request (nobody else writes it)
    writer_items: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict)


def find_landmarks(writers=WRITERS) -> Landmarks:
    """Inside an app context: the biggest webinar, its first item (long history), writers' items."""
    big = db.session.execute(
        select(Webinar.id).order_by(Webinar.last_item_number.desc(), Webinar.id).limit(1)).scalar_one()
    long_item = db.session.execute(
        select(ActionItem.id).where(ActionItem.webinar_id == big, ActionItem.number == 1)).scalar_one()
    touched = db.session.execute(
        select(ActionItem.id).where(ActionItem.webinar_id == big, ActionItem.id != long_item)
        .order_by(ActionItem.number.desc()).limit(1)).scalar_one()
    found = Landmarks(items=db.session.scalar(select(func.count(ActionItem.id))), big_webinar=big,
                      long_item=long_item, touched_item=touched)
    for username in writers:
        rows = db.session.execute(
            select(ActionItem.id, ActionItem.version, ActionItem.status).join(User, User.id == ActionItem.owner_id)
            .where(User.username == username, ActionItem.status.in_(["dikerjakan", "terhambat"]))
            .order_by(ActionItem.id)).all()
        found.writer_items[username] = [(r.id, r.version, r.status.value) for r in rows]
    db.session.remove()
    return found


def add_api_token(username: str = HEAD) -> None:
    """An API token for E6 (only its hash is stored, as the app does)."""
    user = db.session.scalar(select(User).where(User.username == username))
    db.session.add(AccessToken(user_id=user.id, kind=TokenKind.API, name="bench",
                               token_hash=hashlib.sha256(API_TOKEN.encode()).hexdigest(), prefix=API_TOKEN[:8]))
    db.session.commit()


def touch_item(app, item_id: int) -> None:
    """A committed change of one item's status and progress, as a save would make (E1c, untimed)."""
    with app.app_context():
        item = db.session.get(ActionItem, item_id)
        item.status = Status.BLOCKED if item.status == Status.IN_PROGRESS else Status.IN_PROGRESS
        item.progress = (item.progress + 7) % 100
        db.session.commit()


def quiet_security_log() -> None:
    """No JSON line per sign-in on the console (alembic's fileConfig may have re-enabled the logger)."""
    logging.getLogger("tracker.security").disabled = True


class QueryCounter:
    """Counts the SQL statements the engine runs (transaction control excluded)."""

    def __init__(self, engine):
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(IGNORED):
            self.count += 1


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def login(client, username: str, password: str = PASSWORD) -> str:
    """Sign in through the real form; return a CSRF token valid for the new session."""
    token = CSRF_RE.search(client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login", data={"username": username, "password": password, "csrf_token": token})
    if response.status_code != 302:
        raise RuntimeError(f"sign-in as {username} failed with {response.status_code}")
    return CSRF_RE.search(client.get(R2_URL).get_data(as_text=True)).group(1)


def measure(call, counter: QueryCounter, budget: Budget, after=None) -> dict:
    """Time `call()` (returns a response) repeatedly; the first status that was not expected is kept."""
    for _ in range(budget.warmup):
        call()
        if after:
            after()
    times, queries, statuses = [], [], {}
    started = time.perf_counter()
    while len(times) < budget.min_reps or (
            len(times) < budget.max_reps and time.perf_counter() - started < budget.seconds):
        before = counter.count
        t0 = time.perf_counter()
        response = call()
        times.append((time.perf_counter() - t0) * 1000)
        queries.append(counter.count - before)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        if after:
            after()
    return {
        "median_ms": round(statistics.median(times), 3), "p95_ms": round(percentile(times, 0.95), 3),
        "queries": max(queries), "queries_min": min(queries), "reps": len(times), "statuses": statuses,
    }


def run(database_url: str, instance_path: str, budget: Budget, log=print) -> dict:
    """Measure every page on one database; return {page: result}."""
    app = create_bench_app(bench_config(database_url, instance_path))
    quiet_security_log()
    with app.app_context():
        marks = find_landmarks()
        add_api_token()
        counter = QueryCounter(db.engine)
    total_pages = max(1, marks.items // 25)
    deep_page = max(1, total_pages // 2)  # about row 50,000 at 100k
    anonymous, head, busy, writer = (app.test_client() for _ in range(4))
    login(head, HEAD)
    login(busy, BUSY_MEMBER)
    writer_token = login(writer, WRITERS[0])
    state = {"item": marks.writer_items[WRITERS[0]][0]}

    def post_status():
        item_id, version, status = state["item"]
        target = "terhambat" if status == "dikerjakan" else "dikerjakan"
        response = writer.post(f"/items/{item_id}/status", data={
            "status": target, "note": "Menunggu data dari OPD" if target == "terhambat" else "",
            "evidence_url": "", "version": str(version), "csrf_token": writer_token})
        if response.status_code == 302:
            state["item"] = (item_id, version + 1, target)
        return response

    next_link = _next_link(head.get(f"/items?page={max(1, deep_page - 1)}&per_page=25").get_data(as_text=True))

    pages = {
        "R1": (lambda: anonymous.get(R1_URL), 200),
        "R2": (lambda: head.get(R2_URL), 200),
        "E1": (lambda: head.get("/dashboard"), 200),
        # Nothing cached can serve it: an item changes (committed, untimed) before each request.
        "E1c": (lambda: head.get("/dashboard"), 200),
        "E2": (lambda: head.get("/items"), 200),
        "E2d": (lambda: head.get(f"/items?page={deep_page}&per_page=25"), 200),
        # The same deep page reached as people reach it: the Next link (a keyset cursor).
        "E2k": (lambda: head.get(next_link or f"/items?page={deep_page}&per_page=25"), 200),
        "E2f": (lambda: head.get("/items?status=dikerjakan&q=regulasi"), 200),
        "E3": (lambda: head.get(f"/items/{marks.long_item}"), 200),
        "E4": (post_status, 302),
        "E5": (lambda: busy.get("/my"), 200),
        "E6": (lambda: head.get("/api/v1/items", headers={"Authorization": f"Bearer {API_TOKEN}"}), 200),
        "E7": (lambda: head.get(f"/items/export.xlsx?webinar={marks.big_webinar}"), 200),
        "E8": (lambda: head.get("/board"), 200),
    }
    results = {}
    for name in PAGES:
        call, expected = pages[name]
        first = call()
        if first.status_code == 404 and name in OPTIONAL:
            results[name] = {"skipped": "404: not written yet"}
            log(f"    {name:4} skipped ({LABELS[name]} answers 404: not written yet)")
            continue
        # Untimed between requests: E4 leaves a flash message in the session, which the floor page shows
        # (and so clears); E1c changes an item, so nothing computed before can answer the next request.
        after = {"E4": lambda: writer.get(R2_URL), "E1c": lambda: touch_item(app, marks.touched_item)}.get(name)
        result = measure(call, counter, budget, after=after)
        result["expected"] = expected
        result["errors"] = sum(n for code, n in result["statuses"].items() if code != expected)
        results[name] = result
        log(f"    {name:4} {result['median_ms']:9.2f} ms median {result['p95_ms']:9.2f} p95 "
            f"{result['queries']:3d} q  x{result['reps']}" + (f"  ERRORS {result['statuses']}"
                                                             if result["errors"] else ""))
    results["_meta"] = {"deep_page": deep_page, "long_item": marks.long_item, "big_webinar": marks.big_webinar,
                        "items": marks.items}
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return results


def _next_link(html: str) -> str | None:
    """The href of the list's "Next" link (it carries the keyset cursor)."""
    import html as html_lib
    import re

    for href, label in re.findall(r'<a class="page-link" href="([^"]+)">([^<]+)</a>', html):
        if label.strip() in ("Berikutnya", "Next"):
            return html_lib.unescape(href)
    return None

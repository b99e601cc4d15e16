"""F1: SIGKILL the whole server 20 times during a write load (SQLite): the file stays sound and
every write a client saw acknowledged is there."""
import http.client
import random
import sqlite3
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from tests.conftest import PASSWORD, add_item, add_webinar
from tests.hardening.conftest import HttpBrowser
from tests.live_server import LiveServer
from tracker.extensions import db
from tracker.models import Comment, HistoryKind, ItemHistory, User
from tracker.timeutil import local_today

pytestmark = pytest.mark.slow

KILLS, WRITERS = 20, 4


def test_kill_minus_nine_loses_no_acknowledged_write(app, users, database_url, tmp_path):
    if make_url(database_url).get_backend_name() != "sqlite":
        pytest.skip("kill -9 durability is tested on SQLite; PostgreSQL's is the server's own")
    with app.app_context():
        owner = db.session.get(User, users["anggota"])
        webinar = add_webinar()
        items = [add_item(webinar, owner, title=f"Item {n}", due_date=local_today() + timedelta(days=9)).id
                 for n in range(4)]
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    current = {"url": None}
    acknowledged, attempts, lock, stop = [], [0], threading.Lock(), threading.Event()
    log = tmp_path / "f1.stderr"

    def writer(number: int, browser: HttpBrowser, token: str):
        rng, sent = random.Random(number), 0
        while not stop.is_set():
            sent += 1
            text = f"Tulisan F1 {number}-{sent}"
            item = rng.choice(items)
            try:
                status, _h, _b = browser.post(f"/items/{item}/comments", {"body": text, "csrf_token": token},
                                              base_url=current["url"])
            except (OSError, http.client.HTTPException):
                time.sleep(0.02)  # the server is down: this write was never acknowledged
                continue
            with lock:
                attempts[0] += 1
                if status == 302:
                    acknowledged.append(text)

    server = LiveServer(database_url, str(tmp_path / "instance"), workers=2, stderr_path=str(log))
    current["url"] = server.url
    people = []
    for number in range(WRITERS):
        browser = HttpBrowser(server.url, timeout=5)
        assert browser.login("anggota", PASSWORD) == 302
        people.append((number, browser, browser.csrf_token("/profile")))
    threads = [threading.Thread(target=writer, args=person) for person in people]
    for thread in threads:
        thread.start()
    rng, started = random.Random(20), time.monotonic()
    try:
        for kill in range(KILLS):
            if kill:
                server = LiveServer(database_url, str(tmp_path / "instance"), workers=2, stderr_path=str(log))
                current["url"] = server.url
            time.sleep(rng.uniform(0.2, 0.8))  # writes in flight at a random moment
            server.kill_hard()
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        server.kill_hard()
    elapsed = time.monotonic() - started

    path = make_url(database_url).database
    with sqlite3.connect(path) as connection:
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
    with app.app_context():
        stored = set(db.session.scalars(select(Comment.body).where(Comment.body.like("Tulisan F1 %"))))
        comments = db.session.scalar(select(db.func.count(Comment.id)))
        history = db.session.scalar(select(db.func.count(ItemHistory.id)).where(ItemHistory.kind == HistoryKind.COMMENT))
    missing = [text for text in acknowledged if text not in stored]
    print(f"\nF1: kills={KILLS} attempts={attempts[0]} acknowledged={len(acknowledged)} stored={len(stored)} "
          f"missing={len(missing)} integrity={integrity} in {elapsed:.1f}s")
    assert integrity == "ok"
    assert len(acknowledged) >= KILLS  # writes really happened between the kills
    assert missing == []
    assert comments == history  # each comment with its history row: no half-written save
    assert all(not thread.is_alive() for thread in threads)

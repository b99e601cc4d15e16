"""Hardening round 2 through real HTTP against gunicorn: bookkeeping never fails a read, and a chunked
body over the limit is a 413 like a sized one."""
import http.client
import threading

import pytest

from tests.conftest import PASSWORD
from tests.hardening.conftest import HttpBrowser, hot_items, server_log_problems
from tracker.extensions import db
from tracker.models import TokenKind, User
from tracker.services.tokens import create_token

pytestmark = pytest.mark.slow

READERS, WRITERS = 40, 4


def _secrets(app, users, kind: TokenKind, count: int) -> list[str]:
    with app.app_context():
        secrets = []
        for number in range(count):
            user = db.session.get(User, users["kepala" if number % 2 else "anggota"])
            if kind == TokenKind.CALENDAR:  # one calendar link per person: a new one replaces the old
                user = db.session.get(User, users[("kepala", "anggota", "anggota2", "admin")[number % 4]])
            secrets.append(create_token(user, kind, f"t{number}")[1])
            if kind == TokenKind.CALENDAR:
                db.session.commit()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return secrets


def test_first_use_of_tokens_next_to_writers_never_fails_a_read(app, users, server_factory, tmp_path):
    """40 tokens used for the first time (a last-use write each) while 4 people keep saving."""
    [item_id] = hot_items(app, users, count=1)
    api_secrets = _secrets(app, users, TokenKind.API, READERS)
    server = server_factory("tokens", workers=4)
    reads, writes, lock, readers_done, writing = [], [], threading.Lock(), threading.Event(), threading.Event()

    def writer(number: int):
        browser = HttpBrowser(server.url)
        assert browser.login("kepala" if number % 2 else "admin", PASSWORD) == 302
        token = browser.csrf_token("/profile")
        while not readers_done.is_set():
            status, _h, _t = browser.post(f"/items/{item_id}/comments", {"body": f"Catatan {number}",
                                                                        "csrf_token": token})
            with lock:
                writes.append(status)
                if len(writes) >= WRITERS:
                    writing.set()

    def reader(secret: str):
        status, _h, body = HttpBrowser(server.url).get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
        with lock:
            reads.append((status, body[:200]))

    writers = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in writers:
        thread.start()
    assert writing.wait(timeout=120)  # the writers are saving before the first token is used
    readers = [threading.Thread(target=reader, args=(secret,)) for secret in api_secrets]
    for thread in readers:
        thread.start()
    for thread in readers:
        thread.join(timeout=300)
    readers_done.set()
    for thread in writers:
        thread.join(timeout=300)
    server.stop()
    assert len(reads) == READERS
    assert [status for status, _body in reads] == [200] * READERS, reads
    assert writes and set(writes) == {302}
    assert server_log_problems(tmp_path / "tokens.stderr") == {"database is locked": 0, "Traceback": 0}


def test_calendar_feeds_used_for_the_first_time_next_to_writers(app, users, server_factory, tmp_path):
    [item_id] = hot_items(app, users, count=1)
    feeds = _secrets(app, users, TokenKind.CALENDAR, 4)
    server = server_factory("calendar", workers=4)
    statuses, lock, stop, writing = [], threading.Lock(), threading.Event(), threading.Event()

    def writer():
        browser = HttpBrowser(server.url)
        assert browser.login("kepala", PASSWORD) == 302
        token = browser.csrf_token("/profile")
        while not stop.is_set():
            assert browser.post(f"/items/{item_id}/comments", {"body": "Catatan", "csrf_token": token})[0] == 302
            writing.set()

    def reader(secret: str):
        status, _h, _t = HttpBrowser(server.url).get(f"/calendar/{secret}.ics")
        with lock:
            statuses.append(status)

    writers = [threading.Thread(target=writer) for _ in range(2)]
    for thread in writers:
        thread.start()
    assert writing.wait(timeout=120)
    readers = [threading.Thread(target=reader, args=(secret,)) for secret in feeds * 5]
    for thread in readers:
        thread.start()
    for thread in readers:
        thread.join(timeout=300)
    stop.set()
    for thread in writers:
        thread.join(timeout=300)
    server.stop()
    assert statuses == [200] * 20
    assert server_log_problems(tmp_path / "calendar.stderr") == {"database is locked": 0, "Traceback": 0}


def _chunked_post(url: str, path: str, cookie: str, body: bytes) -> tuple[int, str]:
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        connection.putrequest("POST", path)
        connection.putheader("Cookie", cookie)
        connection.putheader("Content-Type", "application/x-www-form-urlencoded")
        connection.putheader("Transfer-Encoding", "chunked")
        connection.endheaders()
        for start in range(0, len(body), 65536):
            chunk = body[start:start + 65536]
            connection.send(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        connection.send(b"0\r\n\r\n")
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def test_a_chunked_body_over_the_limit_is_a_413(app, users, server_factory):
    server = server_factory("chunked", workers=1)
    browser = HttpBrowser(server.url)
    assert browser.login("anggota", PASSWORD) == 302
    token = browser.csrf_token("/profile")
    cookie = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
    small = f"csrf_token={token}&pref-language=en&pref-reminders_enabled=y".encode()
    status, _text = _chunked_post(server.url, "/profile/preferences", cookie, small)
    assert status == 302  # a chunked body within the limit works as any other
    big = small + b"&x=" + b"a" * (3 * 1024 * 1024)
    status, text = _chunked_post(server.url, "/profile/preferences", cookie, big)
    assert status == 413 and "Too large" in text  # the page in English, as chosen above
    server.stop()

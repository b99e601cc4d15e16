"""Shared helpers of the production-hardening battery: database snapshots, a populated world,
URLs for every rule, a small cookie-keeping HTTP client for live servers, and a case counter."""
import hashlib
import http.client
import io
import re
from datetime import date, timedelta
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

import pytest
from flask import url_for
from sqlalchemy import JSON, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from tests.conftest import add_item, add_user, add_webinar
from tests.evidence_samples import picture
from tests.live_server import LiveServer
from tracker.extensions import db
from tracker.models import ActionItem, Comment, Notification, Role, TokenKind, User
from tracker.services.dashboard import Scope
from tracker.services.deadline_extensions import request_extension
from tracker.services.evidence import attach
from tracker.services.items import add_comment
from tracker.services.reports import create_snapshot
from tracker.services.tokens import create_token
from tracker.services.working_days import add_non_working_day
from tracker.timeutil import local_today

WRITE_METHODS = ("POST", "PATCH", "PUT", "DELETE")
# Bookkeeping a read may update by design: when an API or calendar token was last used.
IGNORED_COLUMNS = {("access_tokens", "last_used_at")}

CASES = {"S9": 0}


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: a long-running hardening test (runs by default)")


def pytest_terminal_summary(terminalreporter):
    if CASES["S9"]:
        terminalreporter.write_line(f"S9 malformed-input cases run: {CASES['S9']}", bold=True)


def db_snapshot(app, ignore_tables: frozenset = frozenset()) -> dict:
    """Row count and a hash of every row of every table (a change anywhere changes the snapshot)."""
    snapshot = {}
    with app.app_context():
        for table in db.metadata.sorted_tables:
            if table.name in ignore_tables:
                continue
            columns = [c for c in table.columns if (table.name, c.name) not in IGNORED_COLUMNS]
            order = list(table.primary_key.columns) or [c for c in columns if not isinstance(c.type, JSON)]
            rows = db.session.execute(select(*columns).order_by(*order)).all()
            digest = hashlib.sha256(repr([tuple(row) for row in rows]).encode()).hexdigest()
            snapshot[table.name] = (len(rows), digest)
        db.session.remove()
    return snapshot


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(name for name in before if before[name] != after.get(name))


@pytest.fixture()
def snapshot(app):
    """`snapshot()` returns the state of every table, to compare before and after a request."""
    return lambda **kwargs: db_snapshot(app, **kwargs)


@pytest.fixture()
def world(app, users, sample):
    """The sample plus one object of every kind that has an id in some URL.

    item1 (A) is owned by anggota, item2 (B) by anggota2; each has a pending extension request.
    """
    with app.app_context():
        get = lambda name: db.session.get(User, users[name])  # noqa: E731
        anggota, anggota2, kepala, admin = get("anggota"), get("anggota2"), get("kepala"), get("admin")
        item_a = db.session.get(ActionItem, sample["item1"])
        item_b = db.session.get(ActionItem, sample["item2"])
        request_a = request_extension(item_a, anggota, item_a.due_date + timedelta(days=30), "Perlu waktu A")
        request_b = request_extension(item_b, anggota2, local_today() + timedelta(days=30), "Perlu waktu B")
        add_comment(item_a, anggota, "Komentar awal")
        other_webinar = add_webinar(series=29, title="Seri berikutnya", held_on=date(2024, 1, 20))
        report = create_snapshot(Scope(), kepala)
        token_a, api_secret_a = create_token(anggota, TokenKind.API, "skrip A")
        token_b, api_secret_b = create_token(anggota2, TokenKind.API, "skrip B")
        _head_token, api_secret_head = create_token(kepala, TokenKind.API, "skrip kepala")
        _calendar, calendar_secret = create_token(anggota, TokenKind.CALENDAR)
        day = add_non_working_day(admin, local_today() + timedelta(days=60), "Cuti bersama uji")
        inactive = add_user("pensiun", "Pegawai Pensiun", Role.MEMBER, active=False)
        evidence = attach(item_a, anggota, FileStorage(io.BytesIO(picture("PNG")), "foto-kegiatan.png"))
        db.session.commit()
        return {
            **sample, **users,
            "item_a": item_a.id, "item_b": item_b.id, "version_a": item_a.version, "version_b": item_b.version,
            "request_a": request_a.id, "request_b": request_b.id, "webinar2": other_webinar.id,
            "snapshot": report.id, "code": report.verification_code, "token_a": token_a.id, "token_b": token_b.id,
            "day": day.id,
            "api_a": api_secret_a, "api_b": api_secret_b, "api_head": api_secret_head,
            "calendar": calendar_secret, "inactive": inactive.id, "evidence": evidence.id,
            "comments": db.session.scalar(select(db.func.count(Comment.id))),
            # anggota2 (item A's supporter) heard of anggota's comment
            "notification": db.session.scalar(select(Notification.id).where(Notification.user_id == anggota2.id)),
        }


def rule_url(app, rule, world: dict) -> str:
    """The rule's URL filled with the world's real ids (item A, its request, anggota2's account...)."""
    values = {"item_id": world["item_a"], "webinar_id": world["webinar"], "user_id": world["anggota2"],
              "request_id": world["request_a"], "snapshot_id": world["snapshot"], "token_id": world["token_a"],
              "day_id": world["day"], "token": world["calendar"], "code": world["code"], "anything": "tidak-ada",
              "filename": "css/app.css", "evidence_id": world["evidence"],
              "notification_id": world["notification"]}
    with app.test_request_context():
        return url_for(rule.endpoint, **{name: values[name] for name in rule.arguments})


def rules(app, methods):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        for method in sorted(rule.methods & set(methods)):
            yield rule, method


def no_traceback(response) -> bool:
    return b"Traceback" not in response.get_data()


# --- Real HTTP against a live server -------------------------------------------------------

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class FormFields(HTMLParser):
    """The fields of the forms on a page: {form action: {name: [values]}} (what a browser would send)."""

    def __init__(self):
        super().__init__()
        self.forms, self._action, self._select, self._textarea = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._action = attrs.get("action", "")
            self.forms.setdefault(self._action, {})
        elif self._action is None:
            return
        fields = self.forms.get(self._action)
        if tag == "input" and attrs.get("name") and attrs.get("type") not in ("submit", "button"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            fields.setdefault(attrs["name"], []).append(attrs.get("value") or "")
        elif tag == "select" and attrs.get("name"):
            self._select = attrs["name"]
            fields.setdefault(self._select, [])
        elif tag == "option" and self._select and "selected" in attrs:
            fields[self._select].append(attrs.get("value", ""))
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = attrs["name"]
            fields[self._textarea] = [""]

    def handle_data(self, data):
        if self._textarea and self._action is not None:
            self.forms[self._action][self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._action = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def page_forms(html: str) -> dict:
    parser = FormFields()
    parser.feed(html)
    return parser.forms


class HttpBrowser:
    """One person's browser against a live server: keeps its cookies, never follows redirects."""

    def __init__(self, base_url: str, timeout: float = 30.0):
        self.base_url, self.timeout, self.cookies = base_url, timeout, {}

    def request(self, method: str, path: str, fields: dict | None = None, headers: dict | None = None,
                base_url: str | None = None, body: bytes | None = None, raw: bool = False):
        """Send one request; returns (status, headers, body text, or bytes when raw)."""
        parts = urlsplit(base_url or self.base_url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=self.timeout)
        send = dict(headers or {})
        if self.cookies:
            send["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if fields is not None:
            body = urlencode(fields, doseq=True)
            send["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=send)
            response = connection.getresponse()
            content = response.read()
            text = content if raw else content.decode("utf-8", "replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                cookie = SimpleCookie()
                cookie.load(header)
                for name, morsel in cookie.items():
                    if morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return response.status, response.headers, text
        finally:
            connection.close()

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path: str, fields: dict, **kwargs):
        return self.request("POST", path, fields, **kwargs)

    def upload(self, path: str, fields: dict, files: dict[str, tuple[str, bytes]], **kwargs):
        """POST a multipart form, as a browser's file input sends it: files are {field: (file name, bytes)}."""
        values = MultiDict(fields)
        for name, (file_name, data) in files.items():
            values.add(name, FileStorage(io.BytesIO(data), filename=file_name))
        boundary, body = encode_multipart(values)
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        return self.request("POST", path, headers=headers, body=body, **kwargs)

    def csrf_token(self, path: str = "/login", **kwargs) -> str:
        _status, _headers, text = self.get(path, **kwargs)
        match = CSRF_RE.search(text)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def login(self, username: str, password: str, **kwargs) -> int:
        token = self.csrf_token("/login", **kwargs)
        status, _headers, _text = self.post("/login", {"username": username, "password": password,
                                                       "csrf_token": token}, **kwargs)
        return status


def hot_items(app, users, count: int = 20) -> list[int]:
    """Items of one webinar owned by anggota, committed, with the test's engine let go."""
    with app.app_context():
        owner = db.session.get(User, users["anggota"])
        webinar = add_webinar()
        due = local_today() + timedelta(days=30)
        ids = [add_item(webinar, owner, title=f"Item panas {n}", due_date=due).id for n in range(count)]
        db.session.commit()
        db.session.remove()
        db.engine.dispose()  # the servers own the database from here
    return ids


def server_log_problems(path) -> dict:
    """How often a live server's log shows a lock error or a traceback."""
    text = path.read_text(errors="replace") if path.exists() else ""
    return {"database is locked": text.count("database is locked"), "Traceback": text.count("Traceback")}


@pytest.fixture()
def server_factory(database_url, tmp_path):
    """Start gunicorn servers on the test database (stopped at the end): `start(name, workers=2)`."""
    started = []

    def start(name="server", **kwargs):
        server = LiveServer(database_url, str(tmp_path / f"instance-{name}"),
                            stderr_path=str(tmp_path / f"{name}.stderr"), **kwargs)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()

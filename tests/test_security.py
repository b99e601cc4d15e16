"""Security controls: headers, password rules, throttling, session timeouts, size limits, the log."""
import json
import logging

import pytest

from tests.conftest import PASSWORD
from tracker import create_app


def test_headers_on_every_page(client, users):
    client.login("anggota")
    response = client.get("/profile")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]
    assert response.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP here


def test_hsts_over_https(client):
    response = client.get("/login", base_url="https://localhost")
    assert "max-age=" in response.headers["Strict-Transport-Security"]


def test_static_files_are_versioned_and_cached(client):
    page = client.get("/login").get_data(as_text=True)
    assert "/static/vendor/bootstrap/bootstrap.min.css?v=" in page
    url = page.split('href="/static/vendor/bootstrap/bootstrap.min.css?v=')[1].split('"')[0]
    response = client.get(f"/static/vendor/bootstrap/bootstrap.min.css?v={url}")
    assert response.status_code == 200
    assert "max-age=31536000" in response.headers["Cache-Control"]


@pytest.mark.parametrize("password, accepted", [
    ("password123", False), ("qwertyuiop", False), ("tindaklanjut28", False), ("Bismillah", False),
    ("pendek", False), ("x" * 129, False), ("x" * 8 + "kuda-laut", True), ("a" * 128, True),
    ("kuda laut biru 42", True),
])
def test_password_rules(client, users, password, accepted):
    client.login("anggota")
    response = client.submit("/profile/password", {
        "pw-current_password": PASSWORD, "pw-new_password": password, "pw-confirm": password})
    assert (response.status_code == 302) is accepted
    if not accepted:
        text = response.get_data(as_text=True)
        assert "terlalu umum" in text or "8 sampai 128 karakter" in text


def test_account_is_throttled_after_repeated_failures(client, make_client, users):
    for _ in range(5):
        assert client.login("anggota", "salah-lagi").status_code == 401
    response = make_client().login("anggota", PASSWORD)  # even the right password, from elsewhere
    assert response.status_code == 429
    assert "Terlalu banyak percobaan masuk yang gagal" in response.get_data(as_text=True)
    assert response.headers["Retry-After"]
    assert make_client().login("anggota2").status_code == 302  # other accounts are not locked


def test_throttling_holds_across_workers(config_class, app, users):
    """Two app instances (as two gunicorn workers or servers) share the failure count."""
    worker_a, worker_b = create_app(config_class).test_client(), create_app(config_class).test_client()
    from tests.conftest import Client

    a, b = Client(worker_a), Client(worker_b)
    for number in range(5):
        (a if number % 2 else b).login("anggota", "salah")
    assert a.login("anggota").status_code == 429
    assert b.login("anggota").status_code == 429


def test_idle_session_ends(app, client, users, monkeypatch):
    import tracker.security as security

    client.login("anggota")
    now = security.time.time()
    monkeypatch.setattr(security.time, "time", lambda: now + 61 * 60)
    response = client.get("/profile")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_absolute_session_limit(app, client, users, monkeypatch):
    import tracker.security as security

    client.login("anggota")
    start = security.time.time()
    for hours in range(1, 13):  # active every 50 minutes, never idle
        monkeypatch.setattr(security.time, "time", lambda h=hours: start + h * 50 * 60)
        assert client.get("/profile").status_code == 200
    monkeypatch.setattr(security.time, "time", lambda: start + 12 * 3600 + 60)
    assert client.get("/profile").status_code == 302


def test_oversized_request_gets_a_clear_413(client, users):
    client.login("anggota")
    response = client.submit("/profile/preferences", {"pref-language": "id", "x": "a" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert "Terlalu besar" in response.get_data(as_text=True)


def test_trusted_hosts(config_class):
    class Strict(config_class):
        TRUSTED_HOSTS = ["tindaklanjut.sulbarprov.go.id"]

    client = create_app(Strict).test_client()
    assert client.get("/healthz", base_url="http://evil.example").status_code == 400
    assert client.get("/healthz", base_url="http://tindaklanjut.sulbarprov.go.id").status_code == 200


def test_security_log_is_one_json_line_without_secrets(client, users, caplog):
    logger = logging.getLogger("tracker.security")
    logger.addHandler(caplog.handler)
    try:
        client.login("anggota\nFAKE-ENTRY", "rahasia-yang-salah")
        client.login("anggota")
    finally:
        logger.removeHandler(caplog.handler)
    lines = [record.getMessage() for record in caplog.records if record.name == "tracker.security"]
    assert all("\n" not in line for line in lines)
    events = [json.loads(line) for line in lines]
    assert [event["event"] for event in events] == ["login_failed", "login"]
    assert events[0]["time"].endswith("+00:00") and events[0]["address"]
    assert "rahasia-yang-salah" not in "".join(lines) and PASSWORD not in "".join(lines)


def test_production_never_debugs(tmp_path):
    from config import Config

    class Production(Config):
        APP_ENV = "production"
        SECRET_KEY = "k"
        DEBUG = True
        INSTANCE_PATH = str(tmp_path)

    assert create_app(Production).debug is False

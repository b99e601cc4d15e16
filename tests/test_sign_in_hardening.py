"""Sign-in that cannot be turned against a colleague, answers alike for every username, and refuses
hostile input with a 4xx (hardening round 2)."""
import json
import logging
import statistics
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD, Client
from tracker.extensions import db
from tracker.models import AccessToken, LoginFailure, TokenKind, User, utcnow
from tracker.services.tokens import create_token


@pytest.fixture()
def from_address(app):
    """A browser signing in from a given network address."""
    def make(address: str) -> Client:
        flask_client = app.test_client()
        flask_client.environ_base["REMOTE_ADDR"] = address
        return Client(flask_client)
    return make


def test_failures_from_one_address_do_not_lock_the_owner_out(users, from_address):
    """A colleague guessing from their desk is refused; the owner signs in from theirs."""
    guesser = from_address("10.0.0.66")
    for _ in range(5):
        assert guesser.login("anggota", "tebak-tebak").status_code == 401
    refused = guesser.login("anggota", PASSWORD)  # even the right password, from the guessing desk
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "900"
    assert "Terlalu banyak percobaan masuk yang gagal" in refused.get_data(as_text=True)
    assert from_address("10.0.0.7").login("anggota", PASSWORD).status_code == 302


def test_a_shared_office_address_is_slowed_not_refused(app, users, from_address, db_ctx):
    """20 failures over several accounts from one NAT address slow it down; a colleague there gets in."""
    office = "10.20.30.40"
    with db_ctx():
        long_ago = utcnow() - timedelta(seconds=120)  # the sprayer has paused for two minutes
        for number in range(20):
            db.session.add(LoginFailure(username=f"orang{number % 4}", address=office, created_at=long_ago))
        db.session.commit()
    assert from_address(office).login("kepala", PASSWORD).status_code == 302
    # Right after a new failure from that address, the next attempt waits a few seconds (not 15 minutes).
    assert from_address(office).login("orang9", "salah").status_code == 401
    slowed = from_address(office).login("anggota2", PASSWORD)
    assert slowed.status_code == 429
    assert 1 <= int(slowed.headers["Retry-After"]) <= 60
    assert "tunggu" in slowed.get_data(as_text=True).lower()
    # Another address is not slowed by the office's failures at all.
    assert from_address("10.99.0.1").login("anggota2", PASSWORD).status_code == 302


def test_a_distributed_attack_is_refused_everywhere_and_admins_are_told(app, users, from_address, caplog):
    for address_number in range(4):
        attacker = from_address(f"172.16.0.{address_number}")
        for _ in range(5):
            assert attacker.login("kepala", "salah-sandi").status_code == 401
    with caplog.at_level(logging.WARNING, logger="tracker.security"):
        refused = from_address("10.0.0.8").login("kepala", PASSWORD)  # a clean address, right password
    assert refused.status_code == 429
    events = [json.loads(record.getMessage()) for record in caplog.records if record.name == "tracker.security"]
    assert any(event["event"] == "login_distributed_attack" and event["username"] == "kepala" for event in events)
    admin = from_address("10.0.0.9")
    assert admin.login("admin").status_code == 302
    page = admin.get("/admin/users").get_data(as_text=True)
    assert "Percobaan pembobolan akun sedang berlangsung" in page and "<strong>kepala</strong>" in page
    assert "20 kali gagal masuk" in page
    # Other accounts are untouched.
    assert from_address("10.0.0.10").login("anggota", PASSWORD).status_code == 302


def test_no_attack_warning_without_an_attack(users, client):
    client.login("admin")
    assert "Percobaan pembobolan akun" not in client.get("/admin/users").get_data(as_text=True)


def _login_seconds(client: Client, token: str, username: str) -> float:
    started = time.perf_counter()
    response = client.http.post("/login", data={"username": username, "password": "bukan-sandinya",
                                                 "csrf_token": token})
    assert response.status_code == 401
    return time.perf_counter() - started


def test_unknown_and_known_usernames_take_as_long(app, users, from_address):
    """20 tries each, taken in turns (a loaded machine slows both alike); medians within a factor of 2."""
    app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] = 1000
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 1000
    app.config["LOGIN_DISTRIBUTED_FAILURES"] = 1000
    known_client, unknown_client = from_address("10.1.0.1"), from_address("10.1.0.2")
    known_token, unknown_token = known_client.csrf_token("/login"), unknown_client.csrf_token("/login")
    known, unknown = [], []
    for _ in range(20):
        known.append(_login_seconds(known_client, known_token, "anggota"))
        unknown.append(_login_seconds(unknown_client, unknown_token, "tidak-ada-orangnya"))
    ratio = statistics.median(unknown) / statistics.median(known)
    assert 0.5 <= ratio <= 2.0, (statistics.median(known), statistics.median(unknown))


def test_a_deactivated_account_answers_like_a_wrong_password_until_the_password_is_right(
        users, client, db_ctx):
    with db_ctx():
        db.session.get(User, users["anggota2"]).active = False
        db.session.commit()
    wrong = client.login("anggota2", "bukan-sandinya")
    assert wrong.status_code == 401
    assert "Nama pengguna atau kata sandi salah" in wrong.get_data(as_text=True)
    assert "dinonaktifkan" not in wrong.get_data(as_text=True)
    right = client.login("anggota2", PASSWORD)
    assert right.status_code == 401 and "dinonaktifkan" in right.get_data(as_text=True)


@pytest.mark.parametrize("next_url", ["/profile%0d%0aSet-Cookie:%20x=1", "/profile%0aLocation:%20//evil",
                                      "/items%09x", "/%7f"])
def test_control_characters_in_next_are_ignored(users, client, next_url):
    response = client.login("anggota", next_url=next_url)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"  # the home page, not the injected target
    assert "Set-Cookie: x" not in str(response.headers)


def test_deeply_nested_json_is_a_clear_400(users, client, db_ctx):
    with db_ctx():
        _token, secret = create_token(db.session.get(User, users["kepala"]), TokenKind.API)
        db.session.commit()
    body = "[" * 10_000 + "]" * 10_000
    response = client.post("/api/v1/webinars", data=body, content_type="application/json",
                           headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 400
    assert "terlalu dalam" in response.get_json()["error"]["message"]


def test_deactivation_revokes_tokens_and_calendar_links_for_good(users, client, db_ctx):
    with db_ctx():
        member = db.session.get(User, users["anggota"])
        _api, api_secret = create_token(member, TokenKind.API)
        _cal, calendar_secret = create_token(member, TokenKind.CALENDAR)
        db.session.commit()
    client.login("admin")
    assert client.submit(f"/admin/users/{users['anggota']}/deactivate").status_code == 302
    with db_ctx():
        member = db.session.get(User, users["anggota"])
        member.active = True  # reactivated by an admin later
        db.session.commit()
        assert db.session.scalars(select(AccessToken.revoked_at).where(
            AccessToken.user_id == users["anggota"])).all() != [None, None]
    outsider = Client(client.application.test_client())
    assert outsider.get("/api/v1/me", headers={"Authorization": f"Bearer {api_secret}"}).status_code == 401
    assert outsider.get(f"/calendar/{calendar_secret}.ics").status_code == 404


def test_the_current_password_check_is_throttled_like_sign_in(users, client, db_ctx):
    client.login("anggota")
    for _ in range(5):
        wrong = client.submit("/profile/password", {
            "pw-current_password": "tebakan", "pw-new_password": "kuda laut biru 42", "pw-confirm": "kuda laut biru 42"})
        assert wrong.status_code == 422
    refused = client.submit("/profile/password", {
        "pw-current_password": PASSWORD, "pw-new_password": "kuda laut biru 42", "pw-confirm": "kuda laut biru 42"})
    assert refused.status_code == 429
    assert "Terlalu banyak percobaan" in refused.get_data(as_text=True)
    with db_ctx():
        assert db.session.get(User, users["anggota"]).check_password(PASSWORD)  # unchanged

"""Sign-in, sign-out, sessions that really end, CSRF and the login wall."""
import pytest
from werkzeug.routing import Rule

from tests.conftest import PASSWORD, get_user
from tracker.extensions import db

PUBLIC_ENDPOINTS = {"auth.login", "main.healthz", "main.set_language", "static", "calendar.feed",
                    "api.openapi", "api.not_found", "verify.report",
                    # the installable app's files and offline page hold nobody's data (tests/test_pwa.py)
                    "pwa.manifest", "pwa.service_worker", "pwa.offline"}


def test_login_success_goes_home(client, users):
    response = client.login("anggota")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get("/").headers["Location"] == "/my"  # members start on their tasks
    assert "Anggota Uji" in client.get("/my").get_data(as_text=True)


def test_heads_and_viewers_start_on_the_dashboard(client, make_client, users):
    client.login("kepala")
    assert client.get("/").headers["Location"] == "/dashboard"
    viewer = make_client()
    viewer.login("pemantau")
    assert viewer.get("/").headers["Location"] == "/dashboard"


def test_username_is_case_insensitive(client, users):
    assert client.login("ANGGOTA").status_code == 302


def test_wrong_password_is_refused_in_indonesian(client, users):
    response = client.login("anggota", "salah-sekali")
    assert response.status_code == 401
    assert "Nama pengguna atau kata sandi salah." in response.get_data(as_text=True)
    assert client.get("/profile").status_code == 302  # still not signed in


def test_unknown_user_gets_the_same_message(client, users):
    response = client.login("tidakada", PASSWORD)
    assert response.status_code == 401
    assert "Nama pengguna atau kata sandi salah." in response.get_data(as_text=True)


def test_inactive_user_cannot_sign_in(client, users, db_ctx):
    with db_ctx():
        get_user("anggota").active = False
        db.session.commit()
    response = client.login("anggota")
    assert response.status_code == 401
    assert "dinonaktifkan" in response.get_data(as_text=True)
    assert client.get("/profile").status_code == 302


@pytest.mark.parametrize(
    "next_url, expected",
    [
        ("/profile", "/profile"),
        ("/profile?tab=1", "/profile?tab=1"),
        ("//evil.example/x", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_redirect_is_only_followed_within_the_site(client, users, next_url, expected):
    response = client.login("anggota", next_url=next_url)
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_anonymous_visit_redirects_to_login_with_next(client):
    response = client.get("/profile")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_old_cookie_does_not_work_after_logout(app, client, users):
    client.login("anggota")
    cookie = client.get_cookie("session").value
    assert client.get("/profile").status_code == 200
    response = client.logout()
    assert response.status_code == 302
    # A second browser replays the cookie captured before logout.
    replay = app.test_client()
    replay.set_cookie("session", cookie)
    assert replay.get("/profile").status_code == 302


def test_logout_ends_sessions_in_other_browsers(client, make_client, users):
    other = make_client()
    client.login("anggota")
    other.login("anggota")
    client.logout()
    assert other.get("/profile").status_code == 302


def test_deactivation_ends_the_session(client, make_client, users):
    member = make_client()
    member.login("anggota")
    client.login("admin")
    response = client.submit(f"/admin/users/{users['anggota']}/deactivate", token_from="/admin/users")
    assert response.status_code == 302
    assert member.get("/profile").status_code == 302


def test_login_without_csrf_token_is_rejected(client, users):
    client.get("/login")
    response = client.post("/login", data={"username": "anggota", "password": PASSWORD})
    assert response.status_code == 400
    assert "Formulir sudah kedaluwarsa" in response.get_data(as_text=True)
    assert client.get("/profile").status_code == 302


def test_logout_without_csrf_token_keeps_the_session(client, users):
    client.login("anggota")
    assert client.post("/logout").status_code == 400
    assert client.get("/profile").status_code == 200


def test_foreign_csrf_token_is_rejected(client, make_client, users):
    stranger = make_client()
    foreign_token = stranger.csrf_token("/login")
    client.login("anggota")
    response = client.post("/logout", data={"csrf_token": foreign_token})
    assert response.status_code == 400


def test_logout_needs_post(client, users):
    client.login("anggota")
    assert client.get("/logout").status_code == 405
    assert client.get("/profile").status_code == 200


def _example_url(app, rule: Rule) -> str:
    values = {name: 1 for name in rule.arguments}
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


def test_every_non_public_route_needs_sign_in(app, client):
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        url = _example_url(app, rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if method == "GET":
                response = client.get(url)
            else:
                # A token is included so that the login wall, not CSRF, is what answers.
                response = client.open(url, method=method, data={"csrf_token": client.csrf_token()})
            if rule.endpoint.startswith("api."):  # machines get a JSON 401, not a sign-in page
                assert response.status_code == 401, (method, url, response.status_code)
                assert response.json["error"]["code"], (method, url)
            else:
                assert response.status_code == 302, (method, url, response.status_code)
                assert response.headers["Location"].startswith("/login"), (method, url)
            checked += 1
    assert checked >= 40


def test_healthz_is_public_and_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_last_login_is_recorded(client, users, db_ctx):
    client.login("anggota")
    with db_ctx():
        assert get_user("anggota").last_login_at is not None


def test_password_hash_is_scrypt(users, db_ctx):
    with db_ctx():
        assert get_user("anggota").password_hash.startswith("scrypt:")
        assert PASSWORD not in get_user("anggota").password_hash

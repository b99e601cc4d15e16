"""The user's own profile: language and password."""
from tests.conftest import PASSWORD


def test_switching_to_english_changes_the_page_and_is_remembered(client, make_client, users):
    client.login("anggota")
    assert "Keluar" in client.get("/profile").get_data(as_text=True)
    response = client.submit("/profile/preferences", {"pref-language": "en", "pref-reminders_enabled": "y"})
    assert response.status_code == 302
    page = client.get("/profile").get_data(as_text=True)
    assert "Sign out" in page and 'lang="en"' in page
    # The choice belongs to the account: another browser signs in and sees English too.
    other = make_client()
    other.login("anggota")
    assert "Sign out" in other.get("/profile").get_data(as_text=True)


def test_header_language_switch_works_before_sign_in(client):
    token = client.csrf_token("/login")
    client.post("/language", data={"language": "en", "csrf_token": token})
    assert "Sign in" in client.get("/login").get_data(as_text=True)
    token = client.csrf_token("/login")
    client.post("/language", data={"language": "id", "csrf_token": token})
    assert "Masuk" in client.get("/login").get_data(as_text=True)


def test_unknown_language_is_ignored(client, users):
    client.login("anggota")
    client.submit("/language", {"language": "xx"})
    assert 'lang="id"' in client.get("/profile").get_data(as_text=True)


def test_password_change_needs_the_current_password(client, users):
    client.login("anggota")
    response = client.submit("/profile/password", {
        "pw-current_password": "salah", "pw-new_password": "sandi-baru-123", "pw-confirm": "sandi-baru-123",
    })
    assert response.status_code == 422
    assert "Kata sandi saat ini salah." in response.get_data(as_text=True)


def test_password_change_keeps_this_session_and_ends_others(client, make_client, users):
    other = make_client()
    other.login("anggota")
    client.login("anggota")
    response = client.submit("/profile/password", {
        "pw-current_password": PASSWORD, "pw-new_password": "sandi-baru-123", "pw-confirm": "sandi-baru-123",
    })
    assert response.status_code == 302
    assert client.get("/profile").status_code == 200
    assert other.get("/profile").status_code == 302
    assert make_client().login("anggota", "sandi-baru-123").status_code == 302


def test_mismatched_confirmation_is_explained(client, users):
    client.login("anggota")
    response = client.submit("/profile/password", {
        "pw-current_password": PASSWORD, "pw-new_password": "sandi-baru-123", "pw-confirm": "lain-lagi-123",
    })
    assert response.status_code == 422
    assert "Kata sandi tidak sama." in response.get_data(as_text=True)


def test_profile_and_admin_pages_run_no_queries_while_their_templates_render(app, client, users):
    """The view works out what a page shows; the template only shows it (tokens, units, days)."""
    from contextlib import contextmanager

    from flask import before_render_template, template_rendered
    from sqlalchemy import event

    from tracker.extensions import db

    with app.app_context():
        engine = db.engine
    rendering, during = [0], []

    def started(sender, **extra):
        rendering[0] += 1

    def finished(sender, **extra):
        rendering[0] -= 1

    def statement(conn, cursor, sql, *args):
        if rendering[0] and not sql.lstrip().upper().startswith(("BEGIN", "PRAGMA")):
            during.append(sql)

    @contextmanager
    def watching():
        before_render_template.connect(started, app)
        template_rendered.connect(finished, app)
        event.listen(engine, "before_cursor_execute", statement)
        try:
            yield
        finally:
            event.remove(engine, "before_cursor_execute", statement)
            template_rendered.disconnect(finished, app)
            before_render_template.disconnect(started, app)

    client.login("admin")
    client.submit("/profile/tokens", {"token-name": "uji"})
    client.submit("/profile/calendar")
    with watching():
        for url in ("/profile", "/admin/users", "/admin/non-working-days"):
            assert client.get(url).status_code == 200
    assert during == []

"""S3: every write needs this session's CSRF token (the API: the X-CSRFToken header when it is
called with the session cookie), and reading every page changes nothing and never fails."""
from datetime import timedelta

import pytest

from tests.hardening.conftest import WRITE_METHODS, changed_tables, no_traceback, rule_url, rules
from tracker.extensions import db
from tracker.models import ActionItem
from tracker.timeutil import local_today

ROLES = [None, "pemantau", "anggota", "anggota2", "kepala", "admin"]


def _payload(endpoint: str, world: dict) -> dict:
    """A submission that would change something if it were accepted."""
    due = (local_today() + timedelta(days=40)).isoformat()
    return {
        "items.new": {"title": "Baru", "webinar_id": world["webinar"], "priority": "sedang", "progress": "0"},
        "items.edit": {"title": "Ubah", "webinar_id": world["webinar"], "priority": "tinggi", "progress": "10",
                       "version": world["version_a"], "owner_id": world["anggota"]},
        "items.status": {"status": "terhambat", "note": "alasan", "version": world["version_a"]},
        "items.comment": {"body": "Komentar palsu"},
        "items.extension": {"new_due_date": due, "reason": "Butuh waktu"},
        "items.decide": {"decision": "approve", "note": "ok"},
        "items.delete": {"reason": "Salah input", "version": world["version_a"]},
        "items.restore": {"version": world["version_a"]},
        "webinars.new": {"series": "99", "title": "Seri uji", "held_on": "2024-02-01"},
        "webinars.edit": {"series": "28", "title": "Seri 28 diubah", "held_on": "2023-12-18"},
        "webinars.bulk": {"lines": "Satu tindak lanjut", "action": "save"},
        "admin.new_user": {"username": "baru", "full_name": "Orang Baru", "role": "member", "unit_id": "0",
                           "language": "id", "active": "y", "password": "kuda laut biru 42"},
        "admin.edit_user": {"username": "anggota2", "full_name": "Diubah", "role": "admin", "unit_id": "0",
                            "language": "id", "active": "y"},
        "admin.reset_password": {"password": "kuda laut biru 42"},
        "settings.edit": {"agency_name": "Instansi palsu"},
        "main.set_language": {"language": "en"},
        "profile.preferences": {"pref-language": "en"},
        "profile.password": {"pw-current_password": "rahasia-uji-123", "pw-new_password": "kuda laut biru 42",
                             "pw-confirm": "kuda laut biru 42"},
        "profile.create_api_token": {"token-name": "palsu"},
        "admin.non_working_days": {"day": due, "description": "Libur palsu"},
        "auth.login": {"username": "admin", "password": "rahasia-uji-123"},
    }.get(endpoint, {})


def _api_payload(endpoint: str, world: dict) -> dict:
    return {
        "api.new_item": {"title": "Lewat API", "webinar_id": world["webinar"]},
        "api.edit_item": {"version": world["version_a"], "title": "Diubah lewat API"},
        "api.item_status": {"status": "terhambat", "note": "x", "version": world["version_a"]},
        "api.item_comment": {"body": "Komentar API"},
        "api.new_webinar": {"series": 77, "title": "Seri API", "held_on": "2024-03-01"},
    }.get(endpoint, {})


def _foreign_token(make_client) -> str:
    stranger = make_client()
    stranger.login("kepala")
    return stranger.csrf_token("/profile")


def test_every_write_without_this_sessions_token_is_refused(app, client, make_client, world, snapshot):
    foreign = _foreign_token(make_client)
    client.login("admin")
    before = snapshot()
    checked, failures = [], []
    for rule, method in rules(app, WRITE_METHODS):
        url = rule_url(app, rule, world)
        if rule.endpoint == "api.not_found":  # no such API address: nothing to write
            for headers in ({}, {"X-CSRFToken": foreign}):
                response = client.open(url, method=method, json={}, headers=headers)
                if response.status_code not in (404, 405):
                    failures.append((method, url, headers, response.status_code))
        elif rule.endpoint.startswith("api."):
            for headers in ({}, {"X-CSRFToken": foreign}, {"X-CSRFToken": "tidak-sah"}):
                response = client.open(url, method=method, json=_api_payload(rule.endpoint, world), headers=headers)
                if response.status_code != 400:
                    failures.append((method, url, headers, response.status_code))
        else:
            for token in (None, foreign, "tidak-sah"):
                data = dict(_payload(rule.endpoint, world))
                if token:
                    data["csrf_token"] = token
                response = client.open(url, method=method, data=data)
                if response.status_code != 400 or not no_traceback(response):
                    failures.append((method, url, token, response.status_code))
        checked.append((rule.endpoint, method))
        after = snapshot()
        if after != before:
            failures.append((method, url, "changed", changed_tables(before, after)))
            before = after
    assert failures == []
    assert len(checked) >= 30  # the whole url_map, not a sample
    # Signed out: the sign-in form itself needs the token too (no failure is even counted).
    client.logout()
    before = snapshot()
    response = client.post("/login", data=_payload("auth.login", world))
    assert response.status_code == 400
    assert snapshot() == before


CONTROL = ["items.edit", "items.status", "items.comment", "webinars.new", "webinars.edit", "webinars.bulk",
           "admin.new_user", "admin.edit_user", "settings.edit", "main.set_language", "profile.create_api_token",
           "admin.non_working_days", "reports.create_snapshot", "items.decide", "items.delete", "items.restore",
           "evidence.withdraw"]


def test_the_same_writes_with_the_token_do_change_data(app, client, world, snapshot):
    """The control of the test above: its payloads are real changes, refused only for the token."""
    client.login("admin")
    urls = {rule.endpoint: rule_url(app, rule, world) for rule, _m in rules(app, WRITE_METHODS)}
    unchanged = []
    for endpoint in CONTROL:
        before = snapshot()
        with app.app_context():
            world["version_a"] = db.session.get(ActionItem, world["item_a"]).version
        response = client.submit(urls[endpoint], _payload(endpoint, world))
        assert response.status_code < 500
        if snapshot() == before:
            unchanged.append((endpoint, response.status_code))
    assert unchanged == []
    before = snapshot()
    token = client.csrf_token("/profile")
    response = client.post(urls["api.item_comment"], json={"body": "Dengan header"}, headers={"X-CSRFToken": token})
    assert response.status_code == 201
    # The comment, its history row, the notifications of the item's people, and the search index that now
    # finds its words.
    assert changed_tables(before, snapshot()) == ["comments", "item_history", "item_search", "notifications",
                                                  "search_words"]


@pytest.mark.parametrize("role", ROLES)
def test_crawling_every_page_changes_nothing(app, client, world, snapshot, role):
    if role:
        client.login(role)
    before = snapshot()
    failures, pages = [], 0
    for rule, _method in rules(app, ("GET",)):
        url = rule_url(app, rule, world)
        for address in {url, url.replace(f"/items/{world['item_a']}", f"/items/{world['item_b']}")}:
            response = client.get(address)
            pages += 1
            if response.status_code >= 500 or not no_traceback(response):
                failures.append((address, response.status_code))
    assert failures == []
    assert pages >= 35
    assert changed_tables(before, snapshot()) == []

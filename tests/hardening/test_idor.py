"""S2: changing an id in a URL or a form never reaches an object the user may not act on.

anggota owns item A; item B belongs to anggota2. Every refusal leaves the database as it was.
"""
from datetime import timedelta

import pytest

from tracker.extensions import db
from tracker.models import AccessToken, ActionItem, ExtensionRequest, ExtensionState
from tracker.timeutil import local_today


def _edit_form(world, item="a", **overrides):
    """A member's edit form: it has no due-date field (only a head moves a due date)."""
    data = {"title": "Judul diubah", "webinar_id": world["webinar"], "priority": "tinggi", "progress": "55",
            "version": world[f"version_{item}"],
            "theme_id": "", "unit_id": "", "evidence_url": "", "source": "", "description": ""}
    data.update(overrides)
    return data


def _member_requests_on_item_b(world):
    b, due = world["item_b"], (local_today() + timedelta(days=60)).isoformat()
    return [
        ("GET", f"/items/{b}/edit", None),
        ("POST", f"/items/{b}/edit", _edit_form(world, "b")),
        ("POST", f"/items/{b}/status", {"status": "dikerjakan", "version": world["version_b"]}),
        ("POST", f"/items/{b}/extension", {"new_due_date": due, "reason": "Bukan milik saya"}),
        ("POST", f"/items/{b}/extension/{world['request_b']}", {"decision": "approve"}),
    ]


def test_member_cannot_reach_another_members_item(client, world, snapshot):
    client.login("anggota")
    before = snapshot()
    refused = []
    for method, url, data in _member_requests_on_item_b(world):
        if method == "GET":
            response = client.get(url)
        else:
            response = client.submit(url, data)
        refused.append((method, url, response.status_code))
    assert [code for _m, _u, code in refused] == [403] * len(refused), refused
    assert snapshot() == before
    # The same requests on the member's own item A are served: the ids, not the routes, decide.
    assert client.get(f"/items/{world['item_a']}/edit").status_code == 200
    response = client.submit(f"/items/{world['item_a']}/edit", _edit_form(world, "a"))
    assert response.status_code == 302


def test_supporter_may_move_status_but_not_edit(client, world, snapshot):
    client.login("anggota2")  # supports item A, does not own it
    before = snapshot()
    assert client.get(f"/items/{world['item_a']}/edit").status_code == 403
    assert client.submit(f"/items/{world['item_a']}/edit", _edit_form(world, "a")).status_code == 403
    due = (local_today() + timedelta(days=90)).isoformat()
    response = client.submit(f"/items/{world['item_a']}/extension", {"new_due_date": due, "reason": "x"})
    assert response.status_code == 403
    assert snapshot() == before


def test_viewer_changes_nothing_anywhere(client, world, snapshot):
    client.login("pemantau")
    before = snapshot()
    for item in ("item_a", "item_b"):
        number = world[item]
        assert client.submit(f"/items/{number}/edit", _edit_form(world, item[-1])).status_code == 403
        assert client.submit(f"/items/{number}/status", {"status": "dikerjakan", "version": 1}).status_code == 403
        assert client.submit(f"/items/{number}/comments", {"body": "pantau"}).status_code == 403
    assert snapshot() == before


def test_extension_request_of_another_item_is_not_found(app, client, world, snapshot):
    client.login("kepala")
    before = snapshot()
    # Request B belongs to item B: addressing it through item A is a 404, whatever the decision.
    for decision in ("approve", "reject"):
        response = client.submit(f"/items/{world['item_a']}/extension/{world['request_b']}",
                                 {"decision": decision, "note": "lewat item lain"})
        assert response.status_code == 404
    response = client.submit(f"/items/{world['item_a']}/extension/987654", {"decision": "approve"})
    assert response.status_code == 404
    assert snapshot() == before
    with app.app_context():
        assert db.session.get(ExtensionRequest, world["request_b"]).state == ExtensionState.PENDING


@pytest.mark.parametrize("role, expected", [("anggota", 403), ("kepala", 403), ("pemantau", 403)])
def test_only_admins_reach_accounts_by_id(client, world, snapshot, role, expected):
    client.login(role)
    before = snapshot()
    own = world[role]
    for user_id in (own, world["anggota2"], world["admin"]):
        assert client.get(f"/admin/users/{user_id}/edit").status_code == expected
        response = client.submit(f"/admin/users/{user_id}/edit", {
            "username": "diambil", "full_name": "Diambil", "role": "admin", "unit_id": "0", "language": "id",
            "active": "y"})
        assert response.status_code == expected
        assert client.submit(f"/admin/users/{user_id}/deactivate").status_code == expected
        assert client.submit(f"/admin/users/{user_id}/password", {"password": "kuda laut biru 42"}).status_code == expected
    assert client.submit(f"/admin/non-working-days/{world['day']}/delete").status_code == expected
    assert snapshot() == before


def test_unknown_ids_are_not_found(client, world, snapshot):
    client.login("admin")
    before = snapshot()
    for url in ("/items/987654", "/items/987654/edit", "/webinars/987654", "/webinars/987654/edit",
                "/admin/users/987654/edit", "/admin/users/987654/password", "/reports/snapshots/987654",
                "/reports/snapshots/987654.pdf", "/items/99999999999999999999", "/webinars/99999999999999999999",
                "/admin/users/99999999999999999999/edit", "/reports/snapshots/99999999999999999999"):
        assert client.get(url).status_code == 404, url
    for url in ("/items/987654/status", "/items/987654/comments", "/admin/users/987654/deactivate",
                "/admin/non-working-days/987654/delete", "/profile/tokens/987654/revoke",
                "/items/99999999999999999999/comments"):
        assert client.submit(url, {"body": "x", "status": "dikerjakan", "version": "1"}).status_code == 404, url
    assert snapshot() == before


def test_members_do_not_reach_reports_or_webinar_editing_by_id(client, world, snapshot):
    client.login("anggota")
    before = snapshot()
    for url in (f"/reports/snapshots/{world['snapshot']}", f"/reports/snapshots/{world['snapshot']}.pdf",
                f"/webinars/{world['webinar']}/edit", f"/webinars/{world['webinar2']}/bulk"):
        assert client.get(url).status_code == 403, url
    response = client.submit(f"/webinars/{world['webinar']}/edit",
                             {"series": "28", "title": "Dibajak", "held_on": "2023-12-18"})
    assert response.status_code == 403
    response = client.submit(f"/webinars/{world['webinar2']}/bulk", {"lines": "Satu\nDua", "action": "save"})
    assert response.status_code == 403
    assert snapshot() == before


def test_another_users_token_cannot_be_revoked(app, client, world, snapshot):
    client.login("anggota")
    before = snapshot()
    assert client.submit(f"/profile/tokens/{world['token_b']}/revoke").status_code == 404
    assert snapshot() == before
    with app.app_context():
        assert db.session.get(AccessToken, world["token_b"]).revoked_at is None
    assert client.submit(f"/profile/tokens/{world['token_a']}/revoke").status_code == 302  # own: fine


# --- Ids inside forms ----------------------------------------------------------------------


@pytest.mark.parametrize("field, value", [
    ("owner_id", "987654"), ("owner_id", "pemantau"), ("owner_id", "admin"), ("owner_id", "inactive"),
    ("owner_id", "99999999999999999999"), ("owner_id", "-1"),
    ("webinar_id", "987654"), ("webinar_id", "0"), ("webinar_id", "abc"),
    ("theme_id", "987654"), ("unit_id", "987654"),
    ("supporter_ids", "987654"), ("supporter_ids", "pemantau"), ("supporter_ids", "inactive"),
])
def test_head_form_ids_pointing_nowhere_are_refused(client, world, snapshot, field, value):
    value = str(world[value]) if value in world else value
    client.login("kepala")
    before = snapshot()
    data = _edit_form(world, "a", **{"owner_id": world["anggota"], field: value})
    response = client.submit(f"/items/{world['item_a']}/edit", data)
    assert response.status_code == 422, response.status_code
    assert snapshot() == before
    new = dict(data)
    new.pop("version")
    assert client.submit("/items/new", new).status_code == 422
    assert snapshot() == before


def test_member_cannot_hand_items_to_others_through_form_fields(app, client, world, snapshot):
    client.login("anggota")
    before = snapshot()
    tampered = _edit_form(world, "a", owner_id=world["anggota2"], supporter_ids=[world["kepala"]])
    response = client.submit(f"/items/{world['item_a']}/edit", tampered)
    assert response.status_code in (302, 403, 422)
    new = _edit_form(world, "a", owner_id=world["anggota2"], supporter_ids=[world["kepala"]], title="Titipan")
    new.pop("version")
    response = client.submit("/items/new", new)
    assert response.status_code in (302, 403, 422)
    with app.app_context():
        item = db.session.get(ActionItem, world["item_a"])
        assert item.owner_id == world["anggota"]
        assert [m.id for m in item.supporters] == [world["anggota2"]]
        created = db.session.scalar(db.select(ActionItem).where(ActionItem.title == "Titipan"))
        assert created is None or (created.owner_id == world["anggota"] and created.supporters == [])
    if response.status_code != 302:
        assert snapshot() == before


def test_admin_user_form_unit_id_pointing_nowhere(client, world, snapshot):
    client.login("admin")
    before = snapshot()
    response = client.submit(f"/admin/users/{world['anggota2']}/edit", {
        "username": "anggota2", "full_name": "Anggota Dua", "role": "member", "unit_id": "987654",
        "language": "id", "active": "y"})
    assert response.status_code == 422
    assert snapshot() == before


# --- The JSON API --------------------------------------------------------------------------


def _api(client, world, method, url, who="a", json=None):
    return client.open(url, method=method, json=json, headers={"Authorization": f"Bearer {world['api_' + who]}"})


def test_api_member_cannot_reach_another_members_item(client, world, snapshot):
    before = snapshot()
    b = world["item_b"]
    assert _api(client, world, "PATCH", f"/api/v1/items/{b}", json={"version": world["version_b"], "title": "x"}).status_code == 403
    assert _api(client, world, "POST", f"/api/v1/items/{b}/status",
                json={"status": "dikerjakan", "version": world["version_b"]}).status_code == 403
    assert snapshot() == before
    response = _api(client, world, "PATCH", f"/api/v1/items/{world['item_a']}",
                    json={"version": world["version_a"], "progress": 60})
    assert response.status_code == 200  # the own item: allowed


@pytest.mark.parametrize("field, value", [
    ("owner_id", 987654), ("owner_id", "pemantau"), ("owner_id", "inactive"), ("theme_id", 987654),
    ("unit_id", 987654), ("supporter_ids", [987654]), ("supporter_ids", ["pemantau"]),
    ("owner_id", 2**40), ("webinar_id", 987654),
])
def test_api_ids_pointing_nowhere_are_refused(client, world, snapshot, field, value):
    resolve = lambda v: world[v] if isinstance(v, str) else v  # noqa: E731
    value = [resolve(v) for v in value] if isinstance(value, list) else resolve(value)
    before = snapshot()
    body = {"version": world["version_a"], field: value}
    response = _api(client, world, "PATCH", f"/api/v1/items/{world['item_a']}", who="head", json=body)
    assert response.status_code in (400, 422), response.get_json()
    body = {"title": "Baru lewat API", "webinar_id": world["webinar"], field: value}
    response = _api(client, world, "POST", "/api/v1/items", who="head", json=body)
    assert response.status_code in (400, 422), response.get_json()
    assert snapshot() == before


def test_api_member_cannot_create_items_for_others(app, client, world):
    response = _api(client, world, "POST", "/api/v1/items",
                     json={"title": "Untuk orang lain", "webinar_id": world["webinar"], "owner_id": world["anggota2"]})
    assert response.status_code in (403, 422)
    with app.app_context():
        assert db.session.scalar(db.select(ActionItem).where(ActionItem.title == "Untuk orang lain")) is None

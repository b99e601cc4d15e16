"""Rules that make the record hold up in an audit: four eyes on verification, deadlines moved only by a
head, a reason for reopening, and an owner who is never also a supporter. Every refusal changes nothing."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import add_item, add_user, add_webinar, get_user
from tracker.extensions import db
from tracker.models import ActionItem, HistoryKind, ItemHistory, Role, Status, TokenKind
from tracker.models.rules import may_verify
from tracker.services.tokens import create_token
from tracker.timeutil import local_today

FOUR_EYES = "tidak dapat memverifikasinya sendiri"


def _state(app, item_id: int) -> tuple:
    """Everything a refusal must leave as it was: the item's fields, supporters, version and history."""
    with app.app_context():
        item = db.session.get(ActionItem, item_id)
        history = db.session.scalar(select(func.count(ItemHistory.id)).where(ItemHistory.item_id == item_id))
        return (item.status, item.status_note, item.due_date, item.owner_id, item.title,
                tuple(sorted(member.id for member in item.supporters)), item.version, history)


def _api_token(app, username: str) -> str:
    with app.app_context():
        secret = create_token(get_user(username), TokenKind.API, "uji")[1]
        db.session.commit()
        return secret


def _api(client, method: str, url: str, token: str, **kwargs):
    return client.open(url, method=method, headers={"Authorization": f"Bearer {token}"}, **kwargs)


@pytest.fixture()
def done_items(app, users):
    """Three done items: owned by the head, supported by the head (owned by anggota), and anggota's alone."""
    with app.app_context():
        head, member = get_user("kepala"), get_user("anggota")
        webinar = add_webinar()
        evidence = {"status": Status.DONE, "evidence_url": "https://example.go.id/bukti"}
        owned = add_item(webinar, head, title="Milik kepala", **evidence)
        supported = add_item(webinar, member, title="Didukung kepala", supporters=[head], **evidence)
        plain = add_item(webinar, member, title="Milik anggota", **evidence)
        db.session.commit()
        return {"owned": owned.id, "supported": supported.id, "plain": plain.id}


# --- Four eyes -----------------------------------------------------------------------------


def test_may_verify_is_four_eyes(app, users, done_items):
    with app.app_context():
        head, admin, member = get_user("kepala"), get_user("admin"), get_user("anggota")
        other_head = add_user("kepala2", "Kepala Dua", Role.HEAD)
        owned, supported, plain = (db.session.get(ActionItem, done_items[k]) for k in ("owned", "supported", "plain"))
        assert not may_verify(head, owned) and not may_verify(head, supported) and may_verify(head, plain)
        assert may_verify(other_head, owned) and may_verify(admin, owned)  # one head only: an admin verifies
        assert not may_verify(member, plain)
        assert may_verify(head) and not may_verify(member)  # without an item: may verify at all


@pytest.mark.parametrize("which", ["owned", "supported"])
def test_head_cannot_verify_an_item_they_own_or_support(app, client, done_items, which):
    item_id = done_items[which]
    client.login("kepala")
    page = client.get(f"/items/{item_id}").get_data(as_text=True)
    assert 'value="terverifikasi"' not in page  # not offered
    before = _state(app, item_id)
    response = client.submit(f"/items/{item_id}/status", {"status": "terverifikasi", "version": before[6]},
                             token_from=f"/items/{item_id}")
    assert response.status_code == 403
    assert FOUR_EYES in response.get_data(as_text=True)
    assert _state(app, item_id) == before


def test_another_head_or_an_admin_verifies_instead(app, client, make_client, done_items):
    with app.app_context():
        add_user("kepala2", "Kepala Dua", Role.HEAD)
        db.session.commit()
    client.login("kepala")
    assert 'value="terverifikasi"' in client.get(f"/items/{done_items['plain']}").get_data(as_text=True)
    for username, key in (("kepala2", "owned"), ("admin", "supported")):
        browser = make_client()
        browser.login(username)
        item_id = done_items[key]
        response = browser.submit(f"/items/{item_id}/status", {"status": "terverifikasi",
                                                                "version": _state(app, item_id)[6]})
        assert response.status_code == 302
        with app.app_context():
            item = db.session.get(ActionItem, item_id)
            assert item.status == Status.VERIFIED and item.verified_by.username == username


def test_quick_status_on_my_tasks_offers_no_verification_of_ones_own_item(app, client, done_items):
    client.login("kepala")
    page = client.get("/my").get_data(as_text=True)
    card = page[page.index(f'id="task-{done_items["owned"]}"'):]
    card = card[:card.index("</li>")]
    assert 'value="dikerjakan"' in card  # reopening is still offered
    assert 'value="terverifikasi"' not in card


def test_api_refuses_verification_by_the_owner_and_reports_capabilities(app, client, done_items):
    head, member = _api_token(app, "kepala"), _api_token(app, "anggota")
    me = _api(client, "GET", "/api/v1/me", head).get_json()["can"]
    assert me["verify"] is True and me["move_due_dates"] is True and me["delete_items"] is True
    me = _api(client, "GET", "/api/v1/me", member).get_json()["can"]
    assert me["verify"] is False and me["move_due_dates"] is False and me["delete_items"] is False
    item_id = done_items["owned"]
    detail = _api(client, "GET", f"/api/v1/items/{item_id}", head).get_json()
    assert "terverifikasi" not in detail["allowed_statuses"]
    before = _state(app, item_id)
    response = _api(client, "POST", f"/api/v1/items/{item_id}/status", head,
                    json={"status": "terverifikasi", "version": before[6]})
    assert response.status_code == 403
    assert FOUR_EYES in response.get_json()["error"]["message"]
    assert _state(app, item_id) == before
    plain = _api(client, "GET", f"/api/v1/items/{done_items['plain']}", head).get_json()
    assert "terverifikasi" in plain["allowed_statuses"]


# --- Deadlines -----------------------------------------------------------------------------


def _edit_form(item: dict, **changes) -> dict:
    data = {"title": item["title"], "webinar_id": item["webinar_id"], "priority": "sedang",
            "progress": "40", "version": item["version"]}
    data.update(changes)
    return data


def _item_values(app, item_id: int) -> dict:
    with app.app_context():
        item = db.session.get(ActionItem, item_id)
        return {"title": item.title, "webinar_id": item.webinar_id, "version": item.version,
                "due_date": item.due_date}


def test_members_edit_form_has_no_due_date_field_and_keeps_the_date(app, client, sample):
    item_id = sample["item1"]
    client.login("anggota")
    page = client.get(f"/items/{item_id}/edit").get_data(as_text=True)
    assert 'name="due_date"' not in page
    assert "Hanya ketua yang dapat memindahkan tenggat" in page
    values = _item_values(app, item_id)
    response = client.submit(f"/items/{item_id}/edit", _edit_form(values))  # no due date sent: kept
    assert response.status_code == 302
    after = _item_values(app, item_id)
    assert after["due_date"] == values["due_date"] and after["version"] == values["version"] + 1


def test_a_member_who_posts_a_new_due_date_is_refused(app, client, sample):
    item_id = sample["item1"]
    client.login("anggota")
    values = _item_values(app, item_id)
    before = _state(app, item_id)
    for moved in ((values["due_date"] + timedelta(days=30)).isoformat(), ""):  # later, or none at all
        response = client.submit(f"/items/{item_id}/edit", _edit_form(values, due_date=moved, title="Judul lain"))
        assert response.status_code == 403
        assert "Hanya ketua yang dapat memindahkan tenggat" in response.get_data(as_text=True)
        assert _state(app, item_id) == before  # not even the title: the whole edit is refused
    # The same date sent back is no move.
    response = client.submit(f"/items/{item_id}/edit", _edit_form(values, due_date=values["due_date"].isoformat()))
    assert response.status_code == 302


def test_a_head_moves_the_due_date(app, client, sample):
    item_id = sample["item1"]
    client.login("kepala")
    assert 'name="due_date"' in client.get(f"/items/{item_id}/edit").get_data(as_text=True)
    values = _item_values(app, item_id)
    later = values["due_date"] + timedelta(days=14)
    owner = _state(app, item_id)[3]
    response = client.submit(f"/items/{item_id}/edit", _edit_form(values, due_date=later.isoformat(), owner_id=owner))
    assert response.status_code == 302
    assert _item_values(app, item_id)["due_date"] == later


def test_api_patch_of_the_due_date_by_a_member_is_403(app, client, sample):
    item_id = sample["item1"]
    member, head = _api_token(app, "anggota"), _api_token(app, "kepala")
    before = _state(app, item_id)
    later = (before[2] + timedelta(days=10)).isoformat()
    response = _api(client, "PATCH", f"/api/v1/items/{item_id}", member,
                    json={"version": before[6], "due_date": later, "progress": 50})
    assert response.status_code == 403
    assert "Hanya ketua" in response.get_json()["error"]["message"]
    assert _state(app, item_id) == before
    response = _api(client, "PATCH", f"/api/v1/items/{item_id}", member, json={"version": before[6], "progress": 50})
    assert response.status_code == 200 and response.get_json()["due_date"] == before[2].isoformat()
    response = _api(client, "PATCH", f"/api/v1/items/{item_id}", head,
                    json={"version": before[6] + 1, "due_date": later})
    assert response.status_code == 200 and response.get_json()["due_date"] == later


def test_a_member_sets_the_first_due_date_when_creating(app, client, sample):
    due = local_today() + timedelta(days=21)
    client.login("anggota")
    assert 'name="due_date"' in client.get("/items/new").get_data(as_text=True)
    response = client.submit("/items/new", {"title": "Tindak lanjut baru anggota", "webinar_id": sample["webinar"],
                                            "priority": "sedang", "progress": "0", "due_date": due.isoformat()})
    assert response.status_code == 302
    token = _api_token(app, "anggota")
    response = _api(client, "POST", "/api/v1/items", token,
                    json={"webinar_id": sample["webinar"], "title": "Lewat API", "due_date": due.isoformat()})
    assert response.status_code == 201
    with app.app_context():
        dues = db.session.scalars(select(ActionItem.due_date).where(ActionItem.title.in_(
            ["Tindak lanjut baru anggota", "Lewat API"]))).all()
        assert dues == [due, due]


# --- Reopening -----------------------------------------------------------------------------


@pytest.mark.parametrize("start", [Status.DONE, Status.VERIFIED])
def test_reopening_needs_a_reason_kept_as_status_note_and_in_history(app, client, done_items, start):
    item_id = done_items["plain"]
    with app.app_context():
        db.session.get(ActionItem, item_id).status = start
        db.session.commit()
    client.login("kepala")
    before = _state(app, item_id)
    for note in ("", "   "):
        response = client.submit(f"/items/{item_id}/status", {"status": "dikerjakan", "version": before[6],
                                                               "note": note}, token_from=f"/items/{item_id}",
                                 follow_redirects=True)  # refused: back on the item page (PRG)
        assert response.request.path == f"/items/{item_id}"
        assert "Mohon isi alasan tindak lanjut dibuka kembali." in response.get_data(as_text=True)
        assert _state(app, item_id) == before
    response = client.submit(f"/items/{item_id}/status", {"status": "dikerjakan", "version": before[6],
                                                           "note": "Bukti belum lengkap"})
    assert response.status_code == 302
    with app.app_context():
        item = db.session.get(ActionItem, item_id)
        assert item.status == Status.IN_PROGRESS and item.status_note == "Bukti belum lengkap"
        entry = db.session.scalars(select(ItemHistory).where(ItemHistory.item_id == item_id)
                                   .order_by(ItemHistory.id.desc())).first()
        assert (entry.kind, entry.old_value, entry.new_value, entry.note) == (
            HistoryKind.STATUS, start.value, "dikerjakan", "Bukti belum lengkap")


def test_reopening_from_my_tasks_and_the_api_needs_a_reason_too(app, client, done_items):
    item_id = done_items["owned"]  # the head's own item: on their task list
    client.login("kepala")
    before = _state(app, item_id)
    response = client.submit(f"/items/{item_id}/status", {"status": "dikerjakan", "version": before[6],
                                                           "note": "", "next": "/my"}, token_from="/my")
    assert response.status_code == 302 and response.headers["Location"] == f"/my#task-{item_id}"
    token = _api_token(app, "kepala")
    response = _api(client, "POST", f"/api/v1/items/{item_id}/status", token,
                    json={"status": "dikerjakan", "version": before[6]})
    assert response.status_code == 422 and "note" in response.get_json()["error"]["fields"]
    assert _state(app, item_id) == before
    response = _api(client, "POST", f"/api/v1/items/{item_id}/status", token,
                    json={"status": "dikerjakan", "version": before[6], "note": "Perlu revisi"})
    assert response.status_code == 200 and response.get_json()["status_note"] == "Perlu revisi"


# --- The owner is never a supporter --------------------------------------------------------

CLASH = "adalah penanggung jawab dan tidak dapat sekaligus menjadi anggota pendukung"


def test_item_form_refuses_the_owner_as_supporter(app, client, users, sample):
    client.login("kepala")
    with app.app_context():
        before = db.session.scalar(select(func.count(ActionItem.id)))
    response = client.submit("/items/new", {"title": "Bentrok", "webinar_id": sample["webinar"], "priority": "sedang",
                                            "progress": "0", "owner_id": users["anggota"],
                                            "supporter_ids": [users["anggota"], users["anggota2"]]})
    assert response.status_code == 422
    assert f"Anggota Uji {CLASH}" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(ActionItem.id))) == before
    item_id = sample["item1"]  # owner anggota, supported by anggota2
    values, state = _item_values(app, item_id), _state(app, item_id)
    for owner, supporters in ((users["anggota"], [users["anggota"]]),  # add the owner as supporter
                              (users["anggota2"], [users["anggota2"]])):  # give it to its supporter
        response = client.submit(f"/items/{item_id}/edit", _edit_form(
            values, owner_id=owner, supporter_ids=supporters, due_date=values["due_date"].isoformat()))
        assert response.status_code == 422
        assert CLASH in response.get_data(as_text=True)
        assert _state(app, item_id) == state


def test_api_refuses_the_owner_as_supporter(app, client, users, sample):
    token = _api_token(app, "kepala")
    response = _api(client, "POST", "/api/v1/items", token, json={
        "webinar_id": sample["webinar"], "title": "Bentrok", "owner_id": users["anggota2"],
        "supporter_ids": [users["anggota2"]]})
    assert response.status_code == 422
    assert CLASH in response.get_json()["error"]["fields"]["supporter_ids"]
    item_id = sample["item1"]
    before = _state(app, item_id)
    # The owner moves to the current supporter, who would then be both.
    response = _api(client, "PATCH", f"/api/v1/items/{item_id}", token,
                    json={"version": before[6], "owner_id": users["anggota2"]})
    assert response.status_code == 422 and CLASH in response.get_json()["error"]["message"]
    assert _state(app, item_id) == before
    # Moving the owner and taking them off the supporters at once is fine.
    response = _api(client, "PATCH", f"/api/v1/items/{item_id}", token,
                    json={"version": before[6], "owner_id": users["anggota2"], "supporter_ids": [users["anggota"]]})
    assert response.status_code == 200
    body = response.get_json()
    assert body["owner"]["id"] == users["anggota2"] and [m["id"] for m in body["supporters"]] == [users["anggota"]]

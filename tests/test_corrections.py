"""Corrections: a head deletes an item entered by mistake (with a reason), it leaves every list, figure,
report, export, reminder, feed and API answer, and an administrator restores it. Refusals change nothing."""
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.conftest import get_user
from tracker.extensions import db
from tracker.models import ActionItem, HistoryKind, ItemHistory, ReportSnapshot, TokenKind
from tracker.services.dashboard import Scope
from tracker.services.reminders import reminders_due
from tracker.services.reports import create_snapshot
from tracker.services.tokens import create_token
from tracker.timeutil import local_today

CODE = "S28-02"  # the sample's item 2: owned by anggota2, new, two days overdue
REASON = "Salah input: tercatat dua kali"
TOTAL = re.compile(r'<div class="figure-value">(\d+)</div>\s*<div class="figure-label">Tindak lanjut</div>')


def _state(app, item_id: int) -> tuple:
    with app.app_context():
        item = db.session.get(ActionItem, item_id)
        history = db.session.scalar(select(func.count(ItemHistory.id)).where(ItemHistory.item_id == item_id))
        return (item.deleted_at, item.deleted_by_id, item.delete_reason, item.status, item.version, history)


def _version(app, item_id: int) -> int:
    return _state(app, item_id)[4]


def _signed_in(make_client, username: str):
    browser = make_client()
    browser.login(username)
    return browser


def _delete(app, browser, item_id: int, reason: str = REASON, version: int | None = None):
    return browser.submit(f"/items/{item_id}/delete", {
        "reason": reason, "version": _version(app, item_id) if version is None else version})


def _restore(app, browser, item_id: int, version: int | None = None):
    return browser.submit(f"/items/{item_id}/restore", {
        "version": _version(app, item_id) if version is None else version})


@pytest.fixture()
def places(app, users, sample, make_client):
    """A function telling, for every place a user reads items, whether item 2 shows there."""
    with app.app_context():
        owner = get_user("anggota2")
        owner.email = "anggota2@sulbarprov.go.id"
        calendar = create_token(owner, TokenKind.CALENDAR)[1]
        api = create_token(get_user("kepala"), TokenKind.API, "uji")[1]
        db.session.commit()
    head, owner_browser = _signed_in(make_client, "kepala"), _signed_in(make_client, "anggota2")
    bearer = {"Authorization": f"Bearer {api}"}
    webinar = sample["webinar"]

    def shows() -> dict[str, bool]:
        text = lambda browser, url: browser.get(url).get_data(as_text=True)  # noqa: E731
        workbook = load_workbook(io.BytesIO(head.get("/items/export.xlsx").get_data())).active
        with app.app_context():
            reminded = [item.code for reminder in reminders_due(local_today()) for item in reminder.items]
        api_list = head.get("/api/v1/items", headers=bearer).get_json()["items"]
        api_webinar = head.get(f"/api/v1/webinars/{webinar}", headers=bearer).get_json()["items"]
        [figures] = [w["figures"] for w in head.get("/api/v1/webinars", headers=bearer).get_json()["webinars"]]
        return {
            "/items": CODE in text(head, "/items"),
            "/my": CODE in text(owner_browser, "/my"),
            "/dashboard": TOTAL.search(text(head, "/dashboard")).group(1) == "3",
            "/reports/view": CODE in text(head, "/reports/view"),
            "csv": CODE in text(head, "/items/export.csv"),
            "xlsx": any(row[0] == CODE for row in workbook.iter_rows(values_only=True)),
            "reminders": CODE in reminded,
            "calendar": CODE in text(head, f"/calendar/{calendar}.ics"),
            "api list": any(item["code"] == CODE for item in api_list),
            "api item": head.get(f"/api/v1/items/{sample['item2']}", headers=bearer).status_code == 200,
            "api webinar": any(item["code"] == CODE for item in api_webinar),
            "api figures": figures["items"] == 3,
            "/webinars/<id>": CODE in text(head, f"/webinars/{webinar}"),
        }

    return shows


def test_a_deleted_item_leaves_every_place_and_comes_back_on_restore(app, make_client, sample, places):
    everywhere = places()
    assert all(everywhere.values()), everywhere
    head, admin = _signed_in(make_client, "kepala"), _signed_in(make_client, "admin")
    response = _delete(app, head, sample["item2"])
    assert response.status_code == 302 and response.headers["Location"] == f"/items/{sample['item2']}"
    nowhere = places()
    assert not any(nowhere.values()), nowhere
    assert _restore(app, admin, sample["item2"]).status_code == 302
    back = places()
    assert all(back.values()), back


def test_delete_is_recorded_with_who_when_and_why(app, client, users, sample):
    client.login("kepala")
    before = _state(app, sample["item2"])
    assert _delete(app, client, sample["item2"]).status_code == 302
    with app.app_context():
        item = db.session.get(ActionItem, sample["item2"])
        assert item.deleted_at is not None and item.deleted_by_id == users["kepala"]
        assert item.delete_reason == REASON and item.status == before[3]  # not cancelled: a different thing
        assert item.version == before[4] + 1
        entry = db.session.scalars(select(ItemHistory).where(ItemHistory.item_id == item.id)
                                   .order_by(ItemHistory.id.desc())).first()
        assert (entry.kind, entry.actor_id, entry.note) == (HistoryKind.DELETED, users["kepala"], REASON)
    page = client.get(f"/items/{sample['item2']}").get_data(as_text=True)
    assert "Tindak lanjut ini dihapus karena salah input" in page
    assert REASON in page and "Dihapus oleh Kepala Uji pada" in page
    assert "menghapus tindak lanjut karena salah input" in page  # the timeline
    # Nothing to act on any more, and only an administrator restores.
    for action in ("status", "comments", "delete", "restore"):
        assert f'action="/items/{sample["item2"]}/{action}"' not in page
    assert f'href="/items/{sample["item2"]}/edit"' not in page


@pytest.mark.parametrize(("data", "status", "message"), [
    ({"reason": "  "}, 422, "Mohon isi alasan penghapusan"),
    ({"reason": "x" * 5001}, 422, None),
    ({"reason": REASON, "version": 1}, 409, "Orang lain sudah menyimpan tindak lanjut ini"),
    ({"reason": REASON, "version": ""}, 422, "versi"),
])
def test_a_refused_delete_changes_nothing(app, client, sample, data, status, message):
    item_id = sample["item1"]  # version 2: created, then its status forced
    client.login("kepala")
    before = _state(app, item_id)
    payload = {"version": before[4], **data}
    response = client.submit(f"/items/{item_id}/delete", payload)
    assert response.status_code == status
    if message:
        assert message in response.get_data(as_text=True)
    assert _state(app, item_id) == before


@pytest.mark.parametrize("username", ["anggota", "anggota2", "pemantau"])
def test_only_heads_and_admins_delete(app, client, sample, username):
    client.login(username)
    before = _state(app, sample["item1"])
    assert 'action="/items/{}/delete"'.format(sample["item1"]) not in client.get(
        f"/items/{sample['item1']}").get_data(as_text=True)
    assert _delete(app, client, sample["item1"]).status_code == 403
    assert _state(app, sample["item1"]) == before


def test_admin_deletes_too_and_heads_see_the_confirm_form(app, make_client, sample):
    head = _signed_in(make_client, "kepala")
    page = head.get(f"/items/{sample['item1']}").get_data(as_text=True)
    assert f'action="/items/{sample["item1"]}/delete"' in page and 'name="reason"' in page
    admin = _signed_in(make_client, "admin")
    assert _delete(app, admin, sample["item1"]).status_code == 302


@pytest.fixture()
def deleted(app, make_client, sample):
    assert _delete(app, _signed_in(make_client, "kepala"), sample["item2"]).status_code == 302
    return sample["item2"]


@pytest.mark.parametrize(("username", "status"), [
    ("kepala", 200), ("admin", 200), ("anggota2", 404), ("anggota", 404), ("pemantau", 404)])
def test_the_deleted_items_page_is_for_heads_and_admins_only(client, deleted, username, status):
    client.login(username)
    response = client.get(f"/items/{deleted}")
    assert response.status_code == status
    if status == 200:
        assert REASON in response.get_data(as_text=True)


@pytest.mark.parametrize("username", ["admin", "kepala", "anggota2"])
def test_every_other_address_of_a_deleted_item_is_404(app, client, deleted, username):
    client.login(username)
    before = _state(app, deleted)
    version = before[4]
    for method, url, data in [
        ("GET", f"/items/{deleted}/edit", None),
        ("POST", f"/items/{deleted}/edit", {"title": "Ubah", "priority": "sedang", "progress": "5", "version": version}),
        ("POST", f"/items/{deleted}/status", {"status": "dikerjakan", "version": version}),
        ("POST", f"/items/{deleted}/comments", {"body": "Masih ada?"}),
        ("POST", f"/items/{deleted}/extension", {"new_due_date": "2099-01-01", "reason": "Waktu"}),
        ("POST", f"/items/{deleted}/delete", {"reason": "lagi", "version": version}),
    ]:
        response = client.get(url) if method == "GET" else client.submit(url, data)
        assert response.status_code == 404, (method, url)
    with app.app_context():
        token = create_token(get_user(username), TokenKind.API, "uji")[1]
        db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    for method, url, body in [
        ("GET", f"/api/v1/items/{deleted}", None),
        ("PATCH", f"/api/v1/items/{deleted}", {"version": version, "progress": 5}),
        ("POST", f"/api/v1/items/{deleted}/status", {"status": "dikerjakan", "version": version}),
        ("POST", f"/api/v1/items/{deleted}/comments", {"body": "Masih ada?"}),
    ]:
        response = client.open(url, method=method, json=body, headers=headers)
        assert response.status_code == 404 and response.is_json, (method, url)
    assert _state(app, deleted) == before


def test_admin_lists_and_restores_a_deleted_item(app, client, users, deleted):
    client.login("admin")
    page = client.get("/admin/deleted-items").get_data(as_text=True)
    assert CODE in page and REASON in page and "Kepala Uji" in page
    assert f'action="/items/{deleted}/restore"' in page
    response = _restore(app, client, deleted)
    assert response.status_code == 302
    with app.app_context():
        item = db.session.get(ActionItem, deleted)
        assert (item.deleted_at, item.deleted_by_id, item.delete_reason) == (None, None, None)
        kinds = db.session.scalars(select(ItemHistory.kind).where(ItemHistory.item_id == deleted)
                                   .order_by(ItemHistory.id.desc()).limit(2)).all()
        assert kinds == [HistoryKind.RESTORED, HistoryKind.DELETED]  # both kept: the history only grows
    page = client.get("/admin/deleted-items").get_data(as_text=True)
    assert "S28-02 telah dipulihkan." in page and "Belum ada tindak lanjut yang dihapus." in page
    page = client.get(f"/items/{deleted}").get_data(as_text=True)
    assert "memulihkan tindak lanjut yang terhapus" in page and "menghapus tindak lanjut karena salah input" in page


def test_a_refused_restore_changes_nothing(app, client, make_client, sample, deleted):
    head = _signed_in(make_client, "kepala")
    before = _state(app, deleted)
    assert _restore(app, head, deleted).status_code == 403
    assert head.get("/admin/deleted-items").status_code == 403
    client.login("admin")
    assert _restore(app, client, deleted, version=before[4] - 1).status_code == 409
    assert _state(app, deleted) == before
    visible = _state(app, sample["item1"])
    response = _restore(app, client, sample["item1"])
    assert response.status_code == 422 and "tidak dalam keadaan terhapus" in response.get_data(as_text=True)
    assert _state(app, sample["item1"]) == visible


def test_frozen_snapshots_are_unchanged_by_delete_and_restore(app, make_client, users, sample):
    with app.app_context():
        snapshot = create_snapshot(Scope(), get_user("kepala"))
        db.session.commit()
        snapshot_id, frozen = snapshot.id, snapshot.data
    assert CODE in [row["code"] for row in frozen["rows"]] and frozen["figures"]["total"] == 3
    head, admin = _signed_in(make_client, "kepala"), _signed_in(make_client, "admin")
    assert _delete(app, head, sample["item2"]).status_code == 302
    assert CODE in head.get(f"/reports/snapshots/{snapshot_id}").get_data(as_text=True)
    assert CODE not in head.get("/reports/view").get_data(as_text=True)  # the live report moved on
    assert _restore(app, admin, sample["item2"]).status_code == 302
    with app.app_context():
        assert db.session.get(ReportSnapshot, snapshot_id).data == frozen


def test_cancelling_still_counts_deleting_does_not(app, make_client, sample):
    head = _signed_in(make_client, "kepala")
    total = lambda: int(TOTAL.search(head.get("/dashboard").get_data(as_text=True)).group(1))  # noqa: E731
    response = head.submit(f"/items/{sample['item1']}/status", {
        "status": "dibatalkan", "note": "Tidak jadi dikerjakan", "version": _version(app, sample["item1"])})
    assert response.status_code == 302 and total() == 3
    assert _delete(app, head, sample["item3"]).status_code == 302 and total() == 2

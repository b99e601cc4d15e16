"""The API's answers the size of what they say: ETag and If-Match on items, history on its own pages."""
import pytest

from tests.conftest import get_user
from tests.test_api import _version, assert_error, call
from tracker.extensions import db
from tracker.models import ActionItem, ItemHistory, TokenKind
from tracker.services.items import add_comment
from tracker.services.tokens import create_token


@pytest.fixture()
def token(app, users, sample):
    with app.app_context():
        secret = create_token(get_user("kepala"), TokenKind.API, "uji")[1]
        db.session.commit()
    return secret


def _snapshot(app, item_id):
    with app.app_context():
        item = db.session.get(ActionItem, item_id)
        rows = db.session.query(ItemHistory).filter_by(item_id=item_id).count()
        return item.title, item.status, item.version, rows


def test_item_answers_carry_an_etag_that_follows_the_version(app, client, token, sample):
    url = f"/api/v1/items/{sample['item1']}"
    first = call(client, "GET", url, token)
    assert first.headers["ETag"] == f'"{sample["item1"]}-{_version(app, sample["item1"])}"'
    unchanged = call(client, "GET", url, token, headers={"If-None-Match": first.headers["ETag"]})
    assert unchanged.status_code == 304 and unchanged.get_data() == b""
    edited = call(client, "PATCH", url, token, json={"title": "Judul baru"},
                  headers={"If-Match": first.headers["ETag"]})
    assert edited.status_code == 200 and edited.headers["ETag"] != first.headers["ETag"]
    assert edited.get_json()["title"] == "Judul baru" and edited.get_json()["changed"] == ["title"]


def test_a_stale_if_match_is_412_and_changes_nothing(app, client, token, sample):
    url = f"/api/v1/items/{sample['item1']}"
    stale = call(client, "GET", url, token).headers["ETag"]
    assert call(client, "PATCH", url, token, json={"title": "Lebih dulu"}, headers={"If-Match": stale}).status_code == 200
    before = _snapshot(app, sample["item1"])
    refused = call(client, "PATCH", url, token, json={"title": "Terlambat"}, headers={"If-Match": stale})
    assert_error(refused, 412, "precondition_failed")
    assert refused.get_json()["item"]["title"] == "Lebih dulu"  # what is stored now, to decide on
    assert_error(call(client, "POST", url + "/status", token, json={"status": "terhambat", "note": "x"},
                      headers={"If-Match": stale}), 412)
    assert _snapshot(app, sample["item1"]) == before


def test_without_if_match_the_version_is_still_required(app, client, token, sample):
    url = f"/api/v1/items/{sample['item1']}"
    before = _snapshot(app, sample["item1"])
    body = assert_error(call(client, "PATCH", url, token, json={"title": "Tanpa versi"}), 422)
    assert "version" in body["fields"]
    assert _snapshot(app, sample["item1"]) == before
    ok = call(client, "PATCH", url, token, json={"title": "Dengan versi", "version": before[2]})
    assert ok.status_code == 200


def test_a_status_answer_does_not_grow_with_the_history(app, client, token, sample):
    """The answer to a status change is the item, not its history (was 17 KB, then 56 KB after 200 changes)."""
    item_id = sample["item1"]
    url = f"/api/v1/items/{item_id}/status"
    first = call(client, "POST", url, token, json={"status": "terhambat", "note": "Tunggu", "version": _version(app, item_id)})
    with app.app_context():
        item, author = db.session.get(ActionItem, item_id), get_user("kepala")
        for number in range(200):
            add_comment(item, author, f"Catatan ke-{number} " + "x" * 100)
        db.session.commit()
    later = call(client, "POST", url, token, json={"status": "dikerjakan", "version": _version(app, item_id)})
    assert later.status_code == 200
    assert abs(len(later.get_data()) - len(first.get_data())) < 200


def test_history_comes_a_page_at_a_time(app, client, token, sample):
    item_id = sample["item1"]
    with app.app_context():
        item, author = db.session.get(ActionItem, item_id), get_user("kepala")
        for number in range(120):
            add_comment(item, author, f"Catatan {number}")
        db.session.commit()
        total = db.session.query(ItemHistory).filter_by(item_id=item_id).count()
    url, seen = f"/api/v1/items/{item_id}/history?limit=50", []
    while url:
        page = call(client, "GET", url, token).get_json()
        assert len(page["history"]) <= 50
        seen += [entry["id"] for entry in page["history"]]
        url = page["next"]
    assert len(seen) == total and seen == sorted(seen) and len(set(seen)) == total
    assert_error(call(client, "GET", "/api/v1/items/999999/history", token), 404)

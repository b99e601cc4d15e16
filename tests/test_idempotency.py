"""Idempotency-Key on API writes: a request replayed with its key is applied once and answered the same."""
import io
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from tests.conftest import get_user
from tracker.extensions import db
from tracker.models import ActionItem, Comment, HistoryKind, IdempotencyKey, ItemHistory, TokenKind, utcnow
from tracker.services.tokens import create_token


@pytest.fixture()
def tokens(app, users, sample):
    """API tokens of the owner of S28-01 (anggota) and of its supporter (anggota2)."""
    with app.app_context():
        made = {name: create_token(get_user(name), TokenKind.API, "uji")[1] for name in ("anggota", "anggota2")}
        db.session.commit()
    return made


def send(client, method, url, token, body, key=None, headers=None):
    headers = {"Authorization": f"Bearer {token}", **(headers or {})}
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.open(url, method=method, json=body, headers=headers)


def _count(app, model, *where):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _item(app, item_id):
    with app.app_context():
        return db.session.get(ActionItem, item_id)


def test_a_replayed_status_change_is_applied_once_and_answered_the_same(app, client, tokens, sample):
    item_id, key = sample["item1"], str(uuid.uuid4())
    body = {"status": "terhambat", "note": "Menunggu data BKD", "version": _item(app, item_id).version}
    first = send(client, "POST", f"/api/v1/items/{item_id}/status", tokens["anggota"], body, key)
    again = send(client, "POST", f"/api/v1/items/{item_id}/status", tokens["anggota"], body, key)
    assert first.status_code == again.status_code == 200
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    assert _item(app, item_id).version == body["version"] + 1
    assert _count(app, ItemHistory, ItemHistory.item_id == item_id, ItemHistory.kind == HistoryKind.STATUS) == 1


def test_a_replayed_comment_is_added_once(app, client, tokens, sample):
    url, key = f"/api/v1/items/{sample['item1']}/comments", "komentar-kereta-1"
    for _attempt in range(3):
        response = send(client, "POST", url, tokens["anggota"], {"body": "Sudah rapat dengan BKD"}, key)
        assert response.status_code == 201
    assert _count(app, Comment) == 1
    assert _count(app, ItemHistory, ItemHistory.kind == HistoryKind.COMMENT) == 1


def test_the_same_json_with_other_spacing_is_the_same_request(app, client, tokens, sample):
    url = f"/api/v1/items/{sample['item1']}/comments"
    headers = {"Authorization": f"Bearer {tokens['anggota']}", "Idempotency-Key": "k1",
               "Content-Type": "application/json"}
    assert client.post(url, data='{"body": "Satu"}', headers=headers).status_code == 201
    assert client.post(url, data='{ "body" :"Satu" }', headers=headers).headers["Idempotent-Replayed"] == "true"
    assert _count(app, Comment) == 1


def test_a_key_reused_for_another_request_is_refused_with_422(app, client, tokens, sample):
    item_id = sample["item1"]
    comments = f"/api/v1/items/{item_id}/comments"
    assert send(client, "POST", comments, tokens["anggota"], {"body": "Pertama"}, "kunci").status_code == 201
    other_body = send(client, "POST", comments, tokens["anggota"], {"body": "Kedua"}, "kunci")
    assert other_body.status_code == 422
    assert "Idempotency-Key" in other_body.get_json()["error"]["fields"]
    version = _item(app, item_id).version
    other_address = send(client, "PATCH", f"/api/v1/items/{item_id}", tokens["anggota"],
                         {"version": version, "progress": 60}, "kunci")
    assert other_address.status_code == 422
    assert _count(app, Comment) == 1
    assert _item(app, item_id).progress != 60


def test_keys_belong_to_their_user(app, client, tokens, sample):
    url = f"/api/v1/items/{sample['item1']}/comments"
    assert send(client, "POST", url, tokens["anggota"], {"body": "Dari pemilik"}, "sama").status_code == 201
    other = send(client, "POST", url, tokens["anggota2"], {"body": "Dari pendukung"}, "sama")
    assert other.status_code == 201 and "Idempotent-Replayed" not in other.headers
    assert other.get_json()["author"]["username"] == "anggota2"
    assert _count(app, Comment) == 2


def test_a_refused_request_keeps_nothing_and_may_be_sent_again(app, client, tokens, sample):
    item_id = sample["item1"]
    url = f"/api/v1/items/{item_id}"
    stale = _item(app, item_id).version - 1
    refused = send(client, "PATCH", url, tokens["anggota"], {"version": stale, "progress": 70}, "maju")
    assert refused.status_code == 409
    assert _count(app, IdempotencyKey) == 0
    current = _item(app, item_id).version
    accepted = send(client, "PATCH", url, tokens["anggota"], {"version": current, "progress": 70}, "maju")
    assert accepted.status_code == 200 and accepted.get_json()["progress"] == 70


@pytest.mark.parametrize("key", ["", "x" * 256, "dengan spasi", "kunci\u00e9"])
def test_a_malformed_key_is_400_and_changes_nothing(app, client, tokens, sample, key):
    headers = {"Authorization": f"Bearer {tokens['anggota']}", "Idempotency-Key": key.encode("utf-8").decode("latin-1")}
    response = client.post(f"/api/v1/items/{sample['item1']}/comments", json={"body": "x"}, headers=headers)
    assert response.status_code == 400 and response.get_json()["error"]["fields"]["Idempotency-Key"]
    assert _count(app, Comment) == 0


def test_the_quoted_form_of_the_draft_names_the_same_key(app, client, tokens, sample):
    url = f"/api/v1/items/{sample['item1']}/comments"
    send(client, "POST", url, tokens["anggota"], {"body": "Satu"}, '"abc-123"')
    replay = send(client, "POST", url, tokens["anggota"], {"body": "Satu"}, "abc-123")
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert _count(app, Comment) == 1


def test_an_expired_key_is_forgotten(app, client, tokens, sample):
    url = f"/api/v1/items/{sample['item1']}/comments"
    send(client, "POST", url, tokens["anggota"], {"body": "Lama"}, "lama")
    with app.app_context():
        hours = app.config["IDEMPOTENCY_KEY_HOURS"]
        db.session.execute(update(IdempotencyKey).values(created_at=utcnow() - timedelta(hours=hours + 1)))
        db.session.commit()
    again = send(client, "POST", url, tokens["anggota"], {"body": "Lama"}, "lama")
    assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers
    assert _count(app, Comment) == 2
    assert _count(app, IdempotencyKey) == 1  # the expired row was dropped


def test_a_browser_session_still_needs_its_csrf_token_to_replay(app, client, users, sample):
    client.login("anggota")
    url = f"/api/v1/items/{sample['item1']}/comments"
    token = client.csrf_token("/profile")
    first = client.post(url, json={"body": "Dari kereta"}, headers={"X-CSRFToken": token, "Idempotency-Key": "hp-1"})
    assert first.status_code == 201
    without_csrf = client.post(url, json={"body": "Dari kereta"}, headers={"Idempotency-Key": "hp-1"})
    assert without_csrf.status_code == 400 and "Idempotent-Replayed" not in without_csrf.headers
    replay = client.post(url, json={"body": "Dari kereta"}, headers={"X-CSRFToken": token, "Idempotency-Key": "hp-1"})
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    assert _count(app, Comment) == 1


def test_the_openapi_document_describes_the_header(client):
    document = client.get("/api/v1/openapi.json").get_json()
    for path, method in [("/items/{item_id}/status", "post"), ("/items/{item_id}", "patch"),
                         ("/items/{item_id}/comments", "post"), ("/items/{item_id}/evidence", "post"),
                         ("/items", "post"), ("/webinars", "post")]:
        names = [p["name"] for p in document["paths"][path][method]["parameters"]]
        assert "Idempotency-Key" in names


def test_the_same_request_sent_at_once_from_two_tabs_is_applied_once(app, tokens, sample):
    import threading

    url, barrier, answers = f"/api/v1/items/{sample['item1']}/comments", threading.Barrier(4), []

    def tab():
        client = app.test_client()
        barrier.wait()
        response = send(client, "POST", url, tokens["anggota"], {"body": "Dari dua tab"}, "dua-tab")
        answers.append((response.status_code, response.get_json().get("id")))

    threads = [threading.Thread(target=tab) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [status for status, _id in answers] == [201] * 4
    assert len({comment_id for _status, comment_id in answers}) == 1
    assert _count(app, Comment) == 1


def test_a_replayed_evidence_upload_stores_one_file(app, client, tokens, sample):
    """A multipart upload sent again (a new boundary, the same fields and file) is the same request."""
    from tests.evidence_samples import picture
    from tracker.models import EvidenceFile

    url, key = f"/api/v1/items/{sample['item1']}/evidence", "foto-bukti-kapal-1"
    photo = picture("JPEG")

    def upload(note: str):
        return client.post(url, data={"file": (io.BytesIO(photo), "rapat.jpg"), "note": note},
                           headers={"Authorization": f"Bearer {tokens['anggota']}", "Idempotency-Key": key},
                           content_type="multipart/form-data")

    first, again = upload("Foto rapat"), upload("Foto rapat")
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true" and again.get_json() == first.get_json()
    assert _count(app, EvidenceFile) == 1
    assert _count(app, ItemHistory, ItemHistory.kind == HistoryKind.EVIDENCE_ADDED) == 1
    other = upload("Foto rapat, catatan lain")  # the same key for another request
    assert other.status_code == 422 and _count(app, EvidenceFile) == 1

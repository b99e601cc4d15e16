"""Responses the size of their answer: an API write does not grow with the item's history, and the
item page with its full history is read in one pass (no lookup per history row)."""
import pytest

from tests.conftest import get_user
from tracker.extensions import db
from tracker.models import ActionItem, HistoryKind, TokenKind
from tracker.services.history import record
from tracker.services.tokens import create_token


@pytest.fixture()
def head_token(app, users, sample):
    with app.app_context():
        secret = create_token(get_user("kepala"), TokenKind.API, "uji")[1]
        db.session.commit()
    return secret


def _add_comments(app, item_id: int, count: int) -> None:
    """Grow the item's history by `count` comment rows, written as the comment service writes them."""
    with app.app_context():
        item, actor = db.session.get(ActionItem, item_id), get_user("anggota2")
        for number in range(count):
            record(item, actor, HistoryKind.COMMENT, note=f"Catatan ke-{number} dari rapat koordinasi", changes_item=False)
        db.session.commit()


def _progress(client, token: str, item_id: int, progress: int) -> bytes:
    auth = {"Authorization": f"Bearer {token}"}
    version = client.get(f"/api/v1/items/{item_id}", headers=auth).get_json()["version"]
    answer = client.patch(f"/api/v1/items/{item_id}", json={"progress": progress, "version": version}, headers=auth)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_data()


def test_an_api_write_answers_the_same_size_with_0_or_300_history_rows(app, client, sample, head_token):
    item_id = sample["item1"]
    before = _progress(client, head_token, item_id, 40)
    _add_comments(app, item_id, 300)
    after = _progress(client, head_token, item_id, 50)
    assert b'"history"' not in after and b"Catatan ke-" not in after
    assert abs(len(after) - len(before)) <= 16, (len(before), len(after))  # only the numbers differ
    history = client.get(f"/api/v1/items/{item_id}/history?limit=200",
                         headers={"Authorization": f"Bearer {head_token}"}).get_json()
    assert len(history["history"]) == 200 and history["next"]  # the history is its own, paged resource


def test_the_full_history_page_costs_the_same_queries_for_5_or_252_rows(app, client, sample, count_queries):
    item_id = sample["item1"]
    client.login("kepala")
    url = f"/items/{item_id}?history=all"
    client.get(url)
    with count_queries() as short:
        client.get(url)
    _add_comments(app, item_id, 250)
    with count_queries() as long:
        page = client.get(url).get_data(as_text=True)
    assert page.count("Catatan ke-") == 250 and "Catatan ke-249" in page and "Catatan ke-0 " in page
    assert len(long) == len(short), long

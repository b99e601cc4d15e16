"""The status workflow: every allowed and every forbidden move per role, reasons and evidence."""
import pytest
from sqlalchemy import func, select

from tests.conftest import add_item, add_webinar
from tracker.extensions import db
from tracker.models import ActionItem, ItemHistory, Status, User

S = Status
# Moves along the working path (owner, supporter, head, admin).
WORKING = {(S.NEW, S.IN_PROGRESS), (S.IN_PROGRESS, S.BLOCKED), (S.IN_PROGRESS, S.DONE),
           (S.BLOCKED, S.IN_PROGRESS), (S.BLOCKED, S.DONE)}
# Moves only heads (and admins) make: verify, reopen, cancel.
LEAD_ONLY = {(S.DONE, S.VERIFIED), (S.DONE, S.IN_PROGRESS), (S.VERIFIED, S.IN_PROGRESS),
             (S.NEW, S.CANCELLED), (S.IN_PROGRESS, S.CANCELLED), (S.BLOCKED, S.CANCELLED),
             (S.DONE, S.CANCELLED), (S.VERIFIED, S.CANCELLED)}
ALL_PAIRS = [(a, b) for a in Status for b in Status if a != b]
# who acts: (username, relation to the item)
ACTORS = {
    "owner": ("anggota", "owner"),
    "supporter": ("anggota2", "supporter"),
    "other_member": ("anggota2", None),
    "head": ("kepala", None),
    "admin": ("admin", None),
    "viewer": ("pemantau", None),
}


def expected_allowed(actor: str, move) -> bool:
    if actor in ("head", "admin"):
        return move in WORKING or move in LEAD_ONLY
    if actor in ("owner", "supporter"):
        return move in WORKING
    return False


def _arrange(app, users, start: Status, relation_user: str | None, supporter: bool):
    with app.app_context():
        owner = db.session.get(User, users["anggota"])
        supporters = [db.session.get(User, users["anggota2"])] if supporter else []
        webinar = add_webinar()
        item = add_item(webinar, owner, status=start, supporters=supporters)
        db.session.commit()
        return item.id, item.version


def _status(app, item_id):
    with app.app_context():
        item = db.session.get(ActionItem, item_id)
        history = db.session.scalar(select(func.count(ItemHistory.id)).where(ItemHistory.item_id == item_id))
        return item.status, item.version, history


@pytest.mark.parametrize("actor", list(ACTORS))
@pytest.mark.parametrize("move", ALL_PAIRS, ids=lambda m: f"{m[0].value}-{m[1].value}")
def test_transition_matrix(app, client, users, actor, move):
    start, target = move
    username, relation = ACTORS[actor]
    item_id, version = _arrange(app, users, start, relation, supporter=(relation == "supporter"))
    before = _status(app, item_id)
    client.login(username)
    response = client.submit(f"/items/{item_id}/status", {
        "status": target.value, "version": version,
        "note": "alasan uji", "evidence_url": "https://example.go.id/bukti",
    }, token_from=f"/items/{item_id}")
    after = _status(app, item_id)
    if expected_allowed(actor, move):
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        assert after[0] == target
        assert after[2] > before[2]  # history recorded
    else:
        assert response.status_code in (302, 403)  # refused: a 403 page, or back to the form (PRG)
        assert after == before  # nothing changed, not even the history


@pytest.fixture()
def in_progress(app, users):
    with app.app_context():
        item = add_item(add_webinar(), db.session.get(User, users["anggota"]), status=S.IN_PROGRESS)
        db.session.commit()
        return item.id


def _back_on_the_item_page(response, item_id: int) -> bool:
    """A refused status form answers with a redirect to the item page (a refresh cannot post it again)."""
    return response.status_code == 200 and response.request.path == f"/items/{item_id}" and response.history


def test_blocked_needs_a_reason(app, client, in_progress):
    client.login("anggota")
    response = client.submit(f"/items/{in_progress}/status", {"status": "terhambat", "version": 2, "note": " "},
                             token_from=f"/items/{in_progress}", follow_redirects=True)
    assert _back_on_the_item_page(response, in_progress)
    assert "Mohon isi alasannya." in response.get_data(as_text=True)
    assert _status(app, in_progress)[0] == S.IN_PROGRESS


def test_done_needs_evidence_or_note(app, client, in_progress):
    client.login("anggota")
    response = client.submit(f"/items/{in_progress}/status", {"status": "selesai", "version": 2},
                             token_from=f"/items/{in_progress}", follow_redirects=True)
    assert _back_on_the_item_page(response, in_progress)
    assert "memerlukan berkas bukti, tautan bukti, atau catatan" in response.get_data(as_text=True)
    response = client.submit(f"/items/{in_progress}/status", {
        "status": "selesai", "version": 2, "evidence_url": "https://example.go.id/laporan.pdf"},
        token_from=f"/items/{in_progress}")
    assert response.status_code == 302
    with app.app_context():
        item = db.session.get(ActionItem, in_progress)
        assert item.status == S.DONE and item.progress == 100 and item.completed_at is not None
        assert item.evidence_url == "https://example.go.id/laporan.pdf"


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "ftp://example.go.id/x", "bukan tautan"])
def test_evidence_link_must_be_http(app, client, in_progress, bad):
    client.login("anggota")
    response = client.submit(f"/items/{in_progress}/status", {
        "status": "selesai", "version": 2, "evidence_url": bad}, token_from=f"/items/{in_progress}",
        follow_redirects=True)
    assert _back_on_the_item_page(response, in_progress)
    assert "http:// atau https://" in response.get_data(as_text=True)
    assert _status(app, in_progress)[0] == S.IN_PROGRESS


def test_cancel_needs_a_reason_and_is_recorded(app, client, in_progress):
    client.login("kepala")
    response = client.submit(f"/items/{in_progress}/status", {"status": "dibatalkan", "version": 2},
                             token_from=f"/items/{in_progress}", follow_redirects=True)
    assert _back_on_the_item_page(response, in_progress)
    response = client.submit(f"/items/{in_progress}/status", {
        "status": "dibatalkan", "version": 2, "note": "Digabung dengan S28-02"}, token_from=f"/items/{in_progress}")
    assert response.status_code == 302
    page = client.get(f"/items/{in_progress}").get_data(as_text=True)
    assert "Digabung dengan S28-02" in page
    assert "Dikerjakan → Dibatalkan" in page


def test_verify_and_reopen_by_head(app, client, users):
    with app.app_context():
        item = add_item(add_webinar(), db.session.get(User, users["anggota"]), status=S.DONE,
                        evidence_url="https://example.go.id/x")
        db.session.commit()
        item_id = item.id
    client.login("kepala")
    client.submit(f"/items/{item_id}/status", {"status": "terverifikasi", "version": 2}, token_from=f"/items/{item_id}")
    with app.app_context():
        item = db.session.get(ActionItem, item_id)
        assert item.status == S.VERIFIED and item.verified_by.username == "kepala"
    client.submit(f"/items/{item_id}/status", {"status": "dikerjakan", "version": 3, "note": "Bukti kurang"},
                  token_from=f"/items/{item_id}")
    with app.app_context():
        item = db.session.get(ActionItem, item_id)
        assert item.status == S.IN_PROGRESS and item.verified_at is None and item.completed_at is None


def test_status_form_offers_only_allowed_moves(app, client, in_progress):
    client.login("anggota")
    page = client.get(f"/items/{in_progress}").get_data(as_text=True)
    assert 'value="terhambat"' in page and 'value="selesai"' in page
    assert 'value="terverifikasi"' not in page and 'value="dibatalkan"' not in page


def test_viewer_sees_no_actions(app, client, users, in_progress):
    client.login("pemantau")
    page = client.get(f"/items/{in_progress}").get_data(as_text=True)
    assert f'action="/items/{in_progress}/status"' not in page
    assert f'action="/items/{in_progress}/comments"' not in page
    assert f'href="/items/{in_progress}/edit"' not in page


def test_unknown_status_value_is_refused(app, client, in_progress):
    client.login("kepala")
    response = client.submit(f"/items/{in_progress}/status", {"status": "selesai-banget", "version": 2},
                             token_from=f"/items/{in_progress}", follow_redirects=True)
    assert _back_on_the_item_page(response, in_progress)
    assert _status(app, in_progress)[0] == S.IN_PROGRESS


def test_next_redirect_after_quick_status_change(app, client, in_progress):
    client.login("anggota")
    response = client.submit(f"/items/{in_progress}/status", {
        "status": "terhambat", "version": 2, "note": "Menunggu data", "next": "/my"}, token_from=f"/items/{in_progress}")
    assert response.headers["Location"] == "/my"
    response = client.submit(f"/items/{in_progress}/status", {
        "status": "dikerjakan", "version": 3, "next": "https://evil.example/"}, token_from=f"/items/{in_progress}")
    assert response.headers["Location"] == f"/items/{in_progress}"

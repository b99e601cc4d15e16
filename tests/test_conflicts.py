"""No lost updates: a save from a stale form is refused with 409 and loses nothing."""
import pytest
from sqlalchemy import func, select, update

from tracker.extensions import db
from tracker.models import ActionItem, ItemHistory, Status, User
from tracker.services.errors import StaleVersion
from tracker.services.items import update_item


def _state(app, item_id):
    with app.app_context():
        item = db.session.get(ActionItem, item_id)
        history = db.session.scalar(select(func.count(ItemHistory.id)).where(ItemHistory.item_id == item_id))
        return {"title": item.title, "progress": item.progress, "status": item.status,
                "version": item.version, "history": history, "due": item.due_date}


def _edit_data(item, **overrides):
    data = {"title": item["title"], "webinar_id": 1, "owner_id": 3, "theme_id": "", "unit_id": "",
            "priority": "sedang", "due_date": item["due"].isoformat(), "progress": item["progress"],
            "evidence_url": "", "source": "", "description": "", "version": item["version"]}
    data.update(overrides)
    return data


def test_stale_edit_changes_nothing(app, client, users, sample):
    client.login("kepala")
    before = _state(app, sample["item1"])
    stale = _edit_data(before, title="Judul dari formulir lama", version=before["version"] - 1)
    response = client.submit(f"/items/{sample['item1']}/edit", stale, token_from="/items/new")
    assert response.status_code == 409
    assert _state(app, sample["item1"]) == before  # not the item, not its history


def test_conflict_page_shows_their_change_and_keeps_both(app, client, make_client, users, sample):
    item_id = sample["item1"]
    opened = _state(app, item_id)  # both people open the edit form at this version
    other = make_client()
    other.login("kepala")
    response = other.submit(f"/items/{item_id}/edit", _edit_data(opened, progress=70), token_from="/items/new")
    assert response.status_code == 302
    client.login("anggota")
    mine = _edit_data(opened, title="Kajian regulasi (revisi)")
    response = client.submit(f"/items/{item_id}/edit", mine, token_from="/items/new")
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Orang lain sudah menyimpan" in page
    assert "Kepala Uji" in page and "0% → 70%" in page  # what the other person did
    # The offered form holds their progress and my title, at the current version.
    assert 'value="Kajian regulasi (revisi)"' in page
    assert 'id="progress" name="progress" type="number" value="70"' in page or 'value="70"' in page
    current = _state(app, item_id)
    assert current["title"] == opened["title"] and current["progress"] == 70
    # Re-apply on top: both changes survive.
    response = client.submit(f"/items/{item_id}/edit", _edit_data(current, title="Kajian regulasi (revisi)"),
                             token_from="/items/new")
    assert response.status_code == 302
    final = _state(app, item_id)
    assert final["title"] == "Kajian regulasi (revisi)" and final["progress"] == 70


def edit_after_another(app, client, make_client, item_id):
    """Both open the edit form; kepala saves progress 80 first, then anggota saves 30 from the same form."""
    opened = _state(app, item_id)
    other = make_client()
    other.login("kepala")
    other.submit(f"/items/{item_id}/edit", _edit_data(opened, progress=80), token_from="/items/new")
    client.login("anggota")
    return client.submit(f"/items/{item_id}/edit", _edit_data(opened, progress=30), token_from="/items/new")


def test_conflicting_field_is_pointed_out(app, client, make_client, users, sample):
    item_id = sample["item1"]
    response = edit_after_another(app, client, make_client, item_id)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Anda dan pengguna lain sama-sama mengubah" in page
    assert "30%" in page and "80%" in page
    assert _state(app, item_id)["progress"] == 80


def test_stale_status_change_is_refused_then_reapplied(app, client, make_client, users, sample):
    item_id = sample["item1"]
    opened = _state(app, item_id)
    other = make_client()
    other.login("kepala")
    other.submit(f"/items/{item_id}/edit", _edit_data(opened, progress=50), token_from="/items/new")
    client.login("anggota")
    response = client.submit(f"/items/{item_id}/status", {
        "status": "terhambat", "note": "Menunggu data", "version": opened["version"]}, token_from="/items/new")
    assert response.status_code == 409
    assert "Perubahan status Anda belum disimpan" in response.get_data(as_text=True)
    after_refusal = _state(app, item_id)
    assert after_refusal["status"] == Status.IN_PROGRESS
    response = client.submit(f"/items/{item_id}/status", {
        "status": "terhambat", "note": "Menunggu data", "version": after_refusal["version"]}, token_from="/items/new")
    assert response.status_code == 302
    assert _state(app, item_id)["status"] == Status.BLOCKED


def test_version_column_closes_the_last_window(app, users, sample):
    """Two saves that both passed the form check: the database refuses the second one."""
    with app.app_context():
        db.session().expire_on_commit = False  # keep what this request read, as a slow request would
        item = db.session.get(ActionItem, sample["item1"])
        actor = db.session.get(User, users["kepala"])
        seen = item.version
        db.session.commit()  # end the read transaction
        # Another process saves in between (bumping the version) after our check would pass.
        with db.engine.begin() as other:
            other.execute(update(ActionItem).where(ActionItem.id == item.id)
                          .values(progress=99, version=ActionItem.version + 1))
        with pytest.raises(StaleVersion):
            update_item(item, actor, version=seen, progress=10)
        db.session.rollback()
        assert db.session.get(ActionItem, sample["item1"]).progress == 99

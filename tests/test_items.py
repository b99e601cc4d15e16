"""Creating and editing items, comments, extension requests and the history timeline."""
from datetime import timedelta

from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import ActionItem, ExtensionRequest, ExtensionState, HistoryKind, ItemHistory, Theme, User
from tracker.timeutil import local_today


def _form(webinar_id, owner_id, **overrides):
    data = {
        "title": "Menyusun peta jalan digitalisasi", "description": "Rincian", "webinar_id": webinar_id,
        "owner_id": owner_id, "theme_id": "", "unit_id": "", "priority": "tinggi",
        "due_date": (local_today() + timedelta(days=10)).isoformat(), "progress": "0",
        "evidence_url": "", "source": "Pj. Gubernur",
    }
    data.update(overrides)
    return data


def _item(app, item_id):
    with app.app_context():
        item = db.session.get(ActionItem, item_id)
        db.session.expunge(item)
        return item


def test_head_creates_items_with_consecutive_codes(app, client, users, sample):
    client.login("kepala")
    response = client.submit("/items/new", _form(sample["webinar"], users["anggota2"]), token_from="/items/new")
    assert response.status_code == 302
    with app.app_context():
        item = db.session.scalar(select(ActionItem).order_by(ActionItem.id.desc()))
        assert item.code == "S28-04"  # the sample already holds S28-01..03
        assert item.owner_id == users["anggota2"]
        kinds = db.session.scalars(select(ItemHistory.kind).where(ItemHistory.item_id == item.id)).all()
        assert kinds == [HistoryKind.CREATED]


def test_member_creates_an_item_owned_by_themself(app, client, users, sample):
    client.login("anggota")
    response = client.submit("/items/new", _form(sample["webinar"], users["anggota2"]), token_from="/items/new")
    assert response.status_code == 302
    with app.app_context():
        item = db.session.scalar(select(ActionItem).order_by(ActionItem.id.desc()))
        assert item.owner_id == users["anggota"]


def test_viewer_cannot_create_items(client, users, sample):
    client.login("pemantau")
    assert client.get("/items/new").status_code == 403


def test_new_item_with_bad_input_saves_nothing(app, client, users, sample):
    client.login("kepala")
    before = _count(app)
    bad = _form(sample["webinar"], users["anggota"], title="", progress="150", evidence_url="javascript:alert(1)")
    response = client.submit("/items/new", bad, token_from="/items/new")
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Progres berupa angka 0 sampai 100." in text
    assert _count(app) == before


def _count(app):
    with app.app_context():
        return db.session.scalar(select(func.count(ActionItem.id)))


def test_edit_records_each_change_with_old_and_new(app, client, users, sample):
    client.login("kepala")
    item = _item(app, sample["item1"])
    with app.app_context():
        theme = db.session.scalar(select(Theme).where(Theme.slug == "hukum"))
        theme_id = theme.id
    data = _form(sample["webinar"], users["anggota2"], title="Kajian regulasi daerah", theme_id=theme_id,
                 due_date=item.due_date.isoformat(), progress="40", version=item.version)
    response = client.submit(f"/items/{item.id}/edit", data, token_from=f"/items/{item.id}/edit")
    assert response.status_code == 302
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert "Kajian regulasi → Kajian regulasi daerah" in page
    assert "Anggota Uji → Anggota Dua" in page  # owner change shows names
    assert "Sistem perlindungan hukum" in page
    assert "0% → 40%" in page
    with app.app_context():
        kinds = db.session.scalars(select(ItemHistory.kind).where(ItemHistory.item_id == item.id)).all()
        assert HistoryKind.OWNER in kinds
        assert db.session.get(ActionItem, item.id).version == item.version + 1


def test_member_edits_own_item_but_not_others(app, client, users, sample):
    client.login("anggota")
    own = _item(app, sample["item1"])
    data = _form(sample["webinar"], users["anggota"], progress="55", due_date=own.due_date.isoformat(),
                 version=own.version, title=own.title)
    assert client.submit(f"/items/{own.id}/edit", data, token_from=f"/items/{own.id}/edit").status_code == 302
    assert _item(app, own.id).progress == 55
    assert client.get(f"/items/{sample['item2']}/edit").status_code == 403


def test_member_cannot_give_their_item_away(app, client, users, sample):
    client.login("anggota")
    own = _item(app, sample["item1"])
    data = _form(sample["webinar"], users["anggota2"], version=own.version, title=own.title,
                 due_date=own.due_date.isoformat())
    client.submit(f"/items/{own.id}/edit", data, token_from=f"/items/{own.id}/edit")
    assert _item(app, own.id).owner_id == users["anggota"]


def test_comment_appears_in_the_timeline(app, client, users, sample):
    client.login("anggota2")
    response = client.submit(f"/items/{sample['item1']}/comments", {"body": "Data dari BPKAD sudah masuk."},
                             token_from=f"/items/{sample['item1']}")
    assert response.status_code == 302
    page = client.get(f"/items/{sample['item1']}").get_data(as_text=True)
    assert "Data dari BPKAD sudah masuk." in page and "berkomentar" in page


def test_empty_comment_is_refused(app, client, users, sample):
    client.login("anggota")
    response = client.submit(f"/items/{sample['item1']}/comments", {"body": "  "}, token_from=f"/items/{sample['item1']}")
    assert response.status_code == 422
    assert "Komentar masih kosong." in response.get_data(as_text=True)


def test_extension_request_then_approval_moves_the_due_date(app, client, make_client, users, sample):
    item = _item(app, sample["item1"])
    new_date = item.due_date + timedelta(days=14)
    owner = make_client()
    owner.login("anggota")
    response = owner.submit(f"/items/{item.id}/extension", {"new_due_date": new_date.isoformat(),
                                                             "reason": "Menunggu data BPKAD"},
                            token_from=f"/items/{item.id}")
    assert response.status_code == 302
    with app.app_context():
        request_id = db.session.scalar(select(ExtensionRequest.id))
    client.login("kepala")
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert "Menunggu data BPKAD" in page
    response = client.submit(f"/items/{item.id}/extension/{request_id}", {"decision": "approve", "note": ""},
                             token_from=f"/items/{item.id}")
    assert response.status_code == 302
    assert _item(app, item.id).due_date == new_date
    with app.app_context():
        kinds = db.session.scalars(select(ItemHistory.kind).where(ItemHistory.item_id == item.id)).all()
        assert HistoryKind.EXTENSION_REQUESTED in kinds and HistoryKind.EXTENSION_APPROVED in kinds
        assert HistoryKind.DUE_DATE in kinds


def test_rejection_needs_a_note_and_keeps_the_date(app, client, make_client, users, sample):
    item = _item(app, sample["item1"])
    owner = make_client()
    owner.login("anggota")
    owner.submit(f"/items/{item.id}/extension", {
        "new_due_date": (item.due_date + timedelta(days=7)).isoformat(), "reason": "Butuh waktu"},
        token_from=f"/items/{item.id}")
    with app.app_context():
        request_id = db.session.scalar(select(ExtensionRequest.id))
    client.login("kepala")
    response = client.submit(f"/items/{item.id}/extension/{request_id}", {"decision": "reject", "note": ""},
                             token_from=f"/items/{item.id}")
    assert response.status_code == 422
    assert "Mohon jelaskan alasan usulan ditolak." in response.get_data(as_text=True)
    response = client.submit(f"/items/{item.id}/extension/{request_id}", {"decision": "reject",
                                                                          "note": "Tenggat tetap"},
                             token_from=f"/items/{item.id}")
    assert response.status_code == 302
    assert _item(app, item.id).due_date == item.due_date
    with app.app_context():
        assert db.session.get(ExtensionRequest, request_id).state == ExtensionState.REJECTED


def test_extension_rules(app, client, users, sample):
    item = _item(app, sample["item1"])
    client.login("anggota")
    url = f"/items/{item.id}/extension"
    past = client.submit(url, {"new_due_date": (local_today() - timedelta(days=1)).isoformat(), "reason": "x"},
                         token_from=f"/items/{item.id}")
    assert past.status_code == 422 and "tidak boleh di masa lalu" in past.get_data(as_text=True)
    no_reason = client.submit(url, {"new_due_date": (item.due_date + timedelta(days=3)).isoformat(), "reason": ""},
                              token_from=f"/items/{item.id}")
    assert no_reason.status_code == 422
    other = client.submit(f"/items/{sample['item2']}/extension",
                          {"new_due_date": (local_today() + timedelta(days=30)).isoformat(), "reason": "x"},
                          token_from=f"/items/{item.id}")
    assert other.status_code == 403  # not the owner
    with app.app_context():
        assert db.session.scalar(select(func.count(ExtensionRequest.id))) == 0


def test_unknown_item_is_404(client, users):
    client.login("kepala")
    assert client.get("/items/99999").status_code == 404


def test_history_is_append_only(app, users, sample):
    import pytest

    from tracker.models import AppendOnlyError

    with app.app_context():
        entry = db.session.scalar(select(ItemHistory))
        entry.note = "rewritten"
        with pytest.raises(AppendOnlyError):
            db.session.flush()
        db.session.rollback()
        entry = db.session.scalar(select(ItemHistory))
        db.session.delete(entry)
        with pytest.raises(AppendOnlyError):
            db.session.flush()


def test_detail_query_count_does_not_grow_with_history(app, client, users, sample, count_queries):
    client.login("anggota")
    url = f"/items/{sample['item1']}"
    client.get(url)
    with count_queries() as small:
        assert client.get(url).status_code == 200
    with app.app_context():
        item = db.session.get(ActionItem, sample["item1"])
        anggota2 = db.session.get(User, users["anggota2"])
        from tracker.services.items import add_comment
        for number in range(40):
            add_comment(item, anggota2, f"Komentar {number}")
        db.session.commit()
    with count_queries() as large:
        page = client.get(url)
    assert "Komentar 39" in page.get_data(as_text=True)
    assert len(large) == len(small)
    assert len(small) <= 7  # six for the page, one for the unread notifications badge


def test_long_history_shows_the_newest_entries_and_all_on_request(app, client, users, sample):
    from tracker.services.history import TIMELINE_LIMIT
    from tracker.services.items import add_comment

    with app.app_context():
        item = db.session.get(ActionItem, sample["item1"])
        anggota2 = db.session.get(User, users["anggota2"])
        for number in range(TIMELINE_LIMIT + 5):
            add_comment(item, anggota2, f"Komentar nomor {number}")
        db.session.commit()
        actor = anggota2.full_name
    client.login("anggota")
    url = f"/items/{sample['item1']}"
    text = client.get(url).get_data(as_text=True)
    newest = TIMELINE_LIMIT + 4
    assert f"Komentar nomor {newest}" in text and f"Komentar nomor {newest - TIMELINE_LIMIT + 1}" in text
    assert f"Komentar nomor {newest - TIMELINE_LIMIT}<" not in text and "Komentar nomor 0<" not in text
    assert text.index(f"Komentar nomor {newest}") < text.index(f"Komentar nomor {newest - 1}")  # newest first
    assert f"<strong>{actor}</strong> berkomentar" in text
    assert "Tampilkan seluruh riwayat" in text
    everything = client.get(url + "?history=all").get_data(as_text=True)
    assert "Komentar nomor 0<" in everything and "membuat tindak lanjut" in everything
    assert "Tampilkan seluruh riwayat" not in everything

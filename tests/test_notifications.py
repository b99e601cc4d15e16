"""In-app notifications: who hears of which change (never the actor), the inbox and its badge, @mentions."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from tests.conftest import Client, get_user
from tracker.extensions import db
from tracker.models import ActionItem, ExtensionRequest, Notification, User
from tracker.services.deadline_extensions import request_extension


@pytest.fixture()
def quiet(app, sample):
    """The sample without the notifications its setup made (the system assigned its items)."""
    with app.app_context():
        db.session.execute(delete(Notification))
        db.session.commit()
    return sample


def _inbox(app, username: str) -> list[tuple[str, str | None, int, str | None]]:
    """(kind, actor username, item id, detail) of a person's notifications, oldest first."""
    with app.app_context():
        rows = db.session.scalars(select(Notification).join(User, Notification.user_id == User.id)
                                  .where(User.username == username).order_by(Notification.id)).all()
        return [(n.kind.value, n.actor.username if n.actor else None, n.item_id, n.detail) for n in rows]


def _version(app, item_id: int) -> int:
    with app.app_context():
        return db.session.get(ActionItem, item_id).version


def _everyone(app) -> dict[str, list]:
    return {name: _inbox(app, name) for name in ("admin", "kepala", "anggota", "anggota2", "pemantau")}


def test_a_status_change_reaches_owner_and_supporters_but_not_the_actor(app, client, quiet):
    item = quiet["item1"]  # owned by anggota, supported by anggota2
    client.login("anggota")
    response = client.submit(f"/items/{item}/status", {"status": "terhambat", "note": "Menunggu data",
                                                       "version": _version(app, item)})
    assert response.status_code == 302
    inboxes = _everyone(app)
    assert inboxes["anggota"] == []
    assert inboxes["anggota2"] == [("status", "anggota", item, "terhambat")]
    assert inboxes["kepala"] == inboxes["admin"] == inboxes["pemantau"] == []


def test_a_done_item_asks_the_heads_who_may_verify_it(app, client, quiet):
    item = quiet["item1"]
    client.login("anggota")
    client.submit(f"/items/{item}/status", {"status": "selesai", "note": "Laporan sudah diunggah",
                                            "version": _version(app, item)})
    inboxes = _everyone(app)
    assert inboxes["kepala"] == [("verify", "anggota", item, None)]
    assert inboxes["admin"] == []  # a head may verify it: the administrators are not asked
    assert inboxes["anggota2"] == [("status", "anggota", item, "selesai")]


def test_assigning_and_adding_supporters_notify_the_new_people_only(app, client, quiet, users):
    item = quiet["item2"]  # owned by anggota2
    client.login("kepala")
    with app.app_context():
        current = db.session.get(ActionItem, item)
        form = {"title": current.title, "webinar_id": current.webinar_id, "priority": "sedang", "progress": "0",
                "version": current.version, "owner_id": users["anggota"], "supporter_ids": [users["anggota2"]],
                "due_date": (current.due_date + timedelta(days=7)).isoformat()}
    assert client.submit(f"/items/{item}/edit", form).status_code == 302
    inboxes = _everyone(app)
    assert [entry[:3] for entry in inboxes["anggota"]] == [("assigned", "kepala", item), ("due_date", "kepala", item)]
    assert [entry[:3] for entry in inboxes["anggota2"]] == [("supporter", "kepala", item), ("due_date", "kepala", item)]
    assert inboxes["kepala"] == []


def test_a_head_creating_an_item_for_a_member_tells_them(app, client, quiet, users):
    client.login("kepala")
    response = client.submit("/items/new", {"title": "Susun SOP", "webinar_id": quiet["webinar"], "priority": "sedang",
                                            "progress": "0", "owner_id": users["anggota2"]})
    assert response.status_code == 302
    [(kind, actor, _item, _detail)] = _inbox(app, "anggota2")
    assert (kind, actor) == ("assigned", "kepala")
    client.logout()
    client.login("anggota")
    client.submit("/items/new", {"title": "Milik sendiri", "webinar_id": quiet["webinar"], "priority": "sedang",
                                 "progress": "0"})
    assert _inbox(app, "anggota") == []  # their own item: nobody to tell


def test_bulk_entry_owners_hear_of_their_items(app, client, quiet):
    client.login("kepala")
    response = client.submit(f"/webinars/{quiet['webinar']}/bulk", {"lines": "Rapat koordinasi @anggota2\nLagi @anggota2",
                                                                     "action": "save"})
    assert response.status_code == 302
    assert [entry[:2] for entry in _inbox(app, "anggota2")] == [("assigned", "kepala")] * 2


def test_mentions_notify_and_link_unknown_names_stay_text(app, client, quiet, users):
    item = quiet["item1"]
    client.login("anggota2")
    body = "Mohon @kepala dan @Anggota cek; @tidakada juga. Email a@kepala.go.id"
    assert client.submit(f"/items/{item}/comments", {"body": body}).status_code == 302
    inboxes = _everyone(app)
    assert inboxes["kepala"] == [("mention", "anggota2", item, None)]
    assert inboxes["anggota"] == [("mention", "anggota2", item, None)]  # the owner is named: one notification
    assert inboxes["anggota2"] == [] and inboxes["admin"] == []
    page = client.get(f"/items/{item}").get_data(as_text=True)
    assert f'<a class="mention" href="/items?owner={users["kepala"]}" title="Kepala Uji">@kepala</a>' in page
    assert f'href="/items?owner={users["anggota"]}" title="Anggota Uji">@Anggota</a>' in page
    assert "@tidakada juga" in page and 'a@kepala.go.id' in page and "mailto:" not in page


def test_a_comment_without_mentions_reaches_the_items_people(app, client, quiet):
    item = quiet["item1"]
    client.login("kepala")
    client.submit(f"/items/{item}/comments", {"body": "Bagus, lanjutkan."})
    assert _inbox(app, "anggota") == [("comment", "kepala", item, None)]
    assert _inbox(app, "anggota2") == [("comment", "kepala", item, None)]


def test_comment_links_are_safe_and_scripts_stay_text(app, client, quiet):
    item = quiet["item1"]
    client.login("anggota")
    body = ('Lihat https://sulbarprov.go.id/laporan?a=1&b=2 dan www.bpsdm.sulbarprov.go.id. '
            '<script>alert(1)</script> javascript:alert(2) <a href="javascript:alert(3)">x</a>')
    client.submit(f"/items/{item}/comments", {"body": body})
    page = client.get(f"/items/{item}").get_data(as_text=True)
    assert ('<a href="https://sulbarprov.go.id/laporan?a=1&amp;b=2" rel="noopener noreferrer">'
            'https://sulbarprov.go.id/laporan?a=1&amp;b=2</a>') in page
    assert '<a href="http://www.bpsdm.sulbarprov.go.id" rel="noopener noreferrer">' in page
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="javascript:' not in page and "javascript:alert(2)" in page


def test_extension_decision_reaches_the_requester(app, client, quiet):
    item = quiet["item1"]
    with app.app_context():
        found = db.session.get(ActionItem, item)
        request_extension(found, get_user("anggota"), found.due_date + timedelta(days=10), "Data belum ada")
        db.session.commit()
        request_id = db.session.scalar(select(ExtensionRequest.id))
    client.login("kepala")
    response = client.submit(f"/items/{item}/extension/{request_id}", {"decision": "approve", "note": ""})
    assert response.status_code == 302
    assert [entry[:2] + entry[3:] for entry in _inbox(app, "anggota")] == [("extension", "kepala", "approved")]
    assert [entry[0] for entry in _inbox(app, "anggota2")] == ["due_date"]


def test_the_inbox_badge_and_marking_read(app, client, make_client, quiet):
    item = quiet["item1"]
    head = make_client()
    head.login("kepala")
    head.submit(f"/items/{item}/comments", {"body": "Satu"})
    head.submit(f"/items/{item}/comments", {"body": "Dua @anggota"})
    client.login("anggota")
    page = client.get("/webinars").get_data(as_text=True)
    assert re.search(r'href="/notifications">Notifikasi\s*<span class="badge[^"]*">2<', page), page
    inbox = client.get("/notifications").get_data(as_text=True)
    ids = [int(found) for found in re.findall(r'id="notification-(\d+)"', inbox)]
    assert len(ids) == 2 and ids == sorted(ids, reverse=True)  # newest first
    assert "Kepala Uji menyebut Anda dalam komentar pada S28-01" in inbox
    opened = client.submit(f"/notifications/{ids[0]}/read", {"open": "1"})
    assert opened.status_code == 302 and opened.headers["Location"] == f"/items/{item}"
    page = client.get("/webinars").get_data(as_text=True)
    assert re.search(r'href="/notifications">Notifikasi\s*<span class="badge[^"]*">1<', page)
    assert client.submit("/notifications/read-all").status_code == 302
    page = client.get("/webinars").get_data(as_text=True)
    assert 'href="/notifications">Notifikasi</a>' in page  # no badge
    with app.app_context():
        assert db.session.scalar(select(Notification.id).where(Notification.read_at.is_(None),
                                                               Notification.id.in_(ids))) is None
        assert db.session.scalar(select(Notification.id).where(Notification.read_at.is_(None))) is not None  # anggota2's


def test_nobody_reads_another_persons_notification(app, client, make_client, quiet):
    head = make_client()
    head.login("kepala")
    head.submit(f"/items/{quiet['item1']}/comments", {"body": "Untuk anggota"})
    [theirs] = [n for n in _notification_ids(app, "anggota")]
    client.login("anggota2")
    client.get("/notifications")
    assert client.submit(f"/notifications/{theirs}/read").status_code == 404
    with app.app_context():
        assert db.session.get(Notification, theirs).read_at is None


def _notification_ids(app, username):
    with app.app_context():
        return db.session.scalars(select(Notification.id).join(User, Notification.user_id == User.id)
                                  .where(User.username == username)).all()


def test_the_badge_costs_one_count_query_per_page(app, client, quiet, count_queries):
    client.login("anggota")
    client.get("/webinars")
    with count_queries() as statements:
        client.get("/webinars")
    notification_queries = [s for s in statements if "notifications" in s]
    assert len(notification_queries) == 1 and "count(" in notification_queries[0].lower()


def test_the_inbox_comes_in_pages(app, client, quiet, monkeypatch):
    monkeypatch.setattr("tracker.services.inbox.PAGE_SIZE", 2)
    head = Client(app.test_client())
    head.login("kepala")
    for number in range(5):
        head.submit(f"/items/{quiet['item1']}/comments", {"body": f"Komentar {number}"})
    client.login("anggota")
    seen, url = [], "/notifications"
    while url:
        page = client.get(url).get_data(as_text=True)
        seen += [int(found) for found in re.findall(r'id="notification-(\d+)"', page)]
        more = re.search(r'href="(/notifications\?before=\d+)"', page)
        url = more.group(1) if more else None
    assert seen == sorted(_notification_ids(app, "anggota"), reverse=True) and len(seen) == 5
    assert client.get("/notifications?before=abc").status_code == 200


def test_the_inbox_runs_the_same_queries_whatever_its_length(app, client, quiet, count_queries):
    head = Client(app.test_client())
    head.login("kepala")
    head.submit(f"/items/{quiet['item1']}/comments", {"body": "Satu @anggota"})
    client.login("anggota")
    client.get("/notifications")
    with count_queries() as small:
        client.get("/notifications")
    for number in range(30):
        head.submit(f"/items/{quiet['item2' if number % 2 else 'item3']}/comments", {"body": f"Lagi @anggota {number}"})
    with count_queries() as large:
        page = client.get("/notifications").get_data(as_text=True)
    assert page.count('id="notification-') == 31
    assert len(small) == len(large)

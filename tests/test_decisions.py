"""The decision queue (perlu keputusan): what waits for a head, oldest first, decided right there."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from tests.conftest import add_item, add_webinar, get_user
from tracker.extensions import db
from tracker.models import ActionItem, ExtensionRequest, ExtensionState, ItemHistory, Status, utcnow
from tracker.services.deadline_extensions import request_extension
from tracker.timeutil import local_today


@pytest.fixture()
def queue(app, users):
    """Seri 28: three done items (completed 3, 1 and 2 days ago), an open item, two pending requests."""
    now, today = utcnow(), local_today()
    with app.app_context():
        anggota, anggota2 = get_user("anggota"), get_user("anggota2")
        webinar = add_webinar()
        oldest = add_item(webinar, anggota, status=Status.DONE, title="Pola karier ASN",
                          evidence_url="https://sulbarprov.go.id/bukti/pola-karier")
        newest = add_item(webinar, anggota2, status=Status.DONE, title="Kajian kelembagaan")
        middle = add_item(webinar, anggota, status=Status.DONE, title="Regulasi kerja hibrida")
        oldest.completed_at, oldest.status_note = now - timedelta(days=3), "Laporan sudah diunggah"
        newest.completed_at, middle.completed_at = now - timedelta(days=1), now - timedelta(days=2)
        working = add_item(webinar, anggota, status=Status.IN_PROGRESS, title="Masih dikerjakan",
                           due_date=today + timedelta(days=10))
        late = add_item(webinar, anggota2, status=Status.IN_PROGRESS, title="Pelatihan agile",
                        due_date=today + timedelta(days=5))
        recent = request_extension(working, anggota, today + timedelta(days=30), "Menunggu data dari BKD")
        early = request_extension(late, anggota2, today + timedelta(days=20), "Anggaran belum turun")
        recent.created_at, early.created_at = now - timedelta(hours=5), now - timedelta(hours=30)
        db.session.commit()
        return {"oldest": oldest.id, "middle": middle.id, "newest": newest.id, "working": working.id,
                "late": late.id, "recent": recent.id, "early": early.id,
                "codes": {name: item.code for name, item in
                          (("oldest", oldest), ("middle", middle), ("newest", newest), ("working", working),
                           ("late", late))}}


def _item(app, item_id):
    with app.app_context():
        item = db.session.get(ActionItem, item_id)
        history = db.session.scalar(select(func.count(ItemHistory.id)).where(ItemHistory.item_id == item_id))
        return {"status": item.status, "version": item.version, "note": item.status_note, "due": item.due_date,
                "verified_by": item.verified_by_id, "completed_at": item.completed_at, "history": history}


def _request(app, request_id):
    with app.app_context():
        extension = db.session.get(ExtensionRequest, request_id)
        state = {"state": extension.state, "note": extension.decision_note, "decided_by": extension.decided_by_id}
        item_id = extension.item_id
    return {**state, "item": _item(app, item_id)}


def _page(client) -> str:
    response = client.get("/decisions")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_done_items_and_requests_are_listed_longest_waiting_first(client, queue):
    client.login("kepala")
    page = _page(client)
    codes = queue["codes"]
    positions = [page.index(f"item-{queue[name]}-title") for name in ("oldest", "middle", "newest")]
    assert positions == sorted(positions)
    assert page.index(f"request-{queue['early']}-title") < page.index(f"request-{queue['recent']}-title")
    assert f'id="item-{queue["working"]}' not in page  # open items do not wait for verification
    assert "Perlu keputusan" in page and codes["oldest"] in page


def test_what_a_head_decides_on_is_shown_right_there(client, queue):
    client.login("kepala")
    page = _page(client)
    done = page[page.index(f'id="item-{queue["oldest"]}"'):page.index(f'id="item-{queue["newest"]}"')]
    assert queue["codes"]["oldest"] in done and "Pola karier ASN" in done
    assert "Anggota Uji" in done and "Seri 28: Transformasi Agile Government" in done
    assert "Laporan sudah diunggah" in done  # the completion note
    assert 'href="https://sulbarprov.go.id/bukti/pola-karier"' in done  # the evidence link
    assert "WITA" in done  # since when it waits, in local time
    request = page[page.index(f'id="request-{queue["early"]}"'):page.index(f'id="request-{queue["recent"]}"')]
    assert "Pelatihan agile" in request and "Anggota Dua" in request and "Anggaran belum turun" in request
    old, new = local_today() + timedelta(days=5), local_today() + timedelta(days=20)
    with client.application.test_request_context():
        from tracker.i18n import show_date
        assert f"dari {show_date(old)} menjadi {show_date(new)}" in request
    assert request.count('name="version"') == 1


def _version(app, item_id):
    return _item(app, item_id)["version"]


def test_verify_from_the_queue(app, client, queue):
    client.login("kepala")
    item_id = queue["oldest"]
    response = client.submit(f"/decisions/items/{item_id}", {"action": "verify", "version": _version(app, item_id)},
                             token_from="/decisions")
    assert response.status_code == 302 and response.headers["Location"] == "/decisions"
    after = _item(app, item_id)
    assert after["status"] == Status.VERIFIED and after["verified_by"] == get_id(app, "kepala")
    page = client.get("/decisions").get_data(as_text=True)
    assert f"{queue['codes']['oldest']} telah diverifikasi." in page
    assert f'id="item-{item_id}"' not in page


def get_id(app, username):
    with app.app_context():
        return get_user(username).id


def test_reopen_needs_a_note_and_then_goes_back_to_in_progress(app, client, queue):
    client.login("admin")
    item_id = queue["middle"]
    before = _item(app, item_id)
    response = client.submit(f"/decisions/items/{item_id}", {"action": "reopen", "note": "  ",
                                                             "version": before["version"]}, token_from="/decisions")
    assert response.status_code == 422
    assert "Mohon isi alasan tindak lanjut dibuka kembali." in response.get_data(as_text=True)
    assert _item(app, item_id) == before
    response = client.submit(f"/decisions/items/{item_id}", {"action": "reopen", "note": "Lampirkan SK Gubernur",
                                                             "version": before["version"]}, token_from="/decisions")
    assert response.status_code == 302
    after = _item(app, item_id)
    assert after["status"] == Status.IN_PROGRESS and after["note"] == "Lampirkan SK Gubernur"
    assert after["completed_at"] is None and after["history"] > before["history"]
    assert "dibuka kembali: Dikerjakan." in client.get("/decisions").get_data(as_text=True)


def test_approve_moves_the_due_date(app, client, queue):
    client.login("kepala")
    version = _version(app, queue["late"])
    response = client.submit(f"/decisions/requests/{queue['early']}", {"decision": "approve", "version": version},
                             token_from="/decisions")
    assert response.status_code == 302
    after = _request(app, queue["early"])
    assert after["state"] == ExtensionState.APPROVED and after["item"]["due"] == local_today() + timedelta(days=20)
    assert f"Tenggat baru {queue['codes']['late']} disetujui." in client.get("/decisions").get_data(as_text=True)


def test_reject_needs_a_note(app, client, queue):
    client.login("kepala")
    before = _request(app, queue["recent"])
    data = {"decision": "reject", "note": "", "version": before["item"]["version"]}
    response = client.submit(f"/decisions/requests/{queue['recent']}", data, token_from="/decisions")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Mohon jelaskan alasan usulan ditolak." in page
    assert f'id="request-note-{queue["recent"]}-error"' in page  # next to the request it is about
    assert _request(app, queue["recent"]) == before
    data["note"] = "Data BKD sudah tersedia"
    response = client.submit(f"/decisions/requests/{queue['recent']}", data, token_from="/decisions")
    assert response.status_code == 302
    after = _request(app, queue["recent"])
    assert after["state"] == ExtensionState.REJECTED and after["note"] == "Data BKD sudah tersedia"
    assert after["item"]["due"] == before["item"]["due"]


def test_a_stale_verify_changes_nothing_and_shows_what_changed(app, client, make_client, queue):
    item_id = queue["oldest"]
    opened = _version(app, item_id)  # the head opens the queue at this version
    owner = make_client()
    owner.login("anggota")
    response = owner.submit(f"/items/{item_id}/edit", {
        "title": "Pola karier ASN (revisi)", "webinar_id": 1, "priority": "sedang", "progress": "100",
        "evidence_url": "https://sulbarprov.go.id/bukti/pola-karier", "version": opened})
    assert response.status_code == 302
    before = _item(app, item_id)
    client.login("kepala")
    response = client.submit(f"/decisions/items/{item_id}", {"action": "verify", "version": opened},
                             token_from="/decisions")
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Orang lain sudah menyimpan" in page and "Anggota Uji" in page  # who changed it, and what
    assert 'name="next" value="/decisions"' in page  # applying it anyway comes back to the queue
    assert _item(app, item_id) == before


def test_a_stale_extension_decision_changes_nothing(app, client, make_client, queue):
    opened = _version(app, queue["working"])
    other = make_client()
    other.login("admin")
    other.submit(f"/items/{queue['working']}/comments", {"body": "Sudah dicek"})  # not a change: no conflict
    other.submit(f"/items/{queue['working']}/status", {"status": "terhambat", "note": "Menunggu BKD",
                                                        "version": opened})
    before = _request(app, queue["recent"])
    assert before["item"]["version"] != opened
    client.login("kepala")
    response = client.submit(f"/decisions/requests/{queue['recent']}", {"decision": "approve", "version": opened},
                             token_from="/decisions")
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Keputusan Anda belum disimpan" in page and "Admin Uji" in page
    assert _request(app, queue["recent"]) == before
    # Applied again on the current version, it goes through.
    applied = re.search(r'name="version" value="(\d+)"', page).group(1)
    response = client.submit(f"/decisions/requests/{queue['recent']}", {"decision": "approve", "version": applied},
                             token_from="/decisions")
    assert response.status_code == 302 and _request(app, queue["recent"])["state"] == ExtensionState.APPROVED


@pytest.mark.parametrize("username", ["anggota", "anggota2", "pemantau"])
def test_members_and_viewers_are_refused_and_change_nothing(app, client, queue, username):
    client.login(username)
    assert client.get("/decisions").status_code == 403
    items, requests = _item(app, queue["oldest"]), _request(app, queue["early"])
    for url, data in ((f"/decisions/items/{queue['oldest']}", {"action": "verify", "version": items["version"]}),
                      (f"/decisions/requests/{queue['early']}",
                       {"decision": "approve", "version": requests["item"]["version"]})):
        assert client.submit(url, data).status_code == 403
    assert _item(app, queue["oldest"]) == items and _request(app, queue["early"]) == requests


def test_a_decision_without_this_sessions_csrf_token_is_refused(app, client, queue):
    client.login("kepala")
    before = _item(app, queue["oldest"])
    for token in (None, "tidak-sah"):
        data = {"action": "verify", "version": before["version"], **({"csrf_token": token} if token else {})}
        assert client.post(f"/decisions/items/{queue['oldest']}", data=data).status_code == 400
    assert _item(app, queue["oldest"]) == before


def test_a_decision_on_an_item_no_longer_waiting_is_explained(app, client, queue):
    client.login("kepala")
    before = _item(app, queue["working"])
    response = client.submit(f"/decisions/items/{queue['working']}", {"action": "verify",
                                                                      "version": before["version"]})
    assert response.status_code == 422
    assert "sudah tidak menunggu verifikasi" in response.get_data(as_text=True)
    assert _item(app, queue["working"]) == before


def test_an_item_the_head_may_not_verify_shows_why_and_no_verify_button(app, client, queue):
    """Four eyes (models/rules.may_verify): a head never verifies an item they own."""
    with app.app_context():
        item = db.session.get(ActionItem, queue["middle"])
        item.owner = get_user("kepala")
        db.session.commit()
    client.login("kepala")
    page = _page(client)
    card = page[page.index(f'id="item-{queue["middle"]}"'):page.index(f'id="item-{queue["newest"]}"')]
    assert "Anda penanggung jawab tindak lanjut ini" in card
    assert 'value="verify"' not in card and 'value="reopen"' in card
    other = page[page.index(f'id="item-{queue["newest"]}"'):]
    assert 'value="verify"' in other
    before = _item(app, queue["middle"])
    response = client.submit(f"/decisions/items/{queue['middle']}", {"action": "verify", "version": before["version"]})
    assert response.status_code == 403 and _item(app, queue["middle"]) == before


def test_the_badge_counts_what_waits_for_heads_and_admins(app, client, queue, count_queries):
    for username in ("kepala", "admin"):
        client.login(username)
        page = client.get("/webinars").get_data(as_text=True)
        badge = re.search(r'href="/decisions">Perlu keputusan\s*<span class="badge[^"]*">(\d+)<', page)
        assert badge and badge.group(1) == "5", page  # three done items and two requests
        client.logout()
    client.login("kepala")
    client.submit(f"/decisions/items/{queue['oldest']}", {"action": "verify", "version": _version(app, queue["oldest"])})
    page = client.get("/webinars").get_data(as_text=True)
    assert re.search(r'Perlu keputusan\s*<span class="badge[^"]*">4<', page)


def test_members_and_viewers_have_no_badge_and_pay_no_query_for_it(app, client, queue, count_queries):
    for username in ("anggota", "pemantau"):
        client.login(username)
        client.get("/webinars")
        with count_queries() as statements:
            page = client.get("/webinars").get_data(as_text=True)
        assert "Perlu keputusan" not in page and 'href="/decisions"' not in page
        assert not [s for s in statements if "item_tallies" in s or "extension_requests" in s], statements
        client.logout()


def _ids_on(page: str, kind: str) -> list[int]:
    return [int(found) for found in re.findall(rf'<article class="card mb-3" id="{kind}-(\d+)"', page)]


def test_a_long_queue_comes_in_pages_without_gaps(app, client, queue, monkeypatch):
    monkeypatch.setattr("tracker.services.decisions.QUEUE_LIMIT", 2)
    with app.app_context():
        webinar, owner = add_webinar(29, "Seri berikutnya"), get_user("anggota")
        for number in range(3):  # the same completion time for all three: the id breaks the tie
            add_item(webinar, owner, status=Status.DONE, title=f"Serentak {number}").completed_at = utcnow()
        db.session.commit()
        expected = db.session.scalars(select(ActionItem.id).where(ActionItem.status == Status.DONE)
                                      .order_by(ActionItem.completed_at, ActionItem.id)).all()
    client.login("kepala")
    seen, url = [], "/decisions"
    while url:
        page = client.get(url).get_data(as_text=True)
        shown = _ids_on(page, "item")
        assert 1 <= len(shown) <= 2 and _ids_on(page, "request") == [queue["early"], queue["recent"]]
        seen += shown
        more = re.search(r'href="(/decisions\?items_after=[^"]+)">Berikutnya', page)
        url = more.group(1).replace("&amp;", "&") if more else None
    assert seen == expected and len(seen) == 6
    assert "Kembali ke yang paling lama menunggu" in page and "Ditampilkan 2 dari 6 yang menunggu." in page
    assert client.get("/decisions?items_after=bukan-kursor&requests_after=~~").status_code == 200


def test_the_page_runs_the_same_queries_whatever_the_size_and_none_while_rendering(app, client, queue,
                                                                                    count_queries):
    from flask import before_render_template, template_rendered

    client.login("kepala")
    client.get("/decisions")
    with count_queries() as small:
        assert client.get("/decisions").status_code == 200
    with app.app_context():
        webinar, owner = add_webinar(30, "Seri besar"), get_user("anggota")
        for number in range(60):
            item = add_item(webinar, owner, status=Status.IN_PROGRESS, title=f"Besar {number}",
                            due_date=local_today() + timedelta(days=3))
            if number % 2:
                item.status, item.completed_at = Status.DONE, utcnow()
            else:
                request_extension(item, owner, local_today() + timedelta(days=40), "Perlu waktu")
        db.session.commit()
    rendering, during = [0], []

    def started(sender, **extra):
        rendering[0] += 1

    def finished(sender, **extra):
        rendering[0] -= 1

    def statement(conn, cursor, sql, *args):
        if rendering[0]:
            during.append(sql)

    with app.app_context():
        engine = db.engine
    before_render_template.connect(started, app)
    template_rendered.connect(finished, app)
    event.listen(engine, "before_cursor_execute", statement)
    try:
        with count_queries() as large:
            page = client.get("/decisions").get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        template_rendered.disconnect(finished, app)
        before_render_template.disconnect(started, app)
    assert len(_ids_on(page, "item")) == 33 and len(_ids_on(page, "request")) == 32
    # the user, both counts (one query), the unread notifications, the done items, their supporters, their
    # evidence files, the requests
    assert len(small) == len(large) == 7, large
    assert during == []


def test_queue_pages_and_counts_are_read_from_indexes(migrated_sqlite):
    from tracker.services import decisions

    statements = []

    def capture(conn, cursor, sql, parameters, *args):
        if sql.lstrip().upper().startswith("SELECT"):
            statements.append((sql, parameters))

    cursor = decisions.cursor_of(utcnow(), 1234)
    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        decisions.queue_items(), decisions.queue_items(cursor)
        decisions.queue_requests(), decisions.queue_requests(cursor)
        decisions.waiting_counts()
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    plans = [" | ".join(row[-1] for row in db.session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}",
                                                                                   parameters))
             for sql, parameters in statements]
    items_first, items_next, requests_first, requests_next, counts = plans
    for plan in (items_first, items_next):
        assert "ix_action_items_status_completed" in plan and "TEMP B-TREE" not in plan, plan
    for plan in (requests_first, requests_next):
        assert "ix_extension_requests_state_created" in plan and "TEMP B-TREE" not in plan, plan
    assert "SCAN" not in counts.replace("SCAN CONSTANT ROW", ""), counts

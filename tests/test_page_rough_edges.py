"""Rough edges of the pages: refused forms, duplicate ids, confirm steps, conflict notes, bulk lines."""
from collections import Counter
from datetime import timedelta
from html.parser import HTMLParser

from tracker.extensions import db
from tracker.models import ActionItem, Status, User
from tracker.services.deadline_extensions import request_extension
from tracker.timeutil import local_today

BLOCKED_REASON = "Mohon isi alasannya."


class _Page(HTMLParser):
    """The ids of a page, and for each form (by action) whether its submit buttons sit inside a <details>."""

    def __init__(self, html: str):
        super().__init__()
        self.ids, self.details, self.form = [], 0, None
        self.submits: dict[str, list[bool]] = {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "details":
            self.details += 1
        elif tag == "form":
            self.form = attrs.get("action")
        elif tag == "button" and self.form and attrs.get("type", "submit") == "submit":
            self.submits.setdefault(self.form, []).append(self.details > 0)

    def handle_endtag(self, tag):
        if tag == "details":
            self.details -= 1
        elif tag == "form":
            self.form = None


def _status(app, item_id):
    with app.app_context():
        item = db.session.get(ActionItem, item_id)
        return item.status, item.version


def test_item_page_has_no_duplicate_ids(app, client, users, sample):
    """Every form on the page (status, extension decision, delete, comment, evidence) keeps ids unique."""
    with app.app_context():
        item = db.session.get(ActionItem, sample["item1"])
        request_extension(item, db.session.get(User, users["anggota"]), local_today() + timedelta(days=30),
                          "Menunggu data BKD")
        db.session.commit()
    for username in ("kepala", "anggota", "admin"):
        client.login(username)
        page = _Page(client.get(f"/items/{sample['item1']}").get_data(as_text=True))
        duplicates = [name for name, count in Counter(page.ids).items() if count > 1]
        assert duplicates == [], (username, duplicates)
        assert len(page.submits) >= 3  # several forms were checked, not an empty page
        client.logout()


def test_refused_status_form_redirects_and_keeps_what_was_typed(app, client, users, sample):
    item_id = sample["item1"]
    before = _status(app, item_id)
    client.login("anggota")
    response = client.submit(f"/items/{item_id}/status", {
        "status": "selesai", "version": before[1], "note": " ", "evidence_url": "bukan tautan"},
        token_from=f"/items/{item_id}")
    assert response.status_code == 302  # post/redirect/get: a refresh cannot post the form again
    assert response.headers["Location"] == f"/items/{item_id}#status-heading"
    page = client.get(f"/items/{item_id}").get_data(as_text=True)
    assert page.count("http:// atau https://") == 1  # under the field only, not again in a banner
    assert 'value="bukan tautan"' in page  # what the user typed is still in the form
    assert _status(app, item_id) == before
    again = client.get(f"/items/{item_id}").get_data(as_text=True)
    assert 'value="bukan tautan"' not in again  # shown once, then the form is fresh


def test_blocked_without_reason_message_is_not_repeated(app, client, users, sample):
    item_id = sample["item1"]
    with app.app_context():
        db.session.get(ActionItem, item_id).status = Status.IN_PROGRESS
        db.session.commit()
    client.login("anggota")
    response = client.submit(f"/items/{item_id}/status", {
        "status": "terhambat", "version": _status(app, item_id)[1], "note": ""},
        token_from=f"/items/{item_id}", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert page.count(BLOCKED_REASON) == 1
    assert "is-invalid" in page  # under the note field, where it belongs


def test_refused_quick_change_goes_back_to_my_tasks(app, client, users, sample):
    item_id = sample["item1"]
    before = _status(app, item_id)
    client.login("anggota")
    response = client.submit(f"/items/{item_id}/status", {
        "status": "terhambat", "version": before[1], "note": "", "next": "/my"}, token_from="/my")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/my#task-{item_id}"
    page = client.get("/my").get_data(as_text=True)
    assert "S28-01 tidak diubah" in page and BLOCKED_REASON in page
    assert _status(app, item_id) == before


def test_extension_refusal_shows_its_message_once(app, client, users, sample):
    item_id = sample["item1"]
    client.login("anggota")
    response = client.submit(f"/items/{item_id}/extension", {"new_due_date": "", "reason": ""},
                             token_from=f"/items/{item_id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    banner = page.split('role="alert"', 1)[1].split("</div>", 1)[0]
    assert "Mohon periksa isian formulir." in banner
    assert "Pilih usulan tenggat baru." not in banner and "Pilih usulan tenggat baru." in page


def test_status_conflict_page_shows_the_note_typed(app, client, make_client, users, sample):
    item_id = sample["item1"]
    status, version = _status(app, item_id)
    other = make_client()
    other.login("kepala")
    other.submit(f"/items/{item_id}/status", {"status": "terhambat", "version": version, "note": "Tunggu"},
                 token_from=f"/items/{item_id}")
    client.login("anggota")
    response = client.submit(f"/items/{item_id}/status", {
        "status": "selesai", "version": version, "note": "Laporan sudah dikirim ke BKD"},
        token_from=f"/items/{item_id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Laporan sudah dikirim ke BKD" in page
    assert 'type="hidden" name="note"' not in page  # shown, not hidden


def test_deactivate_freeze_and_revoke_ask_first(app, client, users, sample):
    client.login("admin")
    users_page = _Page(client.get("/admin/users").get_data(as_text=True))
    deactivate = [action for action in users_page.submits if action.endswith("/deactivate")]
    assert deactivate and all(all(users_page.submits[action]) for action in deactivate)
    assert "Nonaktifkan…" in client.get("/admin/users").get_data(as_text=True)
    client.submit("/profile/calendar")
    profile = _Page(client.get("/profile").get_data(as_text=True))
    assert profile.submits["/profile/calendar/revoke"] == [True]
    client.logout()
    client.login("kepala")
    reports = client.get("/reports").get_data(as_text=True)
    assert _Page(reports).submits["/reports/snapshots"] == [True]
    assert "nomor laporan berikutnya" in reports  # the confirm step says a report number is used


def test_bulk_lines_set_source_unit_and_supporters(app, client, users, sample):
    client.login("kepala")
    lines = ('Susun kurikulum @anggota +@anggota2 +@kepala unit:BKD sumber:"Prof. Zudan" !tinggi\n'
             "Rapat koordinasi #sdm unit:\"Badan Kepegawaian Daerah\" sumber:Moderator\n"
             "Laporan bulanan @anggota")
    url = f"/webinars/{sample['webinar']}/bulk"
    preview = client.submit(url, {"lines": lines, "action": "preview"}, token_from=url).get_data(as_text=True)
    assert "Prof. Zudan" in preview and "Anggota Dua, Kepala Uji" in preview
    response = client.submit(url, {"lines": lines, "action": "save"}, token_from=url)
    assert response.status_code == 302
    with app.app_context():
        items = db.session.scalars(db.select(ActionItem).where(ActionItem.webinar_id == sample["webinar"])
                                   .order_by(ActionItem.number)).all()[-3:]
        first, second, third = items
        assert first.title == "Susun kurikulum" and first.source == "Prof. Zudan"
        assert first.unit.short_name == "BKD" and first.owner.username == "anggota"
        assert sorted(member.username for member in first.supporters) == ["anggota2", "kepala"]
        assert second.title == "Rapat koordinasi" and second.source == "Moderator" and second.unit.short_name == "BKD"
        assert third.source is None and third.unit is None and third.supporters == []


def test_bulk_line_mistakes_are_named(app, client, users, sample):
    client.login("kepala")
    url = f"/webinars/{sample['webinar']}/bulk"
    lines = "Satu @anggota +@anggota\nDua unit:ZZZ\nTiga +@tidakada"
    response = client.submit(url, {"lines": lines, "action": "save"}, token_from=url)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "tidak dapat sekaligus menjadi anggota pendukung" in page
    assert "Unit kerja unit:ZZZ tidak dikenal" in page
    assert "Pengguna +@tidakada tidak dikenal" in page


def test_a_long_refused_note_does_not_overflow_the_session_cookie(app, client, users, sample):
    item_id = sample["item1"]
    client.login("anggota")
    note = "Catatan panjang dengan huruf é dan 😀 " * 120  # about 4,500 characters, many non-ASCII
    response = client.submit(f"/items/{item_id}/status", {
        "status": "selesai", "version": _status(app, item_id)[1], "note": note[:4990], "evidence_url": "bukan"},
        token_from=f"/items/{item_id}")
    assert response.status_code == 302
    cookie = next(value for name, value in response.headers.items()
                  if name == "Set-Cookie" and value.startswith("session="))
    assert len(cookie) < 4000  # browsers drop larger cookies, and with it the sign-in
    page = client.get(f"/items/{item_id}").get_data(as_text=True)
    assert "Catatan panjang dengan huruf é" in page  # still signed in, the start of the note kept

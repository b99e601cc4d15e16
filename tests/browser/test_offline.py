"""J9: a phone with a bad connection. The app installs, *Tugas saya* and its items read offline, and
changes made offline are queued on the phone and arrive exactly once when the signal returns."""
import re

from sqlalchemy import func, select

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, has_horizontal_scroll, sign_in
from tests.conftest import PASSWORD, get_user
from tracker.extensions import db
from tracker.models import ActionItem, Comment, HistoryKind, ItemHistory, Status, User
from tracker.services.history import record

SENT_TIMEOUT = 30_000  # the outbox tries again every few seconds once the connection is back


def _ready_offline(page) -> None:
    """Sign-in done: wait until the service worker has kept My tasks and its items."""
    page.goto("/my")
    page.locator("html[data-offline-kept]").wait_for(state="attached")
    page.locator("html[data-outbox-ready]").wait_for(state="attached")


def _history(app, item_id: int, kind: HistoryKind) -> list[ItemHistory]:
    with app.app_context():
        return db.session.scalars(select(ItemHistory).where(ItemHistory.item_id == item_id, ItemHistory.kind == kind)
                                  .order_by(ItemHistory.id)).all()


def _outbox_entries(page):
    return page.locator("#outbox-list > li")


def _queue_status(page, status: str, note: str) -> None:
    form = page.locator("form[data-queue=status]")
    form.get_by_label("Status baru").select_option(label=status)
    form.get_by_label("Catatan atau alasan").fill(note)
    form.get_by_role("button", name="Simpan status").click()


def test_the_app_meets_the_install_criteria(browser, live_server, users, tmp_path):
    # A persistent profile: Chromium never offers to install from a private (incognito) context.
    context = browser.browser_type.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=CHROMIUM, args=CHROMIUM_ARGS, base_url=live_server.url,
        viewport=PHONE, locale="id-ID")
    try:
        page = context.pages[0] if context.pages else context.new_page()
        sign_in(page, "anggota", PASSWORD)
        _ready_offline(page)
        cdp = context.new_cdp_session(page)
        manifest = cdp.send("Page.getAppManifest")
        assert manifest["errors"] == [] and manifest["url"].endswith("/manifest.webmanifest")
        assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
        assert page.evaluate("navigator.serviceWorker.controller.scriptURL").endswith("/sw.js")
    finally:
        context.close()


def test_offline_reading_and_queued_changes_arrive_once(open_page, app, sample):
    item_id = sample["item1"]
    page = open_page("phone")
    sign_in(page, "anggota", PASSWORD)
    _ready_offline(page)
    assert page.locator("#offline-banner").is_hidden()

    page.context.set_offline(True)
    page.goto("/my")
    banner = page.locator("#offline-banner")
    assert re.fullmatch(r"Offline — data per \d{1,2} \w{3} \d{4} \d{2}\.\d{2} WITA", banner.inner_text())
    assert page.get_by_role("heading", name="Tugas saya").is_visible()
    page.get_by_role("link", name="Kajian regulasi").click()
    page.get_by_role("heading", level=1, name="S28-01 Kajian regulasi").wait_for()
    assert banner.is_visible() and not has_horizontal_scroll(page)
    page.locator("html[data-outbox-ready]").wait_for(state="attached")

    _queue_status(page, "Terhambat", "Menunggu data dari BKD")
    progress = page.locator("form[data-queue=progress]")
    progress.get_by_label("Progres").fill("35")
    progress.get_by_role("button", name="Simpan progres").click()
    page.get_by_role("textbox", name="Komentar").fill("Sudah rapat dengan BKD di Mamuju")
    page.get_by_role("button", name="Tambah komentar").click()
    entries = _outbox_entries(page)
    entries.nth(2).wait_for()
    assert [entries.nth(i).inner_text().split("\n")[0] for i in range(3)] == [
        "S28-01 · Status → Terhambat", "S28-01 · Progres 35 %", "S28-01 · Komentar: Sudah rapat dengan BKD di Mamuju"]
    assert all("Menunggu dikirim" in entries.nth(i).inner_text() for i in range(3))
    assert len(_history(app, item_id, HistoryKind.STATUS)) == 0  # nothing has left the phone

    page.context.set_offline(False)
    page.locator("html[data-outbox='0']").wait_for(state="attached", timeout=SENT_TIMEOUT)
    page.get_by_text("3 perubahan yang menunggu sudah terkirim.").wait_for()
    status_rows = _history(app, item_id, HistoryKind.STATUS)
    assert [(row.new_value, row.note) for row in status_rows] == [("terhambat", "Menunggu data dari BKD")]
    assert len(_history(app, item_id, HistoryKind.COMMENT)) == 1
    with app.app_context():
        item = db.session.get(ActionItem, item_id)
        assert (item.status, item.progress) == (Status.BLOCKED, 35)  # my second change followed my first
        assert db.session.scalar(select(func.count(Comment.id))) == 1

    page.get_by_role("link", name="Muat ulang halaman untuk melihatnya.").click()
    timeline = page.locator("#riwayat")
    timeline.get_by_text("Sudah rapat dengan BKD di Mamuju").wait_for()
    assert page.locator("#offline-banner").is_hidden()


def test_a_change_made_meanwhile_elsewhere_is_a_conflict_the_member_decides(open_page, app, sample):
    item_id = sample["item1"]
    member, head = open_page("phone"), open_page("desktop")
    sign_in(member, "anggota", PASSWORD)
    sign_in(head, "kepala", PASSWORD)
    _ready_offline(member)

    member.context.set_offline(True)
    member.goto(f"/items/{item_id}")
    member.locator("html[data-outbox-ready]").wait_for(state="attached")
    _queue_status(member, "Terhambat", "Anggaran belum turun")
    _outbox_entries(member).first.wait_for()

    head.goto(f"/items/{item_id}/edit")  # meanwhile, in another browser, the head renames the item
    head.get_by_label("Tindak lanjut", exact=True).fill("Kajian regulasi tim kerja (revisi)")
    head.get_by_role("button", name="Simpan", exact=True).click()
    head.get_by_text("Tindak lanjut S28-01 disimpan.").wait_for()

    member.context.set_offline(False)
    conflict = _outbox_entries(member).filter(has_text="Sementara itu orang lain mengubah tindak lanjut ini")
    conflict.wait_for(timeout=SENT_TIMEOUT)
    assert "statusnya sekarang: Dikerjakan" in conflict.inner_text()
    assert _history(app, item_id, HistoryKind.STATUS) == []  # mine waits for my decision
    conflict.get_by_role("link", name="Lihat apa yang berubah").wait_for()

    conflict.get_by_role("button", name="Tetap kirim perubahan saya").click()
    member.locator("html[data-outbox='0']").wait_for(state="attached", timeout=SENT_TIMEOUT)
    rows = _history(app, item_id, HistoryKind.STATUS)
    assert [(row.new_value, row.note) for row in rows] == [("terhambat", "Anggaran belum turun")]
    assert [(row.field, row.new_value) for row in _history(app, item_id, HistoryKind.EDITED)] == [
        ("title", "Kajian regulasi tim kerja (revisi)")]


def test_replaying_the_same_request_applies_it_once(open_page, app, sample):
    page = open_page("phone")
    sign_in(page, "anggota", PASSWORD)
    page.goto("/my")
    answers = page.evaluate(
        """async (itemId) => {
          const session = await (await fetch('/offline/session')).json();
          const send = () => fetch(`/api/v1/items/${itemId}/comments`, {
            method: 'POST', body: JSON.stringify({ body: 'Dikirim dua kali dari kereta' }),
            headers: { 'Content-Type': 'application/json', 'X-CSRFToken': session.csrf_token,
                       'Idempotency-Key': 'kereta-mamuju-1' } });
          const answers = [];
          for (const response of [await send(), await send()]) {
            answers.push([response.status, response.headers.get('Idempotent-Replayed'), (await response.json()).id]);
          }
          return answers;
        }""",
        sample["item1"],
    )
    assert answers[0][0] == answers[1][0] == 201
    assert answers[0][1] is None and answers[1][1] == "true"
    assert answers[0][2] == answers[1][2]  # the same comment, answered twice
    assert len(_history(app, sample["item1"], HistoryKind.COMMENT)) == 1


def _kept_pages(page) -> list[str]:
    return page.evaluate("""async () => {
      const urls = [];
      for (const name of await caches.keys()) {
        if (name.startsWith('tl-pages-')) {
          for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
        }
      }
      return urls.sort();
    }""")


def test_signing_out_clears_the_kept_pages(open_page, sample):
    page = open_page("phone")
    sign_in(page, "anggota", PASSWORD)
    _ready_offline(page)
    assert _kept_pages(page) == sorted(["/my", f"/items/{sample['item1']}", f"/items/{sample['item3']}"])

    if page.get_by_role("button", name="Menu").is_visible():
        page.get_by_role("button", name="Menu").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Keluar").click()
    page.get_by_text("Anda telah keluar.").wait_for()
    page.locator("html[data-service-worker=ready]").wait_for(state="attached")
    assert _kept_pages(page) == []

    page.context.set_offline(True)
    page.goto("/my")
    assert page.get_by_role("heading", name="Tidak ada koneksi").is_visible()
    assert page.get_by_text("Kajian regulasi").count() == 0


def _end_session(app, user_id: int) -> None:
    """The session ends on the server (as after the idle timeout): its cookie no longer signs in."""
    with app.app_context():
        db.session.get(User, user_id).rotate_session_token()
        db.session.commit()


def test_a_page_never_kept_shows_the_offline_page(open_page, sample):
    page = open_page("phone")
    sign_in(page, "anggota", PASSWORD)
    _ready_offline(page)
    page.context.set_offline(True)
    page.goto("/webinars")
    assert page.get_by_role("heading", name="Tidak ada koneksi").is_visible()
    page.get_by_role("link", name="Tugas saya").last.click()
    page.get_by_role("heading", name="Tugas saya").wait_for()


def test_an_ended_session_asks_to_sign_in_then_sends(open_page, app, users, sample):
    item_id = sample["item1"]
    page = open_page("phone")
    sign_in(page, "anggota", PASSWORD)
    _ready_offline(page)
    page.context.set_offline(True)
    page.goto(f"/items/{item_id}")
    page.locator("html[data-outbox-ready]").wait_for(state="attached")
    page.get_by_role("textbox", name="Komentar").fill("Ditulis di kapal ke Majene")
    page.get_by_role("button", name="Tambah komentar").click()
    _outbox_entries(page).first.wait_for()
    _end_session(app, users["anggota"])

    page.context.set_offline(False)
    status = page.locator("#outbox-status")
    status.get_by_text("Sesi Anda telah berakhir. Masuk kembali, lalu perubahan yang menunggu akan dikirim.").wait_for(
        timeout=SENT_TIMEOUT)
    assert len(_history(app, item_id, HistoryKind.COMMENT)) == 0
    status.get_by_role("link", name="Masuk").click()
    page.get_by_label("Nama pengguna").fill("anggota")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.get_by_role("heading", level=1, name="S28-01 Kajian regulasi").wait_for()  # back where I was
    page.locator("html[data-outbox='0']").wait_for(state="attached", timeout=SENT_TIMEOUT)
    assert [row.note for row in _history(app, item_id, HistoryKind.COMMENT)] == ["Ditulis di kapal ke Majene"]


def test_another_user_on_the_same_phone_sees_nothing_of_the_first(open_page, app, users, sample):
    page = open_page("phone")
    sign_in(page, "anggota", PASSWORD)
    _ready_offline(page)
    page.context.set_offline(True)
    page.goto(f"/items/{sample['item1']}")
    page.locator("html[data-outbox-ready]").wait_for(state="attached")
    page.get_by_role("textbox", name="Komentar").fill("Catatan pribadi anggota")
    page.get_by_role("button", name="Tambah komentar").click()
    _outbox_entries(page).first.wait_for()
    _end_session(app, users["anggota"])  # the first user's session ends; they walk away without signing out
    page.context.set_offline(False)

    sign_in(page, "anggota2", PASSWORD)
    page.goto("/my")
    page.locator("html[data-outbox-ready]").wait_for(state="attached")
    page.locator("html[data-offline-kept]").wait_for(state="attached")
    assert _kept_pages(page) == sorted(["/my", f"/items/{sample['item1']}", f"/items/{sample['item2']}"])
    assert page.locator("html").get_attribute("data-outbox") == "0"  # the first user's change is gone
    assert len(_history(app, sample["item1"], HistoryKind.COMMENT)) == 0  # and was never sent as me


def test_an_evidence_photo_taken_offline_waits_and_arrives_once(open_page, app, sample, tmp_path):
    from tests.evidence_samples import picture
    from tracker.models import EvidenceFile

    item_id = sample["item1"]
    page = open_page("phone")
    sign_in(page, "anggota", PASSWORD)
    _ready_offline(page)
    photo = tmp_path / "rapat-di-mamuju.jpg"
    photo.write_bytes(picture("JPEG", size=(320, 240)))

    page.context.set_offline(True)
    page.goto(f"/items/{item_id}")
    page.locator("html[data-outbox-ready]").wait_for(state="attached")
    evidence = page.locator("#bukti")
    evidence.get_by_label("Berkas", exact=True).set_input_files(str(photo))
    evidence.get_by_label("Catatan tentang berkas").fill("Foto rapat koordinasi")
    evidence.get_by_role("button", name="Lampirkan berkas").click()
    entry = _outbox_entries(page).first
    entry.wait_for()
    assert entry.inner_text().split("\n") == ["S28-01 · Berkas bukti: rapat-di-mamuju.jpg", "Menunggu dikirim"]
    assert page.evaluate("document.getElementById('evidence-file').files.length") == 0  # the form is cleared
    with app.app_context():
        assert db.session.scalar(select(func.count(EvidenceFile.id))) == 0  # nothing has left the phone

    page.context.set_offline(False)
    page.locator("html[data-outbox='0']").wait_for(state="attached", timeout=SENT_TIMEOUT)
    page.get_by_text("1 perubahan yang menunggu sudah terkirim.").wait_for()
    with app.app_context():
        stored = db.session.scalars(select(EvidenceFile)).all()
        assert [(row.item_id, row.file_name, row.note) for row in stored] == [
            (item_id, "rapat-di-mamuju.jpg", "Foto rapat koordinasi")]
    assert [row.note for row in _history(app, item_id, HistoryKind.EVIDENCE_ADDED)] == ["Foto rapat koordinasi"]

    page.get_by_role("link", name="Muat ulang halaman untuk melihatnya.").click()
    page.locator("#bukti").get_by_role("link", name="rapat-di-mamuju.jpg", exact=True).wait_for()


def test_replaying_the_same_evidence_upload_stores_one_file(open_page, app, sample):
    from tests.evidence_samples import picture
    from tracker.models import EvidenceFile

    page = open_page("phone")
    sign_in(page, "anggota", PASSWORD)
    page.goto("/my")
    answers = page.evaluate(
        """async ([itemId, bytes]) => {
          const session = await (await fetch('/offline/session')).json();
          const photo = new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' });
          const send = () => {  // a new FormData each time: a new multipart boundary, the same request
            const form = new FormData();
            form.append('file', photo, 'bukti.jpg');
            form.append('note', 'Dikirim dua kali dari kapal');
            return fetch(`/api/v1/items/${itemId}/evidence`, { method: 'POST', body: form,
              headers: { 'X-CSRFToken': session.csrf_token, 'Idempotency-Key': 'kapal-majene-1' } });
          };
          const answers = [];
          for (const response of [await send(), await send()]) {
            answers.push([response.status, response.headers.get('Idempotent-Replayed'), (await response.json()).id]);
          }
          return answers;
        }""",
        [sample["item1"], list(picture("JPEG"))],
    )
    assert answers[0][0] == answers[1][0] == 201
    assert answers[0][1] is None and answers[1][1] == "true"
    assert answers[0][2] == answers[1][2]
    with app.app_context():
        assert db.session.scalar(select(func.count(EvidenceFile.id))) == 1
    assert len(_history(app, sample["item1"], HistoryKind.EVIDENCE_ADDED)) == 1


def test_a_repeat_visit_fetches_only_the_items_that_changed(open_page, app, sample):
    """My tasks asks the worker for its items at their versions: an unchanged item is not fetched again
    (a phone on a slow line pays for one page, not for every item), a changed one is."""
    changed, unchanged = sample["item2"], sample["item1"]  # anggota2 owns S28-02 and supports S28-01
    page = open_page("phone")
    sign_in(page, "anggota2", PASSWORD)
    _ready_offline(page)
    with app.app_context():
        db.session.get(ActionItem, changed).title = "Pelatihan literasi versi baru"  # a new version
        # A comment leaves the item at its version: the kept copy stays as it was for up to an hour.
        record(db.session.get(ActionItem, unchanged), get_user("kepala"),
               HistoryKind.COMMENT, note="Catatan yang belum dilihat ponsel", changes_item=False)
        db.session.commit()
    page.evaluate("document.documentElement.removeAttribute('data-offline-kept')")
    page.reload()
    page.locator("html[data-offline-kept]").wait_for(state="attached")

    page.context.set_offline(True)
    page.goto(f"/items/{changed}")
    page.get_by_role("heading", level=1, name="S28-02 Pelatihan literasi versi baru").wait_for()
    page.goto(f"/items/{unchanged}")
    page.get_by_role("heading", level=1, name="S28-01 Kajian regulasi").wait_for()
    assert page.locator("html").get_attribute("data-served") == "cache"
    assert page.get_by_text("Catatan yang belum dilihat ponsel").count() == 0  # kept, not fetched again


def test_a_long_list_is_kept_a_few_pages_per_visit(open_page, app, users):
    """A first visit on a slow line keeps My tasks and its first 12 items, not all of them at once;
    each later visit keeps two more."""
    from tests.conftest import add_item, add_webinar

    with app.app_context():
        webinar, owner = add_webinar(), get_user("anggota")
        for number in range(16):
            add_item(webinar, owner, title=f"Tindak lanjut panjang {number}")
        db.session.commit()
    page = open_page("phone")
    sign_in(page, "anggota", PASSWORD)  # lands on My tasks: the first visit
    page.locator("html[data-offline-kept]").wait_for(state="attached")
    first = [path for path in _kept_pages(page) if path.startswith("/items/")]
    assert len(first) == 12 and "/my" in _kept_pages(page)
    page.evaluate("document.documentElement.removeAttribute('data-offline-kept')")
    page.reload()
    page.locator("html[data-offline-kept]").wait_for(state="attached")
    second = [path for path in _kept_pages(page) if path.startswith("/items/")]
    assert len(second) == 14 and set(first) < set(second)

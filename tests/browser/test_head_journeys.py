"""Journeys of a head: log a webinar and its items from the minutes (J1); verify, decide, watch the dashboard (J3)."""
from datetime import timedelta

from tests.browser.conftest import axe_violations, shown_date, sign_in
from tests.conftest import PASSWORD, add_item, add_webinar, get_user
from tracker.extensions import db
from tracker.models import Status
from tracker.timeutil import local_today

MINUTES = """\
Revisi Perkada tentang tim kerja agile @anggota #regulasi !tinggi due:+14
- Pemetaan talenta ASN @anggota2 #sdm due:+30
Kajian penyederhanaan struktur OPD #kelembagaan !rendah
Integrasi data keuangan dan SIMPEG #it-keuangan due:{due}
Sosialisasi pola karier berbasis kinerja #karier !sedang
"""


def test_head_logs_a_webinar_and_its_items_from_the_minutes(open_page, users):
    """J1 (desktop): create a webinar, bulk-enter five lines, check the preview, save, assign one item."""
    page = open_page("desktop", bypass_csp=True)
    today = local_today()
    sign_in(page, "kepala", PASSWORD)
    page.get_by_role("link", name="Webinar", exact=True).click()
    page.get_by_role("link", name="Webinar baru").click()
    page.get_by_label("Nomor seri").fill("29")
    page.get_by_label("Judul").fill("Smart ASN dan Transformasi Digital")
    page.get_by_label("Tanggal").fill("2024-01-22")
    page.get_by_label("Penyelenggara").fill("BPSDM Sulbar")
    page.get_by_role("button", name="Simpan", exact=True).click()
    page.get_by_text("Webinar Seri 29 dibuat.").wait_for()
    assert page.get_by_role("heading", name="Seri 29: Smart ASN dan Transformasi Digital").is_visible()

    page.get_by_role("link", name="Entri massal").click()
    fixed_due = today + timedelta(days=45)
    page.get_by_label("Tindak lanjut, satu per baris").fill(MINUTES.format(due=fixed_due.isoformat()))
    page.get_by_role("button", name="Pratinjau").click()
    preview = page.get_by_role("table", name="Tindak lanjut yang akan dibuat")
    rows = preview.locator("tbody tr")
    assert rows.count() == 5
    first = rows.nth(0)
    assert first.get_by_text("Revisi Perkada tentang tim kerja agile", exact=True).is_visible()
    assert first.get_by_text("Anggota Uji").is_visible()
    assert first.get_by_text("Kerangka regulasi").is_visible()
    assert first.get_by_text("Tinggi").is_visible()
    assert "@anggota" not in first.inner_text() and "due:" not in first.inner_text()
    assert rows.nth(1).get_by_text("Pemetaan talenta ASN", exact=True).is_visible()  # list marker dropped
    assert rows.nth(3).get_by_text(shown_date(fixed_due)).is_visible()
    assert page.get_by_text("Belum ada yang disimpan").is_visible()
    assert axe_violations(page) == []

    page.get_by_role("button", name="Simpan 5 tindak lanjut").click()
    page.get_by_text("5 tindak lanjut dibuat.").wait_for()
    items = page.get_by_role("table", name="Tindak lanjut webinar ini")
    assert items.locator("tbody tr").count() == 5
    assert items.get_by_text("S29-05").is_visible()

    # Line 3 had no owner: assign it to a member with a due date through the edit form.
    items.get_by_role("link", name="Kajian penyederhanaan struktur OPD").click()
    page.get_by_role("link", name="Ubah", exact=True).click()
    page.get_by_label("Penanggung jawab").select_option(label="Anggota Dua")
    due = today + timedelta(days=21)
    page.get_by_label("Tenggat").fill(due.isoformat())
    page.get_by_role("button", name="Simpan", exact=True).click()
    page.get_by_text("Tindak lanjut S29-03 disimpan.").wait_for()
    fields = page.locator("dl.item-fields")
    assert fields.get_by_text("Anggota Dua").is_visible()
    assert fields.get_by_text(shown_date(due)).is_visible()
    history = page.locator("#riwayat")
    assert history.get_by_text("Kepala Uji").first.is_visible()


def _request_more_time(page, item_id: int, new_due) -> None:
    page.goto(f"/items/{item_id}")
    page.get_by_label("Usulan tenggat baru").fill(new_due.isoformat())
    page.get_by_label("Alasan", exact=True).fill("Data dari BKD belum lengkap.")
    page.get_by_role("button", name="Kirim usulan").click()
    page.get_by_text("Usulan perpanjangan waktu Anda telah dikirim ke ketua.").wait_for()


def _headline(page, label: str) -> str:
    card = page.locator(".dashboard-figures .card").filter(has=page.get_by_text(label, exact=True))
    return card.locator(".figure-value").inner_text().strip()


def test_head_verifies_rejects_an_extension_and_sees_the_dashboard_move(open_page, db_ctx, users):
    """J3: the member asks for more time in the UI; the head verifies a done item and rejects the request."""
    today = local_today()
    with db_ctx():
        anggota = get_user("anggota")
        webinar = add_webinar()
        done = add_item(webinar, anggota, status=Status.DONE, title="Pola karier berbasis kinerja",
                        evidence_url="https://sulbarprov.go.id/bukti/pola-karier", due_date=today + timedelta(days=5))
        open_item = add_item(webinar, anggota, status=Status.IN_PROGRESS, title="Kajian regulasi tim kerja",
                             due_date=today + timedelta(days=3))
        add_item(webinar, anggota, title="Pelatihan literasi digital", due_date=today + timedelta(days=10))
        db.session.commit()
        done_id, open_id, done_code = done.id, open_item.id, done.code

    member = open_page("phone")
    sign_in(member, "anggota", PASSWORD)
    asked_due = today + timedelta(days=30)
    _request_more_time(member, open_id, asked_due)

    head = open_page("desktop")
    sign_in(head, "kepala", PASSWORD)
    head.goto("/dashboard")
    assert _headline(head, "Tingkat penyelesaian") == "0%"
    assert head.get_by_text("0 dari 3 terverifikasi").is_visible()

    head.goto(f"/items/{done_id}")
    head.get_by_label("Status baru").select_option(label="Terverifikasi")
    head.get_by_role("button", name="Simpan status").click()
    head.get_by_text(f"{done_code} sekarang: Terverifikasi.").wait_for()
    assert head.locator("dl.item-fields").get_by_text("Terverifikasi", exact=True).first.is_visible()

    head.goto(f"/items/{open_id}")
    waiting = head.get_by_role("region", name="Usulan perpanjangan waktu menunggu keputusan")
    assert waiting.get_by_text(shown_date(asked_due)).is_visible()
    assert waiting.get_by_text("Data dari BKD belum lengkap.").is_visible()
    waiting.get_by_label("Keputusan").select_option(label="Tolak")
    waiting.get_by_role("button", name="Simpan keputusan").click()
    # Rejecting needs a reason: the message sits next to the note, in Indonesian, and nothing changed.
    waiting = head.get_by_role("region", name="Usulan perpanjangan waktu menunggu keputusan")
    note = waiting.get_by_label("Catatan", exact=True)
    assert note.get_attribute("aria-invalid") == "true" or "is-invalid" in note.get_attribute("class")
    error_id = note.get_attribute("aria-describedby")
    assert head.locator(f"[id='{error_id}']").inner_text() == "Mohon jelaskan alasan usulan ditolak."
    waiting.get_by_label("Keputusan").select_option(label="Tolak")
    waiting.get_by_label("Catatan", exact=True).fill("Tenggat tetap: laporan ke Sekda akhir bulan.")
    waiting.get_by_role("button", name="Simpan keputusan").click()
    head.get_by_text("Usulan ditolak.").wait_for()
    assert head.locator("dl.item-fields").get_by_text(shown_date(today + timedelta(days=3))).is_visible()

    head.goto("/dashboard")
    assert _headline(head, "Tingkat penyelesaian") == "33%"
    assert head.get_by_text("1 dari 3 terverifikasi").is_visible()

    member.goto(f"/items/{open_id}")
    assert member.get_by_text("Tenggat tetap: laporan ke Sekda akhir bulan.").first.is_visible()

"""J2: a member works through *Tugas saya* on a 360 × 740 phone."""
from datetime import timedelta
from urllib.parse import urlsplit

from tests.browser.conftest import PHONE, has_horizontal_scroll, sign_in, small_tap_targets
from tests.conftest import PASSWORD, add_item, add_webinar, get_user
from tracker.extensions import db
from tracker.models import Status
from tracker.timeutil import local_today


def _offscreen_controls(page) -> list[str]:
    """Visible controls that stick out of the 360 px screen on the left or the right."""
    return page.evaluate(
        """(width) => [...document.querySelectorAll('a, button, input, select, textarea, summary')]
            .filter((el) => {
              const b = el.getBoundingClientRect();
              return b.width > 1 && (b.left < 0 || b.right > width + 0.5);
            })
            .map((el) => `${el.tagName} ${(el.innerText || el.name || '').trim().slice(0, 30)}`)""",
        PHONE["width"],
    )


def _change_status(page, title: str, status: str, note: str = "", evidence: str = "") -> None:
    card = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=title))
    card.get_by_text("Ubah status").click()  # the <summary> that opens the quick form
    card.get_by_label("Status baru").select_option(label=status)
    if note:
        card.get_by_label("Catatan atau alasan").fill(note)
    if evidence:
        card.get_by_label("Tautan bukti").fill(evidence)
    assert not has_horizontal_scroll(page)
    assert _offscreen_controls(page) == []
    assert small_tap_targets(page, ".task-card.card *:is(a, button, select, textarea, input, summary)") == []
    with page.expect_navigation():  # the outbox script checks the connection, then posts the form
        card.get_by_role("button", name="Simpan status").click()


def test_member_updates_tasks_on_a_phone(open_page, db_ctx, users):
    today = local_today()
    with db_ctx():
        anggota = get_user("anggota")
        webinar = add_webinar()
        new = add_item(webinar, anggota, title="Pelatihan literasi digital ASN", due_date=today + timedelta(days=2))
        stuck = add_item(webinar, anggota, status=Status.IN_PROGRESS, title="Kajian regulasi tim kerja agile",
                         due_date=today + timedelta(days=12))
        almost = add_item(webinar, anggota, status=Status.IN_PROGRESS, title="Pola karier berbasis kinerja",
                          due_date=today - timedelta(days=1))
        db.session.commit()
        codes = {"new": new.code, "stuck": stuck.code, "almost": almost.code}

    page = open_page("phone")
    sign_in(page, "anggota", PASSWORD)
    assert page.get_by_role("heading", name="Tugas saya").is_visible()  # members land on their tasks
    overdue = page.get_by_role("region", name="Terlambat")
    assert overdue.get_by_role("heading", name="Pola karier berbasis kinerja").is_visible()
    soon = page.get_by_role("region", name="Mendekati tenggat")  # the working-day "due soon" setting
    assert soon.get_by_role("heading", name="Pelatihan literasi digital ASN").is_visible()
    assert not has_horizontal_scroll(page)
    assert _offscreen_controls(page) == []

    _change_status(page, "Pelatihan literasi digital ASN", "Dikerjakan")
    page.get_by_text(f"{codes['new']} sekarang: Dikerjakan.").wait_for()
    assert page.url.endswith("/my")

    # Blocking without a reason is refused with a message in Indonesian, back on My tasks (not on the
    # item page, and a refresh posts nothing); then with a reason it works.
    _change_status(page, "Kajian regulasi tim kerja agile", "Terhambat")
    assert urlsplit(page.url).path == "/my"
    assert page.get_by_role("alert").filter(
        has_text=f"{codes['stuck']} tidak diubah: Mohon isi alasannya.").is_visible()
    card = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name="Kajian regulasi tim kerja agile"))
    assert card.get_by_text("Dikerjakan", exact=True).first.is_visible()  # unchanged
    assert not has_horizontal_scroll(page)
    _change_status(page, "Kajian regulasi tim kerja agile", "Terhambat", note="Menunggu data pegawai dari BKD.")
    page.get_by_text(f"{codes['stuck']} sekarang: Terhambat.").wait_for()

    _change_status(page, "Pola karier berbasis kinerja", "Selesai, menunggu verifikasi",
                   evidence="https://sulbarprov.go.id/dokumen/pola-karier.pdf")
    page.get_by_text(f"{codes['almost']} sekarang: Selesai, menunggu verifikasi.").wait_for()

    waiting = page.get_by_role("region", name="Menunggu verifikasi")
    done_card = waiting.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name="Pola karier berbasis kinerja"))
    assert done_card.get_by_text("Selesai, menunggu verifikasi").is_visible()  # status in words, not colour alone
    cards = page.get_by_role("listitem")
    started = cards.filter(has=page.get_by_role("heading", name="Pelatihan literasi digital ASN"))
    assert started.get_by_text("Dikerjakan", exact=True).is_visible()
    blocked = cards.filter(has=page.get_by_role("heading", name="Kajian regulasi tim kerja agile"))
    assert blocked.get_by_text("Terhambat", exact=True).is_visible()

    with page.expect_navigation():
        done_card.get_by_role("link", name="Pola karier berbasis kinerja").click()
    page.get_by_role("link", name="https://sulbarprov.go.id/dokumen/pola-karier.pdf").wait_for()
    assert page.get_by_text("Menunggu data pegawai dari BKD.").count() == 0  # that note belongs to the other item
    assert not has_horizontal_scroll(page)
    assert _offscreen_controls(page) == []

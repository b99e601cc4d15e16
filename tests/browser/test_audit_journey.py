"""J-audit on a 360 px phone: a member attaches a photo and marks the item done, another head verifies it
from the decision queue, and the frozen report's QR code leads to a public page that says it is genuine."""
import io
from datetime import timedelta
from urllib.parse import urlsplit

import zxingcpp
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from tests.browser.conftest import has_horizontal_scroll, sign_in
from tests.conftest import PASSWORD, add_item, add_webinar, get_user
from tests.evidence_samples import picture
from tracker.extensions import db
from tracker.models import ActionItem, EvidenceFile, Status
from tracker.timeutil import local_today


def _qr_codes_in(pdf: bytes) -> list[str]:
    """Every QR code printed on the PDF's pages, decoded from the embedded images."""
    found = []
    for pdf_page in PdfReader(io.BytesIO(pdf)).pages:
        for embedded in pdf_page.images:
            image = Image.open(io.BytesIO(embedded.data))
            found += [code.text for code in zxingcpp.read_barcodes(image)]
    return found


def test_evidence_to_verification_to_a_genuine_report(open_page, db_ctx, users, live_server, tmp_path):
    with db_ctx():
        item = add_item(add_webinar(), get_user("anggota"), status=Status.IN_PROGRESS,
                        title="Sosialisasi manajemen talenta ASN", due_date=local_today() + timedelta(days=5))
        db.session.commit()
        item_id = item.id

    # The member, on a phone, attaches a photo from the field and marks the item done.
    member = open_page("phone")
    sign_in(member, "anggota", PASSWORD)
    member.goto(f"/items/{item_id}")
    photo = tmp_path / "foto-sosialisasi.jpg"
    photo.write_bytes(picture("JPEG", size=(320, 240), gps=True))
    evidence = member.locator("#bukti")
    evidence.get_by_label("Berkas", exact=True).set_input_files(str(photo))
    with member.expect_navigation():  # wait for the answer before reading the page or the database
        evidence.get_by_role("button", name="Lampirkan berkas").click()
    assert member.locator("#bukti").get_by_role("link", name="foto-sosialisasi.jpg", exact=True).is_visible()
    assert member.locator("#bukti img.evidence-thumb").is_visible()  # the preview
    assert not has_horizontal_scroll(member)
    member.get_by_label("Status baru").select_option(value="selesai")
    with member.expect_navigation():  # the outbox script checks the connection, then posts the form
        member.get_by_role("button", name="Simpan status").click()
    with db_ctx():
        stored = db.session.get(ActionItem, item_id)
        assert stored.status == Status.DONE
        assert db.session.scalar(select(EvidenceFile.file_name).where(EvidenceFile.item_id == item_id)) \
            == "foto-sosialisasi.jpg"

    # A head (not the owner) verifies it from the decision queue, seeing the photo first.
    head = open_page("phone")
    sign_in(head, "kepala", PASSWORD)
    head.goto("/decisions")
    card = head.locator(f"#item-{item_id}")
    assert card.get_by_text("foto-sosialisasi.jpg").first.is_visible()
    assert not has_horizontal_scroll(head)
    with head.expect_navigation():
        card.get_by_role("button", name="Verifikasi").click()
    assert head.locator(f"#item-{item_id}").count() == 0  # no longer waiting
    with db_ctx():
        stored = db.session.get(ActionItem, item_id)
        assert stored.status == Status.VERIFIED and stored.verified_by_id == users["kepala"]

    # The head freezes the report; its PDF's QR code opens a public page that says the report is genuine.
    head.goto("/reports")
    head.get_by_text("Kunci sebagai pemutakhiran data…").click()  # the confirm step opens first
    with head.expect_navigation():
        head.get_by_role("button", name="Ya, kunci laporan ini").click()
    pdf_link = head.get_by_role("link", name="Download PDF").or_(head.get_by_role("link", name="Unduh PDF")).first
    response = head.request.get(pdf_link.get_attribute("href"))
    assert response.ok and response.headers["content-type"].startswith("application/pdf")
    # One seal; pypdf lists an image once per page whose resources share it (the report now has two pages).
    [address] = sorted(set(_qr_codes_in(response.body())))
    assert "/verify/" in address
    stranger = open_page("phone")  # not signed in
    stranger.goto(urlsplit(address).path)
    assert stranger.get_by_text("Asli", exact=True).is_visible()
    assert "Sosialisasi manajemen talenta ASN" not in stranger.content()  # no item data on the public page
    assert not has_horizontal_scroll(stranger)

"""Reports as official documents: the letterhead and logo from the settings, the signature block, the
working-draft mark, and spreadsheets that print as one readable table."""
import io

import pytest
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import SettingFile
from tracker.services import logo as logos
from tracker.services.settings import DEFAULTS

LETTERHEAD = {
    "agency_phone": "(0426) 2703011", "agency_email": "bpsdm@sulbarprov.go.id",
    "agency_website": "bpsdm.sulbarprov.go.id", "agency_postcode": "91511", "report_place": "Mamuju",
    "report_signer_name": "Dr. Nama Kepala, M.Si.", "report_signer_nip": "197001012000031001",
}
PLAIN_SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
             b'<defs><linearGradient id="g"><stop offset="0" stop-color="#0a0"/></linearGradient></defs>'
             b'<circle cx="5" cy="5" r="4" fill="url(#g)"/><use href="#g"/></svg>')
BAD_SVGS = {
    "script": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "event handler": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="1" height="1"/></svg>',
    "foreign object": (b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><div xmlns="http://www.w3.org/1999/xhtml">'
                       b'x</div></foreignObject></svg>'),
    "external image": (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
                       b'<use xlink:href="https://evil.example/x.svg#a"/></svg>'),
    "external css": b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://evil.example/a.css);</style></svg>',
    "url in attribute": b'<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(https://evil.example/p)"/></svg>',
    "entity": (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "xx">]>'
               b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>'),
    "not svg": b'<html xmlns="http://www.w3.org/1999/xhtml"><body>x</body></html>',
}


def _png(size=(40, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (0, 110, 60)).save(buffer, "PNG")
    return buffer.getvalue()


def _save(client, data: dict | None = None, logo: tuple[bytes, str] | None = None):
    fields = {**DEFAULTS, **(data or {})}
    if logo:
        fields["logo"] = (io.BytesIO(logo[0]), logo[1])
    return client.submit("/admin/settings", fields, token_from="/admin/settings", content_type="multipart/form-data")


def test_letterhead_and_signature_carry_every_line_of_an_official_letter(client, users, sample):
    client.login("admin")
    assert _save(client, LETTERHEAD).status_code == 302
    client.logout()
    client.login("kepala")
    page = client.get("/reports/view").get_data(as_text=True)
    assert "PEMERINTAH PROVINSI SULAWESI BARAT" in page and DEFAULTS["agency_name"] in page
    for value in ("(0426) 2703011", "bpsdm@sulbarprov.go.id", "bpsdm.sulbarprov.go.id", "Kode Pos 91511",
                  "Dr. Nama Kepala, M.Si.", "NIP. 197001012000031001", DEFAULTS["report_signer_position"]):
        assert value in page, value
    assert "Mamuju, " in page  # place, then the date in words (e.g. "2 Desember 2026")
    assert "Draf kerja" in page and "800/TL/" not in page


@pytest.mark.parametrize(("values", "field_error"), [
    ({"agency_postcode": "9151"}, "Lima angka"),
    ({"agency_email": "bukan surel"}, "surel"),
    ({"agency_phone": "<script>"}, "Hanya angka"),
    ({"agency_website": "javascript:alert(1)"}, "Alamat laman"),
])
def test_bad_letterhead_values_are_explained_and_nothing_is_saved(app, client, users, values, field_error):
    client.login("admin")
    response = _save(client, values)
    assert response.status_code == 422
    assert field_error.lower() in response.get_data(as_text=True).lower()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SettingFile)) == 0


def test_uploaded_png_logo_is_kept_in_the_database_and_shown_everywhere(app, client, users, sample):
    client.login("admin")
    png = _png()
    assert _save(client, logo=(png, "logo-pemprov.png")).status_code == 302
    with app.app_context():
        stored = db.session.get(SettingFile, "logo")
        assert stored.media_type == "image/png" and stored.content == png and stored.size == len(png)
    served = client.get("/admin/settings/logo")
    assert served.status_code == 200 and served.mimetype == "image/png" and served.data == png
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served.headers["Content-Security-Policy"]
    client.logout()
    client.login("kepala")
    assert 'src="data:image/png;base64,' in client.get("/reports/view").get_data(as_text=True)


def test_plain_svg_logo_is_accepted_and_served_as_an_image(app, client, users):
    client.login("admin")
    assert _save(client, logo=(PLAIN_SVG, "logo.svg")).status_code == 302
    served = client.get("/admin/settings/logo")
    assert served.mimetype == "image/svg+xml" and served.data == PLAIN_SVG
    assert "default-src 'none'" in served.headers["Content-Security-Policy"]


def test_removing_the_logo_goes_back_to_the_default(app, client, users):
    client.login("admin")
    _save(client, logo=(_png(), "a.png"))
    assert _save(client, {"remove_logo": "y"}).status_code == 302
    assert client.get("/admin/settings/logo").mimetype == "image/svg+xml"  # the shipped default
    with app.app_context():
        assert db.session.get(SettingFile, "logo") is None


@pytest.mark.parametrize("name", sorted(BAD_SVGS))
def test_unsafe_svg_is_refused_with_a_reason(app, client, users, name):
    client.login("admin")
    response = _save(client, {"agency_name": "Tidak tersimpan"}, logo=(BAD_SVGS[name], "logo.svg"))
    assert response.status_code == 422
    assert "SVG" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(SettingFile, "logo") is None
        assert logos.uploaded_logo() is None


@pytest.mark.parametrize(("content", "message"), [
    (b"%PDF-1.4 not a picture %%EOF", "PNG atau SVG"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "PNG tidak dapat dibaca"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'>" + b" " * logos.MAX_BYTES + b"</svg>", "terlalu besar"),
])
def test_other_files_broken_or_large_logos_are_refused(app, client, users, content, message):
    client.login("admin")
    response = _save(client, logo=(content, "logo.png"))
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    with app.app_context():
        assert logos.uploaded_logo() is None


def test_the_shipped_default_logo_passes_the_svg_check(app):
    with app.app_context():
        media_type, content = logos.current_logo()
    assert media_type == "image/svg+xml" and logos.svg_problem(content) is None


def test_pdf_shows_the_uploaded_logo_and_the_letterhead(client, users, sample):
    from pypdf import PdfReader

    client.login("admin")
    _save(client, LETTERHEAD, logo=(_png((120, 120)), "logo.png"))
    client.logout()
    client.login("kepala")
    body = client.get("/reports/report.pdf").data
    page = PdfReader(io.BytesIO(body)).pages[0]
    assert len(page.images) >= 1
    text = " ".join((page.extract_text() or "").split())
    assert "PEMERINTAH PROVINSI SULAWESI BARAT" in text and "Kode Pos 91511" in text and "DRAF KERJA" in text


def _assert_prints_as_a_table(sheet, title_rows: bool = True):
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert int(sheet.page_setup.fitToWidth) == 1 and int(sheet.page_setup.fitToHeight) == 0
    if title_rows:
        assert sheet.print_title_rows == "$1:$1"
    assert "&P" in sheet.oddFooter.center.text and "&N" in sheet.oddFooter.center.text


def test_rekap_workbook_prints_landscape_fit_to_width_with_repeated_header(client, users, sample):
    client.login("kepala")
    workbook = load_workbook(io.BytesIO(client.get("/reports/rekap.xlsx").data))
    _assert_prints_as_a_table(workbook["Tindak lanjut"])
    _assert_prints_as_a_table(workbook["Ringkasan"], title_rows=False)
    assert workbook["Tindak lanjut"].oddFooter.center.text == "Halaman &P dari &N"
    assert workbook["Ringkasan"]["B6"].value == "Draf kerja (belum bernomor)"


def test_list_export_prints_landscape_fit_to_width_with_repeated_header(client, users, sample):
    client.login("anggota")
    sheet = load_workbook(io.BytesIO(client.get("/items/export.xlsx").data)).active
    _assert_prints_as_a_table(sheet)

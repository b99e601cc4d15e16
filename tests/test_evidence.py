"""Evidence files (bukti dukung): what may be attached, by whom, how it is stored and downloaded."""
import hashlib
import io
from urllib.parse import quote

import pytest
from PIL import Image
from sqlalchemy import func, select

from tests import evidence_samples as samples
from tracker.extensions import db
from tracker.models import EvidenceFile, ItemHistory
from tracker.services import file_types

MB = 1024 * 1024


def upload(client, item_id: int, name: str, data: bytes, note: str | None = None, token: bool = True):
    """POST the item page's upload form, as a browser sends it (multipart, with this session's CSRF token)."""
    fields = {"file": (io.BytesIO(data), name)}
    if note is not None:
        fields["note"] = note
    if token:
        fields["csrf_token"] = client.csrf_token("/profile")
    return client.post(f"/items/{item_id}/evidence", data=fields, content_type="multipart/form-data")


def stored(app) -> tuple[int, int]:
    """How many evidence rows and history rows there are."""
    with app.app_context():
        return (db.session.scalar(select(func.count(EvidenceFile.id))),
                db.session.scalar(select(func.count(ItemHistory.id))))


def only_file(app) -> EvidenceFile:
    with app.app_context():
        return db.session.scalars(select(EvidenceFile)).one()


@pytest.mark.parametrize("media_type", list(samples.allowed()))
def test_each_allowed_type_is_attached_and_downloads_unchanged(app, client, users, sample, media_type):
    name, data = samples.allowed()[media_type]
    client.login("anggota")
    response = upload(client, sample["item1"], name, data, note="Bukti kegiatan")
    assert response.status_code == 302
    page = client.get(f"/items/{sample['item1']}").get_data(as_text=True)
    assert f"Berkas {name} dilampirkan." in page and "Bukti kegiatan" in page
    evidence = only_file(app)
    assert (evidence.media_type, evidence.file_name, evidence.note) == (media_type, name, "Bukti kegiatan")
    download = client.get(f"/evidence/{evidence.id}")
    assert download.status_code == 200
    assert download.mimetype == media_type
    assert hashlib.sha256(download.data).hexdigest() == evidence.sha256 and len(download.data) == evidence.size
    if media_type not in samples.IMAGE_TYPES:
        assert download.data == data  # documents are kept byte for byte; pictures are re-encoded


@pytest.mark.parametrize("case", list(samples.refused()))
def test_each_refused_kind_is_refused_with_a_message_and_nothing_stored(app, client, users, sample, case):
    name, data = samples.refused()[case]
    client.login("anggota")
    before = stored(app)
    response = upload(client, sample["item1"], name, data)
    assert response.status_code == 422
    assert "Jenis berkas ini tidak dapat dilampirkan" in response.get_data(as_text=True)
    assert stored(app) == before


def test_a_file_over_the_limit_is_refused_with_413_and_nothing_stored(app, client, users, sample):
    client.login("anggota")
    before = stored(app)
    over = samples.pdf(padding=10 * MB)  # a real PDF just over 10 MB
    assert len(over) > 10 * MB
    response = upload(client, sample["item1"], "besar.pdf", b"%PDF-1.7\n" + b"0" * (10 * MB + 1 - 9))
    assert response.status_code == 413
    assert "Berkas terlalu besar: paling besar 10 MB." in response.get_data(as_text=True)
    assert upload(client, sample["item1"], "besar.pdf", over).status_code == 413
    # Far past the limit the body is not even read: still a clear 413 in the user's language.
    response = upload(client, sample["item1"], "raksasa.pdf", b"0" * (12 * MB))
    assert response.status_code == 413 and "paling besar 10 MB" in response.get_data(as_text=True)
    assert stored(app) == before


def test_a_file_larger_than_the_apps_form_limit_but_within_its_own_is_accepted(app, client, users, sample):
    client.login("anggota")
    data = samples.pdf(padding=3 * MB)  # the app's other forms stop at 2 MB
    assert upload(client, sample["item1"], "laporan-lengkap.pdf", data).status_code == 302
    assert only_file(app).size == len(data)


def test_the_limit_is_a_setting_and_exact(app, client, users, sample):
    app.config["EVIDENCE_MAX_MB"] = 1
    client.login("anggota")
    assert upload(client, sample["item1"], "pas.pdf", samples.pdf_of_size(MB)).status_code == 302
    response = upload(client, sample["item1"], "lebih.pdf", samples.pdf_of_size(MB + 1))
    assert response.status_code == 413 and "paling besar 1 MB" in response.get_data(as_text=True)
    assert stored(app)[0] == 1


@pytest.mark.parametrize("who, status", [("anggota", 302), ("anggota2", 302), ("kepala", 302), ("admin", 302),
                                         ("anggota3", 403), ("pemantau", 403)])
def test_who_may_attach(app, client, users, sample, who, status):
    """Item 1: anggota owns it, anggota2 supports it; anggota3 is another member, pemantau a viewer."""
    if who == "anggota3":
        from tests.conftest import add_user
        from tracker.models import Role

        with app.app_context():
            add_user("anggota3", "Anggota Tiga", Role.MEMBER)
            db.session.commit()
    client.login(who)
    before = stored(app)
    response = upload(client, sample["item1"], "foto.png", samples.picture("PNG"))
    assert response.status_code == status
    assert (stored(app) == before) == (status == 403)


def test_viewers_and_other_members_read_and_download(app, make_client, users, sample):
    """Item 3 is anggota's alone: anggota2 is another member there, pemantau a viewer."""
    owner = make_client()
    owner.login("anggota")
    upload(owner, sample["item3"], "laporan.pdf", samples.pdf())
    evidence = only_file(app)
    for who in ("pemantau", "anggota2"):
        reader = make_client()
        reader.login(who)
        page = reader.get(f"/items/{sample['item3']}").get_data(as_text=True)
        assert "laporan.pdf" in page
        assert f'action="/items/{sample["item3"]}/evidence"' not in page  # no upload form for them
        assert reader.get(f"/evidence/{evidence.id}").status_code == 200
    response = make_client().get(f"/evidence/{evidence.id}")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_an_upload_without_this_sessions_csrf_token_is_refused(app, client, users, sample):
    client.login("anggota")
    before = stored(app)
    response = upload(client, sample["item1"], "laporan.pdf", samples.pdf(), token=False)
    assert response.status_code == 400
    assert stored(app) == before


def test_download_headers_keep_the_file_from_running_in_our_origin(app, client, users, sample):
    client.login("anggota")
    upload(client, sample["item1"], "Laporan Seri 28 – Mamuju, Sulawesi Barat.pdf", samples.pdf())
    evidence = only_file(app)
    response = client.get(f"/evidence/{evidence.id}")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''" + quote("Laporan Seri 28 – Mamuju, Sulawesi Barat.pdf") in disposition  # RFC 6266
    assert 'filename="Laporan Seri 28  Mamuju, Sulawesi Barat.pdf"' in disposition  # the ASCII fallback
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"].startswith("sandbox")
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("given, kept", [
    ('C:\\fakepath\\Laporan "akhir".pdf', "Laporan _akhir_.pdf"),  # an old browser's full path
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("baris\r\nbaru\x00.pdf", "baris__baru_.pdf"),
    ("CON.pdf", "CON_.pdf"),  # a reserved name on Windows
    ("..pdf", "bukti.pdf"),
    ("Foto.JPEG", "Foto.jpeg"),
    ("x" * 300 + ".pdf", "x" * 150 + ".pdf"),
])
def test_stored_names_carry_no_path_quotes_or_control_characters(given, kept):
    media_type = file_types.JPEG if given.endswith("JPEG") else file_types.PDF
    assert file_types.safe_file_name(given, media_type) == kept


def test_a_name_that_lies_about_the_type_gets_the_real_extension(app, client, users, sample):
    client.login("anggota")
    upload(client, sample["item1"], "laporan.html", samples.pdf())
    assert only_file(app).file_name == "laporan.pdf"


def test_gps_and_other_exif_data_are_removed_from_photos(app, client, users, sample):
    original = samples.picture("JPEG", size=(120, 90), gps=True)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(samples.GPS_IFD)  # the test photo has a location
    client.login("anggota")
    assert upload(client, sample["item1"], "lokasi.jpg", original).status_code == 302
    evidence = only_file(app)
    with app.app_context():
        content = db.session.scalar(select(EvidenceFile.content).where(EvidenceFile.id == evidence.id))
    kept = Image.open(io.BytesIO(content))
    assert kept.size == (120, 90) and kept.format == "JPEG"
    assert dict(kept.getexif()) == {} and "exif" not in kept.info
    assert b"Kamera Uji" not in content and b"Exif" not in content
    assert client.get(f"/evidence/{evidence.id}").data == content


def test_pictures_have_thumbnails_on_the_item_page(app, client, users, sample):
    client.login("anggota")
    upload(client, sample["item1"], "foto.webp", samples.picture("WEBP", size=(1200, 800)))
    upload(client, sample["item1"], "laporan.pdf", samples.pdf())
    with app.app_context():
        picture, document = db.session.scalars(select(EvidenceFile).order_by(EvidenceFile.id)).all()
    page = client.get(f"/items/{sample['item1']}").get_data(as_text=True)
    assert f'src="/evidence/{picture.id}/thumbnail"' in page
    thumbnail = client.get(f"/evidence/{picture.id}/thumbnail")
    assert thumbnail.status_code == 200 and thumbnail.mimetype == "image/jpeg"
    assert max(Image.open(io.BytesIO(thumbnail.data)).size) <= 320
    assert thumbnail.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"/evidence/{document.id}/thumbnail").status_code == 404


def test_the_same_file_twice_on_one_item_is_refused_naming_the_first(app, client, users, sample):
    client.login("anggota")
    data = samples.pdf()
    assert upload(client, sample["item1"], "laporan.pdf", data).status_code == 302
    before = stored(app)
    response = upload(client, sample["item1"], "salinan.pdf", data)
    assert response.status_code == 422
    assert "Berkas ini sudah dilampirkan: laporan.pdf, oleh Anggota Uji" in response.get_data(as_text=True)
    assert stored(app) == before
    # On another item the same file is welcome.
    assert upload(client, sample["item3"], "laporan.pdf", data).status_code == 302


def test_the_item_page_shows_the_files_before_the_status_controls(app, client, users, sample):
    client.login("kepala")
    upload(client, sample["item3"], "bukti-akhir.pdf", samples.pdf())
    page = client.get(f"/items/{sample['item3']}").get_data(as_text=True)
    assert page.index("bukti-akhir.pdf") < page.index('id="status-heading"')
    assert 'enctype="multipart/form-data"' in page


def test_broken_and_oversized_pictures_are_refused_not_failed(app, client, users, sample):
    client.login("anggota")
    before = stored(app)
    broken = samples.picture("JPEG")[:40]  # a JPEG header and nothing after it
    response = upload(client, sample["item1"], "rusak.jpg", broken)
    assert response.status_code == 422 and "Gambar tidak dapat dibaca" in response.get_data(as_text=True)
    bomb = io.BytesIO()
    Image.new("1", (10000, 6000)).save(bomb, "PNG")  # 60 megapixels in a few kilobytes
    response = upload(client, sample["item1"], "bom.png", bomb.getvalue())
    assert response.status_code == 422 and "50 megapiksel" in response.get_data(as_text=True)
    assert stored(app) == before


def test_only_signed_in_people_may_send_a_body_past_the_apps_limit(app, client, users, sample):
    response = client.post(f"/items/{sample['item1']}/evidence", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(samples.pdf(padding=3 * MB)), "laporan.pdf")})
    assert response.status_code == 413  # the app's 2 MB, before anything else is read
    response = client.post(f"/items/{sample['item1']}/evidence", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(samples.pdf()), "laporan.pdf")})
    assert response.status_code == 400  # a small body: the CSRF check answers, then the sign-in wall would
    assert stored(app)[0] == 0

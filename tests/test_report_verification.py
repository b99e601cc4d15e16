"""Frozen reports carry a fingerprint and a QR code of /verify/<code>; that public page says whether the
report is genuine and unchanged, and shows nothing of its items."""
import base64
import io
import re
from urllib.parse import urlsplit

import zxingcpp
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import text

from tracker.extensions import db
from tracker.models import ReportSnapshot
from tracker.models.integrity import snapshot_fingerprint

FINGERPRINT_RE = re.compile(r"\b[0-9a-f]{64}\b")
QR_RE = re.compile(r'src="data:image/png;base64,([^"]+)"')


def _freeze(client, **scope) -> int:
    response = client.submit("/reports/snapshots", scope, token_from="/reports")
    assert response.status_code == 302
    return int(urlsplit(response.location).path.rsplit("/", 1)[1])


def _snapshot(app, snapshot_id: int) -> ReportSnapshot:
    with app.app_context():
        snapshot = db.session.get(ReportSnapshot, snapshot_id)
        db.session.expunge(snapshot)
        return snapshot


def _decode(image: Image.Image) -> list[str]:
    return [found.text for found in zxingcpp.read_barcodes(image)]


def test_freezing_stores_the_fingerprint_of_what_was_frozen(app, client, users, sample):
    client.login("kepala")
    snapshot = _snapshot(app, _freeze(client, webinar=sample["webinar"]))
    assert FINGERPRINT_RE.fullmatch(snapshot.fingerprint)
    assert snapshot.fingerprint == snapshot_fingerprint(snapshot.number, snapshot.title, snapshot.scope,
                                                        snapshot.data, snapshot.created_at)
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", snapshot.verification_code)
    other = _snapshot(app, _freeze(client, webinar=sample["webinar"]))
    assert other.verification_code != snapshot.verification_code
    assert other.fingerprint != snapshot.fingerprint  # another number, another moment


def test_snapshot_page_shows_the_fingerprint_and_a_qr_code_of_the_verify_address(app, client, users, sample):
    client.login("kepala")
    snapshot = _snapshot(app, _freeze(client))
    page = client.get(f"/reports/snapshots/{snapshot.id}").get_data(as_text=True)
    url = f"{app.config['BASE_URL']}/verify/{snapshot.verification_code}"
    assert snapshot.fingerprint in page and url in page
    (qr,) = QR_RE.findall(page)
    assert _decode(Image.open(io.BytesIO(base64.b64decode(qr)))) == [url]
    assert client.get("/reports/view").get_data(as_text=True).count("report-seal") == 0  # live: no seal


def test_snapshot_pdf_prints_the_fingerprint_and_a_qr_image_of_the_verify_address(app, client, users, sample):
    client.login("kepala")
    snapshot = _snapshot(app, _freeze(client))
    response = client.get(f"/reports/snapshots/{snapshot.id}.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(response.data))
    words = "".join("".join((page.extract_text() or "").split()) for page in reader.pages)
    assert snapshot.fingerprint in words
    url = f"{app.config['BASE_URL']}/verify/{snapshot.verification_code}"
    decoded = [text for page in reader.pages for image in page.images for text in _decode(image.image)]
    assert url in decoded


def test_verify_page_says_genuine_without_sign_in_and_shows_no_item(app, client, users, sample):
    client.login("kepala")
    snapshot = _snapshot(app, _freeze(client, webinar=sample["webinar"]))
    client.logout()
    response = client.get(f"/verify/{snapshot.verification_code}")  # nobody signed in
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Asli" in page and "Tidak cocok" not in page
    assert snapshot.number in page and snapshot.fingerprint in page
    assert snapshot.data["signer"]["position"] in page
    assert "WITA" in page
    for title in ("Kajian regulasi", "Pelatihan literasi digital", "Pola karier", "S28-01", "Anggota Uji"):
        assert title not in page
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert response.headers["X-Frame-Options"] == "DENY" and response.headers["Cache-Control"] == "no-store"


def test_verify_page_says_altered_after_the_stored_data_change(app, client, users, sample):
    client.login("kepala")
    snapshot = _snapshot(app, _freeze(client))
    with app.app_context():
        stored = db.session.scalar(text("SELECT CAST(data AS TEXT) FROM report_snapshots WHERE id = :id"),
                                   {"id": snapshot.id})
        db.session.execute(text("UPDATE report_snapshots SET data = :data WHERE id = :id"),
                           {"data": stored.replace("Kajian regulasi", "Kajian regulasi (sudah tuntas)"),
                            "id": snapshot.id})
        db.session.commit()
    client.logout()
    page = client.get(f"/verify/{snapshot.verification_code}").get_data(as_text=True)
    assert "Tidak cocok" in page and "Asli</p>" not in page
    assert snapshot.fingerprint in page and "sudah tuntas" not in page


def test_verify_page_says_altered_when_the_data_is_no_longer_json(app, client, users, sample):
    client.login("kepala")
    snapshot = _snapshot(app, _freeze(client))
    with app.app_context():
        if db.engine.dialect.name == "sqlite":  # PostgreSQL refuses invalid JSON in the column itself
            db.session.execute(text("UPDATE report_snapshots SET data = '{rusak' WHERE id = :id"), {"id": snapshot.id})
        else:
            db.session.execute(text("UPDATE report_snapshots SET data = '[]' WHERE id = :id"), {"id": snapshot.id})
        db.session.commit()
    response = client.get(f"/verify/{snapshot.verification_code}")
    assert response.status_code == 200 and "Tidak cocok" in response.get_data(as_text=True)


def test_unknown_or_malformed_code_is_a_404_page(app, client, users):
    for code in ("tidak-ada-laporan-ini", "x" * 200, "%00", "a.b", "'; DROP TABLE report_snapshots;--"):
        response = client.get(f"/verify/{code}")
        assert response.status_code == 404, code
        page = response.get_data(as_text=True)
        assert "Tidak ada laporan terkunci dengan kode verifikasi ini" in page
    assert client.get("/verify/").status_code == 404


def test_verify_page_in_english(app, client, users, sample):
    client.login("kepala")
    snapshot = _snapshot(app, _freeze(client))
    client.logout()
    token = client.csrf_token("/login")
    client.post("/language", data={"language": "en", "csrf_token": token})
    page = client.get(f"/verify/{snapshot.verification_code}").get_data(as_text=True)
    assert "Genuine" in page and "Report verification" in page

"""Evidence files in the rest of the app: withdrawal and history, the `selesai` rule, the API, reports, backups."""
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from tests import evidence_samples as samples
from tests.conftest import get_user
from tests.test_evidence import only_file, stored, upload
from tracker.extensions import db
from tracker.models import ActionItem, EvidenceFile, HistoryKind, ItemHistory, Status, TokenKind
from tracker.services.tokens import create_token


def _item(app, item_id) -> ActionItem:
    with app.app_context():
        return db.session.get(ActionItem, item_id)


def _withdraw(client, evidence_id: int, note: str = ""):
    return client.submit(f"/evidence/{evidence_id}/withdraw", {"note": note})


def test_the_uploader_withdraws_a_file_and_the_history_says_so(app, make_client, users, sample):
    owner = make_client()
    owner.login("anggota")
    version = _item(app, sample["item1"]).version
    upload(owner, sample["item1"], "foto-kegiatan.jpg", samples.picture("JPEG"), note="Rapat 5 Jan")
    evidence = only_file(app)
    assert _item(app, sample["item1"]).version == version  # attaching leaves the item's version alone
    response = _withdraw(owner, evidence.id, "Salah foto")
    assert response.status_code == 302
    withdrawn = only_file(app)
    assert withdrawn.withdrawn_at is not None and withdrawn.withdrawn_by_id == users["anggota"]
    assert _item(app, sample["item1"]).version == version + 1  # a verifier's open page goes stale
    with app.app_context():
        kinds = db.session.scalars(select(ItemHistory.kind).where(ItemHistory.field == "evidence_file")
                                   .order_by(ItemHistory.id)).all()
    assert kinds == [HistoryKind.EVIDENCE_ADDED, HistoryKind.EVIDENCE_WITHDRAWN]
    page = owner.get(f"/items/{sample['item1']}").get_data(as_text=True)
    assert "melampirkan berkas bukti foto-kegiatan.jpg" in page and "Rapat 5 Jan" in page
    assert "menarik berkas bukti foto-kegiatan.jpg" in page and "Salah foto" in page
    assert "1 berkas ditarik" in page
    # Kept for the audit trail: heads still download it; the owner and viewers no longer do.
    head, viewer = make_client(), make_client()
    head.login("kepala")
    viewer.login("pemantau")
    assert head.get(f"/evidence/{evidence.id}").status_code == 200
    assert viewer.get(f"/evidence/{evidence.id}").status_code == 403
    assert owner.get(f"/evidence/{evidence.id}").status_code == 403
    # Withdrawn, the same file may be attached again.
    assert upload(owner, sample["item1"], "foto-kegiatan.jpg", samples.picture("JPEG")).status_code == 302


def test_who_may_withdraw(app, make_client, users, sample):
    """anggota2 supports item 1 but did not attach the file; a head may withdraw anyone's file."""
    owner = make_client()
    owner.login("anggota")
    upload(owner, sample["item1"], "laporan.pdf", samples.pdf())
    evidence = only_file(app)
    for who in ("anggota2", "pemantau"):
        other = make_client()
        other.login(who)
        before = stored(app)
        assert _withdraw(other, evidence.id).status_code == 403
        assert stored(app) == before and only_file(app).is_current
    head = make_client()
    head.login("kepala")
    assert _withdraw(head, evidence.id).status_code == 302
    assert not only_file(app).is_current
    response = _withdraw(head, evidence.id)
    assert response.status_code == 422 and "Berkas ini sudah ditarik." in response.get_data(as_text=True)


def test_after_verification_files_are_final(app, client, users, sample):
    client.login("kepala")
    upload(client, sample["item3"], "laporan.pdf", samples.pdf())
    evidence = only_file(app)
    version = _item(app, sample["item3"]).version
    assert client.submit(f"/items/{sample['item3']}/status",
                         {"status": "terverifikasi", "version": version}).status_code == 302
    before = stored(app)
    response = _withdraw(client, evidence.id)
    assert response.status_code == 422
    assert "sudah terverifikasi: berkasnya tidak dapat ditarik lagi" in response.get_data(as_text=True)
    response = upload(client, sample["item3"], "tambahan.png", samples.picture("PNG"))
    assert response.status_code == 422 and "buktinya sudah final" in response.get_data(as_text=True)
    assert stored(app) == before and only_file(app).is_current
    page = client.get(f"/items/{sample['item3']}").get_data(as_text=True)
    assert "laporan.pdf" in page and "Tarik berkas ini" not in page and 'enctype="multipart/form-data"' not in page


def test_a_file_alone_lets_an_item_be_done(app, client, users, sample):
    """Item 1 has no evidence link: moving it to selesai needs a file, a link or a note."""
    client.login("anggota")
    url = f"/items/{sample['item1']}/status"
    response = client.submit(url, {"status": "selesai", "version": _item(app, sample["item1"]).version},
                             follow_redirects=True)  # refused: back on the item page (post/redirect/get)
    assert "memerlukan berkas bukti, tautan bukti, atau catatan" in response.get_data(as_text=True)
    assert _item(app, sample["item1"]).status != Status.DONE
    upload(client, sample["item1"], "hasil.pdf", samples.pdf())
    _withdraw(client, only_file(app).id)  # a withdrawn file does not count
    client.submit(url, {"status": "selesai", "version": _item(app, sample["item1"]).version})
    assert _item(app, sample["item1"]).status != Status.DONE
    upload(client, sample["item1"], "hasil-final.xlsx", samples.xlsx())
    assert client.submit(url, {"status": "selesai", "version": _item(app, sample["item1"]).version}).status_code == 302
    assert _item(app, sample["item1"]).status == Status.DONE


def test_the_only_evidence_of_a_done_item_cannot_be_withdrawn(app, client, users, sample):
    client.login("anggota")
    upload(client, sample["item1"], "hasil.pdf", samples.pdf())
    client.submit(f"/items/{sample['item1']}/status", {"status": "selesai", "version": _item(app, sample["item1"]).version})
    response = _withdraw(client, only_file(app).id)
    assert response.status_code == 422 and "satu-satunya bukti" in response.get_data(as_text=True)
    assert only_file(app).is_current


def test_a_verification_from_a_page_that_still_showed_a_withdrawn_file_is_stale(app, make_client, users, sample):
    head, owner = make_client(), make_client()
    head.login("kepala")
    owner.login("anggota")
    upload(owner, sample["item3"], "laporan.pdf", samples.pdf())
    upload(owner, sample["item3"], "foto.png", samples.picture("PNG"))
    seen = _item(app, sample["item3"]).version  # the version in the head's status form
    with app.app_context():
        photo = db.session.scalar(select(EvidenceFile).where(EvidenceFile.file_name == "foto.png"))
    assert _withdraw(owner, photo.id).status_code == 302
    response = head.submit(f"/items/{sample['item3']}/status", {"status": "terverifikasi", "version": seen})
    assert response.status_code == 409
    assert "menarik berkas bukti foto.png" in response.get_data(as_text=True)
    assert _item(app, sample["item3"]).status == Status.DONE


# --- API -------------------------------------------------------------------------------------


@pytest.fixture()
def api_tokens(app, users):
    with app.app_context():
        made = {name: create_token(get_user(name), TokenKind.API, "uji")[1] for name in ("anggota", "pemantau")}
        db.session.commit()
    return made


def test_api_upload_and_the_item_json_lists_the_files(app, client, api_tokens, sample):
    owner = {"Authorization": f"Bearer {api_tokens['anggota']}"}
    url = f"/api/v1/items/{sample['item1']}/evidence"
    response = client.post(url, headers=owner, content_type="multipart/form-data",
                           data={"file": (io.BytesIO(samples.pdf()), "laporan.pdf"), "note": "Lewat API"})
    assert response.status_code == 201, response.get_data(as_text=True)
    created = response.get_json()
    assert created["name"] == "laporan.pdf" and created["media_type"] == "application/pdf"
    assert created["uploaded_by"]["username"] == "anggota" and created["note"] == "Lewat API"
    assert created["url"].endswith(f"/evidence/{created['id']}") and len(created["sha256"]) == 64
    item = client.get(f"/api/v1/items/{sample['item1']}", headers=owner).get_json()
    assert item["evidence_files"] == [created]
    # Refusals in JSON, nothing stored.
    before = stored(app)
    response = client.post(url, headers=owner, content_type="multipart/form-data",
                           data={"file": (io.BytesIO(b"<html><script>1</script></html>"), "x.pdf")})
    assert response.status_code == 422 and response.get_json()["error"]["fields"]["file"]
    response = client.post(url, headers=owner, content_type="multipart/form-data",
                           data={"file": (io.BytesIO(samples.pdf()), "lagi.pdf")})
    assert response.status_code == 422 and "laporan.pdf" in response.get_json()["error"]["message"]
    viewer = {"Authorization": f"Bearer {api_tokens['pemantau']}"}
    response = client.post(url, headers=viewer, content_type="multipart/form-data",
                           data={"file": (io.BytesIO(samples.picture("PNG")), "foto.png")})
    assert response.status_code == 403
    response = client.post(url, headers=owner, content_type="multipart/form-data",
                           data={"file": (io.BytesIO(b"%PDF" + b"0" * (10 * 1024 * 1024)), "besar.pdf")})
    assert response.status_code == 413 and response.get_json()["error"]["code"] == "too_large"
    assert stored(app) == before


def test_api_upload_with_a_session_needs_the_csrf_header(app, client, users, sample):
    client.login("anggota")
    url = f"/api/v1/items/{sample['item1']}/evidence"

    def send(headers):
        return client.post(url, headers=headers, content_type="multipart/form-data",
                           data={"file": (io.BytesIO(samples.pdf()), "laporan.pdf")})

    assert send({}).status_code == 400
    assert stored(app)[0] == 0
    assert send({"X-CSRFToken": client.csrf_token("/profile")}).status_code == 201


def test_the_openapi_document_describes_the_upload(client):
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/items/{item_id}/evidence"]["post"]
    schema = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert schema == {"$ref": "#/components/schemas/EvidenceUpload"}
    upload_schema = document["components"]["schemas"]["EvidenceUpload"]
    assert set(upload_schema["properties"]) == {"file", "note"} and upload_schema["required"] == ["file"]
    assert {"201", "403", "413", "422"} <= set(operation["responses"])
    assert "EvidenceFile" in document["components"]["schemas"]


# --- Reports ---------------------------------------------------------------------------------


def test_reports_count_the_files_of_each_item(app, client, users, sample):
    client.login("kepala")
    upload(client, sample["item3"], "laporan.pdf", samples.pdf())
    upload(client, sample["item3"], "foto.png", samples.picture("PNG"))
    upload(client, sample["item1"], "draf.docx", samples.docx())
    _withdraw(client, only_file_named(app, "draf.docx"))  # withdrawn: not counted
    page = client.get("/reports/view").get_data(as_text=True)
    assert "2 berkas" in page and "1 berkas" not in page
    workbook = load_workbook(io.BytesIO(client.get("/reports/rekap.xlsx").data))
    rows = list(workbook["Tindak lanjut"].iter_rows(values_only=True))
    assert rows[0][-1] == "Bukti dukung"
    assert {row[1]: row[-1] for row in rows[1:]} == {"S28-01": 0, "S28-02": 0, "S28-03": 2}
    pdf = client.get("/reports/report.pdf")
    text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "2 berkas" in " ".join(text.split())


def only_file_named(app, name: str) -> int:
    with app.app_context():
        return db.session.scalar(select(EvidenceFile.id).where(EvidenceFile.file_name == name))


def test_item_pages_never_load_file_contents(app, client, users, sample, count_queries):
    client.login("kepala")
    upload(client, sample["item1"], "besar.pdf", samples.pdf(padding=512 * 1024))
    with count_queries() as statements:
        assert client.get(f"/items/{sample['item1']}").status_code == 200
        assert client.get("/reports/view").status_code == 200
    evidence_reads = [s for s in statements if "evidence_files" in s]
    assert evidence_reads and not any("content" in s or "thumbnail" in s for s in evidence_reads)
    with app.app_context():
        assert db.session.scalar(select(func.count(EvidenceFile.id))) == 1


def test_every_labelled_control_on_the_item_page_has_an_id_of_its_own(client, users, sample):
    """The evidence form sits beside the status form: a label must name its own field, not the other's."""
    import re

    client.login("anggota")  # the owner sees the evidence, status, progress and comment forms
    page = client.get(f"/items/{sample['item1']}").get_data(as_text=True)
    labelled = re.findall(r'<label[^>]*\bfor="([^"]+)"', page)
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert "evidence-note" in labelled and "note" in labelled
    assert [name for name in labelled if ids.count(name) != 1] == []

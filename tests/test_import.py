"""Import of the sheet a working group already keeps: mapping, preview, all or nothing, again by code."""
import io
import re
import zipfile
from datetime import date
from xml.sax.saxutils import escape

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from tests.test_dashboard_tallies import _recount as recount
from tests.test_dashboard_tallies import _tallies as tallies
from tracker.extensions import db
from tracker.models import ActionItem, HistoryKind, ImportUpload, ItemHistory, Priority, Status, User
from tracker.services.history_check import verify_history

HEADERS = ["Kode", "Tindak lanjut", "Uraian", "Seri", "Penanggung jawab", "Pendukung", "Unsur", "OPD", "Prioritas",
           "Tenggat", "Status", "Progres", "Bukti", "Sumber"]
ROWS = [
    ["", "Susun peta jabatan", "Untuk semua OPD", 28, "Anggota Uji", "Anggota Dua", "Human resources", "Dinkes",
     "Tinggi", date(2024, 3, 31), "Dikerjakan", 40, "https://example.go.id/peta", "Narasumber 1"],
    ["TL-7", "Surat edaran kerja hibrida", "", "Seri 28", "kepala", "", "", "Dinas Kesehatan", "rendah",
     "31/05/2024", "baru", "", "", ""],
]


def xlsx(headers, rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ods(headers, rows) -> bytes:
    """A minimal OpenDocument spreadsheet (text cells), as LibreOffice stores one."""
    def cell(value):
        return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'
    body = "".join("<table:table-row>" + "".join(cell(value) for value in row) + "</table:table-row>"
                   for row in [headers, *rows])
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Sheet1">{body}</table:table>'
        '</office:spreadsheet></office:body></office:document-content>'
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    return buffer.getvalue()


def text_cell(value) -> str:
    return value.strftime("%d/%m/%Y") if isinstance(value, date) else str(value)


@pytest.fixture()
def reference(app, sample):
    """The sample's Seri 28 (units such as Dinas Kesehatan / Dinkes and themes are seeded)."""
    return sample


def upload(client, content: bytes, name: str = "tindak-lanjut.xlsx", **fields):
    data = {"action": "upload", "file": (io.BytesIO(content), name), **fields}
    return client.submit("/import", data, token_from="/import", content_type="multipart/form-data")


def token_of(page: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', page).group(1)


def mapping_of(page: str) -> dict:
    """The mapping the preview shows, as the form sends it back."""
    mapping = {}
    for select_html in re.findall(r'<select[^>]*name="(map-\d+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', select_html[1])
        mapping[select_html[0]] = chosen.group(1) if chosen else ""
    return mapping


def confirm(client, page: str, action: str = "save", **extra):
    data = {"action": action, "token": token_of(page), **mapping_of(page), **extra}
    return client.submit("/import", data, token_from="/import")


def items_by_code() -> dict:
    return {item.code: item for item in db.session.scalars(select(ActionItem))}


def test_an_xlsx_sheet_is_previewed_then_saved_with_history(app, client, reference):
    client.login("kepala")
    page = upload(client, xlsx(HEADERS, ROWS)).get_data(as_text=True)
    assert "2 rows: 2 new items" in page or "2 baris: 2 tindak lanjut baru" in page
    with app.app_context():
        assert db.session.scalar(select(func.count(ActionItem.id))) == 3  # nothing saved by the preview
    response = confirm(client, page)
    assert response.status_code == 302
    with app.app_context():
        items = items_by_code()
        first = next(item for item in items.values() if item.title == "Susun peta jabatan")
        assert first.code == "S28-04" and first.owner.username == "anggota"
        assert [m.username for m in first.supporters] == ["anggota2"]
        assert first.unit.short_name == "Dinkes" and first.theme.slug == "sdm"
        assert first.priority == Priority.HIGH and first.due_date == date(2024, 3, 31)
        assert first.status == Status.IN_PROGRESS and first.progress == 40
        assert first.source == "Narasumber 1" and first.description == "Untuk semua OPD"
        second = items["TL-7"]
        assert second.due_date == date(2024, 5, 31) and second.owner.username == "kepala"
        notes = db.session.scalars(select(ItemHistory.note).where(ItemHistory.item_id == first.id)).all()
        assert notes and all(note == "Diimpor dari tindak-lanjut.xlsx" for note in notes)
        assert db.session.scalar(select(func.count(ImportUpload.id))) == 0
        assert verify_history().intact
        assert tallies() == recount()  # the dashboard's counts took the new items in


def test_importing_the_same_file_again_updates_by_code(app, client, reference):
    client.login("kepala")
    rows = [["S28-02", "Pelatihan literasi digital", 28, "Anggota Dua", "Dikerjakan", 30],
            ["TL-9", "Rapat koordinasi", 28, "Anggota Uji", "Baru", 0]]
    headers = ["Kode", "Judul", "Webinar", "PIC", "Status", "Progress (%)"]
    confirm(client, upload(client, xlsx(headers, rows)).get_data(as_text=True))
    again = upload(client, xlsx(headers, rows)).get_data(as_text=True)
    assert "Tidak ada yang perlu disimpan" in again  # every item is already as the file says
    rows[1][5] = 50
    page = upload(client, xlsx(headers, rows)).get_data(as_text=True)
    assert confirm(client, page).status_code == 302
    with app.app_context():
        items = items_by_code()
        assert len(items) == 4
        assert items["S28-02"].status == Status.IN_PROGRESS and items["S28-02"].progress == 30
        assert items["TL-9"].progress == 50
        last = db.session.scalars(select(ItemHistory).where(ItemHistory.item_id == items["TL-9"].id)
                                  .order_by(ItemHistory.id.desc())).first()
        assert last.field == "progress" and last.note.startswith("Diimpor dari")


def test_every_problem_is_listed_and_nothing_is_saved(app, client, reference):
    client.login("kepala")
    rows = [["A-1", "Satu", 28, "Siapa Entah", "", "", "", "", "", "", ""],
            ["A-2", "Dua", 28, "", "", "", "Dinas Antah", "", "kemarin", "beres", "120"],
            ["A-1", "Tiga", 99, "", "", "", "", "penting", "", "", ""],
            ["S28-01", "Kajian regulasi", 28, "", "", "", "", "", "", "Terverifikasi", ""]]
    page = upload(client, xlsx(HEADERS[:2] + HEADERS[3:12], rows)).get_data(as_text=True)
    for expected in ("Siapa Entah", "Dinas Antah", "“kemarin” bukan tanggal", "“beres” bukan status",
                     "A-1 sudah ada di baris 2", "seri 99", "penting", "120", "dari Dikerjakan ke Terverifikasi"):
        assert expected in page
    assert "Simpan impor" not in page
    response = confirm(client, page)
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(func.count(ActionItem.id))) == 3
        assert db.session.scalar(select(func.count(ItemHistory.id))) == 3


def test_close_names_are_used_only_once_confirmed(app, client, reference):
    client.login("kepala")
    page = upload(client, xlsx(["Judul", "Seri", "Penanggung jawab", "OPD/Unit"],
                               [["Kajian SOP", 28, "Angota Uji", "dinas  KESEHATAN"]])).get_data(as_text=True)
    assert "“Angota Uji” adalah Anggota Uji" in page  # a typo: to be confirmed
    assert confirm(client, page).status_code == 422
    page = confirm(client, page, action="check", confirm="person:angota uji").get_data(as_text=True)
    assert "Simpan impor" in page
    assert confirm(client, page, confirm="person:angota uji").status_code == 302
    with app.app_context():
        item = db.session.scalar(select(ActionItem).where(ActionItem.title == "Kajian SOP"))
        assert item.owner.username == "anggota" and item.unit.name == "Dinas Kesehatan"


def test_the_user_changes_a_mapping(app, client, reference):
    client.login("kepala")
    page = upload(client, xlsx(["Nama kegiatan", "Seri"], [["Kajian SOP", 28]])).get_data(as_text=True)
    assert "Petakan sebuah kolom" in page  # no title column recognised
    page = confirm(client, page, action="check", **{"map-0": "title"}).get_data(as_text=True)
    assert confirm(client, page).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(ActionItem).where(ActionItem.title == "Kajian SOP")) is not None


@pytest.mark.parametrize("encoding, delimiter", [("utf-8-sig", ","), ("cp1252", ";")])
def test_csv_with_either_delimiter_and_encoding(app, client, reference, encoding, delimiter):
    client.login("kepala")
    lines = [delimiter.join(["Judul", "Seri", "Sumber", "Tenggat"]),
             delimiter.join(["Pelatihan ASN", "28", "Sekda – arahan café", "2024-04-30"])]
    upload(client, "\r\n".join(lines).encode(encoding), "tl.csv")
    page = client.get("/import")  # the upload was kept; the preview is re-sent from the stored file
    assert page.status_code == 200
    with app.app_context():
        content = db.session.scalar(select(ImportUpload).order_by(ImportUpload.id.desc())).content
    assert content == "\r\n".join(lines).encode(encoding)
    result = upload(client, "\r\n".join(lines).encode(encoding), "tl.csv").get_data(as_text=True)
    assert confirm(client, result).status_code == 302
    with app.app_context():
        item = db.session.scalar(select(ActionItem).where(ActionItem.title == "Pelatihan ASN"))
        assert item.source == "Sekda – arahan café" and item.due_date == date(2024, 4, 30)


def test_an_ods_sheet(app, client, reference):
    client.login("admin")
    rows = [[text_cell(value) for value in ROWS[0]]]
    page = upload(client, ods(HEADERS, rows), "tl.ods").get_data(as_text=True)
    assert confirm(client, page).status_code == 302
    with app.app_context():
        item = db.session.scalar(select(ActionItem).where(ActionItem.title == "Susun peta jabatan"))
        assert item.due_date == date(2024, 3, 31) and item.unit.short_name == "Dinkes"


def test_a_file_that_is_not_a_sheet_is_refused(app, client, reference):
    client.login("kepala")
    response = upload(client, b"PK\x03\x04 not really a zip", "x.xlsx")
    assert response.status_code == 422 and "rusak" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(ImportUpload.id))) == 0


def test_someone_elses_upload_cannot_be_confirmed(app, client, make_client, reference):
    client.login("kepala")
    page = upload(client, xlsx(HEADERS, ROWS)).get_data(as_text=True)
    other = make_client()
    other.login("admin")
    response = other.submit("/import", {"action": "save", "token": token_of(page), **mapping_of(page)},
                            token_from="/import")
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(func.count(ActionItem.id))) == 3


@pytest.mark.parametrize("export", ["/items/export.xlsx", "/items/export.csv"])
def test_an_export_imports_back_to_the_same_items(app, client, reference, export):
    client.login("kepala")
    with app.app_context():
        db.session.scalar(select(User).where(User.username == "anggota2")).active = False  # left the group
        db.session.commit()
        before = {item.code: (item.title, item.owner_id, item.status, item.progress, item.due_date, item.version,
                              sorted(m.id for m in item.supporters)) for item in items_by_code().values()}
    content = client.get(export).data
    page = upload(client, content, export.rsplit("/", 1)[1]).get_data(as_text=True)
    assert "3 baris: 0 tindak lanjut baru, 0 berubah, 3 tanpa perubahan" in page
    with app.app_context():
        after = {item.code: (item.title, item.owner_id, item.status, item.progress, item.due_date, item.version,
                             sorted(m.id for m in item.supporters)) for item in items_by_code().values()}
    assert after == before


def test_the_command_line_import(app, reference, tmp_path):
    path = tmp_path / "tl.xlsx"
    path.write_bytes(xlsx(HEADERS, [["TL-6", *ROWS[0][1:]], ROWS[1]]))
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["import-items", str(path), "--dry-run"])
    assert dry.exit_code == 0 and "2 new" in dry.output and "Dry run" in dry.output
    with app.app_context():
        assert db.session.scalar(select(func.count(ActionItem.id))) == 3
    saved = runner.invoke(args=["import-items", str(path), "--user", "kepala"])
    assert saved.exit_code == 0, saved.output
    again = runner.invoke(args=["import-items", str(path)])
    assert again.exit_code == 0 and "2 unchanged" in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count(ActionItem.id))) == 5
        item = db.session.scalar(select(ActionItem).where(ActionItem.code == "TL-7"))
        created = db.session.scalar(select(ItemHistory).where(ItemHistory.item_id == item.id,
                                                              ItemHistory.kind == HistoryKind.CREATED))
        assert created.actor.username == "kepala"


def test_the_command_line_refuses_a_sheet_with_problems(app, reference, tmp_path):
    path = tmp_path / "tl.xlsx"
    path.write_bytes(xlsx(["Judul", "Seri", "Tenggat"], [["Satu", 28, "besok"]]))
    result = app.test_cli_runner().invoke(args=["import-items", str(path)])
    assert result.exit_code == 1 and "Row 2" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(ActionItem.id))) == 3


def test_the_items_list_links_heads_to_the_import(client, reference):
    client.login("kepala")
    assert 'href="/import"' in client.get("/items").get_data(as_text=True)
    client.logout()
    client.login("anggota")
    assert 'href="/import"' not in client.get("/items").get_data(as_text=True)
    assert client.get("/import").status_code == 403


def test_the_sheet_is_read_back_as_written(app):
    from tracker.services.import_files import read_table

    table = read_table(xlsx(HEADERS, ROWS + [[None] * len(HEADERS)]))
    assert table.headers == HEADERS and [number for number, _cells in table.rows] == [2, 3]
    workbook = load_workbook(io.BytesIO(xlsx(HEADERS, ROWS)))
    assert workbook.active.max_row == 3


def test_checking_costs_the_same_queries_for_few_rows_and_many(app, client, reference, count_queries):
    client.login("kepala")

    def sheet(new_rows: int) -> bytes:
        existing = [[f"S28-0{n}", f"Judul baru {n}", 28, "Anggota Uji", "Anggota Dua", "Dinkes", "Tinggi"]
                    for n in (1, 2, 3)]
        new = [[f"N-{n}", f"Baru {n}", "Seri 28", "anggota2", "", "Dinas Kesehatan", "rendah"]
               for n in range(new_rows)]
        return xlsx(["Kode", "Judul", "Seri", "PIC", "Pendukung", "OPD", "Prioritas"], existing + new)

    counts = []
    for new_rows in (5, 60):
        content = sheet(new_rows)
        with count_queries() as statements:
            page = upload(client, content).get_data(as_text=True)
        assert f"{new_rows} tindak lanjut baru, 3 berubah" in page
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_the_exports_formula_guard_is_taken_off_a_csv_cell():
    from tracker.services.import_files import read_table

    table = read_table("Judul;Sumber\r\n'=SUM(A1) rapat;'-catatan\r\n'biasa;x\r\n".encode())
    assert [cells for _number, cells in table.rows] == [["=SUM(A1) rapat", "-catatan"], ["'biasa", "x"]]

"""J6: the Excel and CSV exports of a filter hold the same rows as the list shows."""
import csv
import io

from openpyxl import load_workbook

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD, add_item, get_user
from tracker.extensions import db
from tracker.models import Webinar


def test_excel_export_matches_the_filtered_list(open_page, sample, db_ctx):
    with db_ctx():
        webinar = db.session.get(Webinar, sample["webinar"])
        anggota = get_user("anggota")
        add_item(webinar, anggota, title="Rencana aksi =SUM(A1) sosialisasi")  # text that looks like a formula
        add_item(webinar, get_user("anggota2"), title="Bukan milik anggota")
        db.session.commit()

    page = open_page("desktop")
    sign_in(page, "kepala", PASSWORD)
    page.get_by_role("link", name="Tindak lanjut", exact=True).click()
    page.get_by_label("Penanggung jawab").select_option(label="Anggota Uji")
    page.get_by_label("Urutkan").select_option(label="Kode")
    page.get_by_role("button", name="Terapkan filter").click()
    page.get_by_text("3 tindak lanjut cocok").wait_for()
    table = page.get_by_role("table", name="Tindak lanjut")
    shown = [
        (row.locator("td").nth(0).inner_text().strip(), row.locator("td").nth(1).inner_text().strip())
        for row in table.locator("tbody tr").all()
    ]
    assert len(shown) == 3 and "Bukan milik anggota" not in str(shown)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Ekspor Excel").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(open(download.path(), "rb").read()), read_only=True).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header[0] == "Kode" and header[2] == "Judul"
    assert [(row[0], row[2]) for row in rows] == shown
    assert all(row[3] == "Anggota Uji" for row in rows)


def _csv_rows(download, delimiter: str) -> list[list[str]]:
    text = open(download.path(), "rb").read().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def test_csv_separator_is_chosen_on_the_export_menu(page, sample):
    """The main button gives semicolons (Indonesian spreadsheets); the menu offers commas too."""
    sign_in(page, "kepala", PASSWORD)
    page.goto("/items?sort=code")
    with page.expect_download() as semicolons:
        page.get_by_role("link", name="Ekspor CSV").click()
    rows = _csv_rows(semicolons.value, ";")
    assert rows[0][:3] == ["Kode", "Seri webinar", "Judul"] and [row[0] for row in rows[1:]] == [
        "S28-01", "S28-02", "S28-03"]

    page.get_by_role("button", name="Pemisah kolom CSV").click()
    with page.expect_download() as commas:
        page.get_by_role("link", name="CSV dengan koma (,) — Excel atau LibreOffice berbahasa Inggris").click()
    assert _csv_rows(commas.value, ",") == rows

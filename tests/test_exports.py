"""CSV and Excel exports: exactly the rows of the list's filter, in the same order."""
import csv
import io
import re
from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.conftest import add_item, add_webinar, get_user
from tests.test_item_list import codes, dataset  # noqa: F401 - the shared dataset fixture
from tracker.extensions import db
from tracker.models import ActionItem
from tracker.timeutil import local_today

BOM = b"\xef\xbb\xbf"
HEADERS_ID = [
    "Kode", "Seri webinar", "Judul", "Penanggung jawab", "Anggota pendukung", "Unit (OPD)", "Unsur",
    "Prioritas", "Tenggat", "Status", "Progres (%)", "Tautan bukti", "Sumber", "Pembaruan terakhir (WITA)",
]


def read_csv(response, delimiter: str = ";") -> list[list[str]]:
    """The rows of a CSV export read with the separator it should have (";" in Indonesian)."""
    body = response.get_data()
    assert body.startswith(BOM)
    return list(csv.reader(io.StringIO(body[len(BOM):].decode("utf-8")), delimiter=delimiter))


def read_xlsx(response) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    return list(sheet.iter_rows(values_only=True))


def listed_codes(client, query: str) -> list[str]:
    """Every code the list shows for a filter, page after page."""
    shown, page = [], 1
    while True:
        page_codes = codes(client.get(f"/items?{query}&per_page=25&page={page}"))
        shown += page_codes
        if len(page_codes) < 25:
            return shown
        page += 1


@pytest.mark.parametrize("query", [
    "", "status=baru&status=terhambat", "overdue=1", "q=regulasi", "priority=tinggi&sort=priority",
    "sort=code", "due_to=2000-01-01", "status=xyz&page=abc",
])
def test_exports_have_exactly_the_rows_of_the_list(client, dataset, query):
    client.login("kepala")
    expected = listed_codes(client, query)
    csv_rows = read_csv(client.get(f"/items/export.csv?{query}"))
    xlsx_rows = read_xlsx(client.get(f"/items/export.xlsx?{query}"))
    assert csv_rows[0] == HEADERS_ID and list(xlsx_rows[0]) == HEADERS_ID
    assert [row[0] for row in csv_rows[1:]] == expected
    assert [row[0] for row in xlsx_rows[1:]] == expected


def test_csv_content_and_download_name(client, dataset, db_ctx):
    with db_ctx():
        item = db.session.scalar(select(ActionItem).where(ActionItem.code == "S28-01"))
        item.supporters = [get_user("anggota2"), get_user("kepala")]
        item.evidence_url = "https://example.go.id/bukti"
        item.source = "Prof. Zudan"
        db.session.commit()
    client.login("pemantau")  # every role may export
    response = client.get("/items/export.csv?q=Kajian")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # the charset once
    today = local_today().isoformat()
    assert response.headers["Content-Disposition"] == f'attachment; filename="tindak-lanjut-{today}.csv"'
    header, row = read_csv(response)
    values = dict(zip(header, row))
    assert values["Kode"] == "S28-01"
    assert values["Seri webinar"] == "28"
    assert values["Penanggung jawab"] == "Anggota Uji"
    assert values["Anggota pendukung"] == "Anggota Dua, Kepala Uji"
    assert values["Unit (OPD)"] == "Badan Kepegawaian Daerah"
    assert values["Unsur"] == "Kerangka regulasi"
    assert values["Prioritas"] == "Tinggi" and values["Status"] == "Dikerjakan"
    assert values["Tenggat"] == (local_today() - timedelta(days=3)).isoformat()
    assert values["Progres (%)"] == "0"
    assert values["Tautan bukti"] == "https://example.go.id/bukti" and values["Sumber"] == "Prof. Zudan"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", values["Pembaruan terakhir (WITA)"])


def test_xlsx_has_bold_header_widths_and_real_dates(client, dataset):
    client.login("anggota")
    response = client.get("/items/export.xlsx?q=Kajian")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Content-Disposition"].endswith(f'tindak-lanjut-{local_today().isoformat()}.xlsx"')
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.column_dimensions["C"].width >= 40
    due, updated = sheet["I2"].value, sheet["N2"].value
    assert isinstance(due, datetime) and due.date() == local_today() - timedelta(days=3)
    assert isinstance(updated, datetime) and abs(updated.date() - local_today()) <= timedelta(days=1)
    assert sheet["B2"].value == 28 and sheet["K2"].value == 0


def test_exports_include_every_page(client, users, db_ctx):
    with db_ctx():
        webinar = add_webinar()
        for number in range(130):
            add_item(webinar, title=f"Butir {number:03d}", due_date=date(2030, 1, 1) + timedelta(days=number))
        db.session.commit()
    client.login("anggota")
    csv_rows = read_csv(client.get("/items/export.csv?page=2&per_page=25"))
    assert len(csv_rows) == 131
    assert [row[2] for row in csv_rows[1:]] == [f"Butir {number:03d}" for number in range(130)]
    assert len(read_xlsx(client.get("/items/export.xlsx?page=3"))) == 131


def test_text_that_looks_like_a_formula_stays_text(client, users, db_ctx):
    with db_ctx():
        add_item(add_webinar(), title="=HYPERLINK(\"http://x\")", source="+62 812")
        db.session.commit()
    client.login("anggota")
    row = read_csv(client.get("/items/export.csv"))[1]
    assert row[2] == "'=HYPERLINK(\"http://x\")" and row[12] == "'+62 812"
    sheet = load_workbook(io.BytesIO(client.get("/items/export.xlsx").get_data())).active
    assert sheet["C2"].data_type == "s" and sheet["C2"].value == "=HYPERLINK(\"http://x\")"


def test_indonesian_text_survives_the_round_trip(client, users, db_ctx):
    with db_ctx():
        add_item(add_webinar(), title="Penyusunan Perda — “ASN BerAKHLAK” (Rp 1.500.000)")
        db.session.commit()
    client.login("anggota")
    assert read_csv(client.get("/items/export.csv"))[1][2] == "Penyusunan Perda — “ASN BerAKHLAK” (Rp 1.500.000)"


def test_english_headers_for_an_english_user(client, dataset, db_ctx):
    with db_ctx():
        get_user("kepala").language = "en"
        db.session.commit()
    client.login("kepala")
    header = read_csv(client.get("/items/export.csv"), ",")[0]  # English spreadsheets split on commas
    assert header[:4] == ["Code", "Webinar series", "Title", "Owner"]
    assert header[-1] == "Last update (WITA)"


def test_an_empty_export_still_has_its_header(client, users):
    client.login("anggota")
    assert read_csv(client.get("/items/export.csv")) == [HEADERS_ID]
    assert read_xlsx(client.get("/items/export.xlsx?owner=abc&due_from=2024-13-45")) == [tuple(HEADERS_ID)]


@pytest.mark.parametrize(("sep", "delimiter"), [("semicolon", ";"), ("comma", ",")])
def test_the_chosen_separator_splits_every_column(client, dataset, db_ctx, sep, delimiter):
    with db_ctx():
        item = db.session.scalar(select(ActionItem).where(ActionItem.code == "S28-01"))
        item.title = "Kajian; regulasi, tahap 1"  # both separators inside a cell stay in that cell
        db.session.commit()
    client.login("kepala")
    response = client.get(f"/items/export.csv?q=Kajian&sep={sep}")
    assert response.headers.get_all("Content-Type") == ["text/csv; charset=utf-8"]
    assert response.headers["Content-Type"].count("charset") == 1
    rows = read_csv(response, delimiter)
    assert rows[0] == HEADERS_ID
    assert all(len(row) == len(HEADERS_ID) for row in rows)
    assert dict(zip(rows[0], rows[1]))["Judul"] == "Kajian; regulasi, tahap 1"
    assert response.get_data().decode("utf-8-sig").splitlines()[0].count(delimiter) == len(HEADERS_ID) - 1


def test_english_users_can_still_choose_semicolons(client, dataset, db_ctx):
    with db_ctx():
        get_user("kepala").language = "en"
        db.session.commit()
    client.login("kepala")
    assert len(read_csv(client.get("/items/export.csv?sep=semicolon"), ";")[0]) == len(HEADERS_ID)
    assert len(read_csv(client.get("/items/export.csv?sep=nonsense"), ",")[0]) == len(HEADERS_ID)


def test_the_export_menu_offers_both_separators(client, dataset):
    client.login("anggota")
    page = client.get("/items?status=baru").get_data(as_text=True)
    assert "/items/export.csv?sep=semicolon&amp;status=baru" in page
    assert "/items/export.csv?sep=comma&amp;status=baru" in page

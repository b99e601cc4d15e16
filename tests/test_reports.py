"""Reports: the A4 view, the PDF (read back with pypdf), the XLSX rekap, snapshots, settings and roles."""
import io
import re
import subprocess
import sys
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from tests.conftest import add_item, add_webinar, get_user
from tracker.extensions import db
from tracker.models import ActionItem, ReportSnapshot, Setting, Status
from tracker.services import pdf, reports
from tracker.services.settings import DEFAULTS, get_setting, get_settings, set_settings
from tracker.timeutil import local_today


@pytest.fixture()
def report_data(app, users, sample):
    """The sample's Seri 28 (three items) plus Seri 29 with one verified item and one without an owner."""
    with app.app_context():
        webinar = add_webinar(29, "Manajemen talenta ASN")
        verified = add_item(webinar, get_user("anggota2"), status=Status.VERIFIED, title="Rencana suksesi",
                            evidence_url="https://example.go.id/suksesi")
        loose = add_item(webinar, None, title="Survei kepuasan peserta", due_date=local_today() + timedelta(days=9))
        db.session.commit()
        return dict(sample, webinar29=webinar.id, verified=verified.id, loose=loose.id)


def _pdf_text(body: bytes) -> str:
    reader = PdfReader(io.BytesIO(body))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_print_view_has_letterhead_summary_items_and_signature(client, users, report_data):
    client.login("kepala")
    response = client.get("/reports/view")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert DEFAULTS["agency_name"] in page and DEFAULTS["agency_address"] in page
    assert 'src="data:image/svg+xml;base64,' in page  # the logo travels with the report
    assert "800/TL/" not in page and "Draf kerja" in page  # a live report is a working draft, unnumbered
    for code in ("S28-01", "S28-02", "S28-03", "S29-01", "S29-02"):
        assert code in page
    assert "Kajian regulasi" in page and "https://example.go.id/bukti" in page
    assert "Tidak dapat ditindaklanjuti" in page
    assert "20%" in page  # 1 verified of 5 items that are not cancelled
    assert DEFAULTS["report_signer_position"] in page
    assert "css/report.css" in page and 'style="' not in page


def test_pdf_is_a_real_pdf_with_the_items(client, users, report_data):
    client.login("kepala")
    response = client.get(f"/reports/report.pdf?webinar={report_data['webinar']}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    text = _pdf_text(response.data)
    for expected in ("S28-01", "Kajian regulasi", "S28-02", "Pelatihan literasi digital", "S28-03", "Pola karier",
                     "BADAN PENGEMBANGAN SUMBER DAYA MANUSIA", DEFAULTS["report_signer_position"],
                         "PEMERINTAH PROVINSI SULAWESI BARAT", "Mamuju, "):
        assert expected in text, expected
    assert "S29-01" not in text  # another webinar


def test_pdf_renderer_fetches_nothing_from_the_network(app):
    with app.test_request_context():
        fetcher = pdf.StaticOnlyFetcher(app.static_folder, app.static_url_path)
        for url in ("http://example.com/logo.png", "https://report.invalid/etc/passwd",
                    "https://report.invalid/static/../config.py", "file:///etc/passwd"):
            with pytest.raises(ValueError):
                fetcher.fetch(url)
        css = fetcher.fetch(pdf.PDF_BASE_URL + "static/css/report.css?v=1")
        assert b"@page" in css.read()
        html = '<img src="http://example.com/x.png"><p>Laporan uji</p>'
        assert reports.render_pdf(html).startswith(b"%PDF-")


def test_weasyprint_is_loaded_only_when_a_pdf_is_made():
    # WeasyPrint costs ~1.2 s and ~22 MB per worker: starting the app must not import it.
    code = ("import sys; from tracker import create_app; from config import TestConfig; create_app(TestConfig); "
            "assert 'weasyprint' not in sys.modules, 'weasyprint imported at start-up'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_xlsx_rekap_reads_back_with_the_right_rows(client, users, report_data):
    client.login("kepala")
    response = client.get("/reports/rekap.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["Ringkasan", "Tindak lanjut", "Per unit (OPD)"]
    summary = [row for row in workbook["Ringkasan"].iter_rows(values_only=True)]
    assert summary[0][0] == DEFAULTS["government_name"] and summary[1][0] == DEFAULTS["agency_name"]
    categories = {row[0]: (row[2], row[3]) for row in summary if row and row[0] in (
        "Sesuai", "Dalam proses", "Belum ditindaklanjuti", "Tidak dapat ditindaklanjuti")}
    assert categories == {"Sesuai": (1, 20.0), "Dalam proses": (2, 40.0), "Belum ditindaklanjuti": (2, 40.0),
                          "Tidak dapat ditindaklanjuti": (0, 0.0)}
    rows = list(workbook["Tindak lanjut"].iter_rows(values_only=True))
    assert rows[0][:3] == ("No.", "Kode", "Tindak lanjut")
    assert [row[1] for row in rows[1:]] == ["S28-01", "S28-02", "S28-03", "S29-01", "S29-02"]
    first = rows[1]
    assert first[2] == "Kajian regulasi" and first[3] == "Anggota Uji" and first[6] == "Dikerjakan"
    assert rows[5][3] is None or rows[5][3] == ""  # no owner


def test_xlsx_follows_the_scope(client, users, report_data):
    client.login("pemantau")
    response = client.get(f"/reports/rekap.xlsx?webinar={report_data['webinar29']}")
    rows = list(load_workbook(io.BytesIO(response.data))["Tindak lanjut"].iter_rows(values_only=True))
    assert [row[1] for row in rows[1:]] == ["S29-01", "S29-02"]


def _snapshot(client, **scope):
    response = client.submit("/reports/snapshots", scope, token_from="/reports")
    assert response.status_code == 302
    return int(urlsplit(response.location).path.rsplit("/", 1)[1])


def test_snapshot_stays_the_same_after_its_items_change(app, client, users, report_data):
    client.login("kepala")
    snapshot_id = _snapshot(client, webinar=report_data["webinar"])
    with app.app_context():
        snapshot = db.session.get(ReportSnapshot, snapshot_id)
        assert snapshot.number == f"800/TL/{snapshot_id:03d}/" + snapshot.number.split("/", 3)[3]
        assert snapshot.scope["webinar"] == report_data["webinar"]
        number = snapshot.number
        item = db.session.get(ActionItem, report_data["item1"])
        item.title, item.status = "Judul yang sudah diubah", Status.VERIFIED
        set_settings({"agency_name": "Nama badan yang baru"}, None)
        db.session.commit()

    page = client.get(f"/reports/snapshots/{snapshot_id}").get_data(as_text=True)
    assert "Kajian regulasi" in page and "Judul yang sudah diubah" not in page
    assert DEFAULTS["agency_name"] in page and "Nama badan yang baru" not in page
    assert number in page and "Pemutakhiran data" in page
    text = _pdf_text(client.get(f"/reports/snapshots/{snapshot_id}.pdf").data)
    assert "Kajian regulasi" in text and "Judul yang sudah diubah" not in text and number in text

    live = client.get(f"/reports/view?webinar={report_data['webinar']}").get_data(as_text=True)
    assert "Judul yang sudah diubah" in live and "Nama badan yang baru" in live

    listing = client.get("/reports").get_data(as_text=True)
    assert number in listing and f"/reports/snapshots/{snapshot_id}.pdf" in listing


def test_snapshot_numbers_are_unique(app, client, users, report_data):
    client.login("kepala")
    first, second = _snapshot(client), _snapshot(client, period="this_semester")
    with app.app_context():
        numbers = db.session.scalars(select(ReportSnapshot.number)).all()
    assert first != second and len(set(numbers)) == 2


def test_viewer_reads_reports_and_snapshots_but_cannot_freeze(client, make_client, users, report_data):
    head = make_client()
    head.login("kepala")
    snapshot_id = _snapshot(head)
    client.login("pemantau")
    page = client.get("/reports").get_data(as_text=True)
    assert 'action="/reports/snapshots"' not in page and "Kunci sebagai" not in page
    assert 'method="post"' not in page.split('id="content"')[1]
    assert client.get(f"/reports/snapshots/{snapshot_id}").status_code == 200
    assert client.get(f"/reports/snapshots/{snapshot_id}.pdf").status_code == 200
    assert client.get("/reports/view").status_code == 200
    response = client.submit("/reports/snapshots", {"period": "all"}, token_from="/reports")
    assert response.status_code == 403


def test_head_sees_the_freeze_button(client, users, report_data):
    client.login("kepala")
    page = client.get(f"/reports?webinar={report_data['webinar']}").get_data(as_text=True)
    assert 'action="/reports/snapshots"' in page
    assert f'name="webinar" value="{report_data["webinar"]}"' in page


@pytest.mark.parametrize("url", ["/reports", "/reports/view", "/reports/report.pdf", "/reports/rekap.xlsx"])
def test_members_may_not_open_reports(client, users, sample, url):
    client.login("anggota")
    assert client.get(url).status_code == 403


def test_member_cannot_freeze_and_unknown_snapshot_is_404(app, client, users, sample):
    client.login("anggota")
    assert client.submit("/reports/snapshots", {}, token_from="/profile").status_code == 403
    client.logout()
    client.login("kepala")
    assert client.get("/reports/snapshots/999").status_code == 404
    assert client.get("/reports/snapshots/999.pdf").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count(ReportSnapshot.id))) == 0


def test_snapshot_without_csrf_is_refused(client, users, sample):
    client.login("kepala")
    assert client.post("/reports/snapshots", data={"period": "all"}).status_code == 400


BAD_SCOPES = ["webinar=abc", "webinar=424242", "period=nope", "period=range&from=2024-02-30&to=x",
              "period=range&from=9999-12-31", "from=0001-01-01", "webinar=%00"]


@pytest.mark.parametrize("query", BAD_SCOPES)
@pytest.mark.parametrize("path", ["/reports", "/reports/view", "/reports/rekap.xlsx"])
def test_bad_scope_values_never_fail(client, users, sample, path, query):
    client.login("kepala")
    assert client.get(f"{path}?{query}").status_code == 200


def test_bad_scope_pdf_and_snapshot_never_fail(client, users, sample):
    client.login("kepala")
    assert client.get("/reports/report.pdf?webinar=424242&period=range&from=2024-99-99").status_code == 200
    response = client.submit("/reports/snapshots", {"webinar": "zzz", "period": "nope", "from": "x"},
                             token_from="/reports")
    assert response.status_code == 302


# Settings


def test_settings_defaults_and_one_query(app, count_queries):
    with app.app_context():
        with count_queries() as statements:
            values = get_settings()
        assert len(statements) == 1
        assert values == DEFAULTS
        assert get_setting("report_number_prefix") == "800/TL"


def test_admin_changes_the_letterhead_and_signer(app, client, users, report_data):
    client.login("admin")
    assert client.get("/admin/settings").status_code == 200
    data = {**DEFAULTS, "agency_name": "BPSDM Sulbar (uji)", "report_signer_name": "Dr. Nama Kepala, M.Si.",
            "report_signer_nip": "197001012000031001", "report_number_prefix": "800/TL/BPSDM"}
    response = client.submit("/admin/settings", data, token_from="/admin/settings")
    assert response.status_code == 302
    with app.app_context():
        assert get_settings()["report_signer_nip"] == "197001012000031001"
        assert db.session.get(Setting, "agency_name").updated_by_id == users["admin"]
    client.logout()
    client.login("kepala")
    page = client.get("/reports/view").get_data(as_text=True)
    assert "BPSDM Sulbar (uji)" in page and "Dr. Nama Kepala, M.Si." in page and "197001012000031001" in page
    assert "800/TL/" not in page  # still a working draft: the prefix shows once it is frozen


def test_empty_setting_goes_back_to_the_default(app, client, users):
    client.login("admin")
    data = {**DEFAULTS, "agency_name": ""}
    assert client.submit("/admin/settings", data, token_from="/admin/settings").status_code == 302
    with app.app_context():
        assert get_settings()["agency_name"] == DEFAULTS["agency_name"]


@pytest.mark.parametrize("username", ["kepala", "pemantau", "anggota"])
def test_only_admins_change_settings(client, users, username):
    client.login(username)
    assert client.get("/admin/settings").status_code == 403
    assert client.submit("/admin/settings", DEFAULTS, token_from="/profile").status_code == 403


def test_report_numbers_use_roman_months():
    from datetime import date

    assert reports.report_number("800/TL", "007", date(2023, 12, 18)) == "800/TL/007/XII/2023"
    assert re.fullmatch(r"800/TL/…/[IVX]+/\d{4}", reports.report_number("800/TL", "…", local_today()))


def test_report_query_counts_do_not_grow_with_the_data(app, client, users, sample, count_queries):
    from tests.test_dashboard import _bulk_items

    client.login("kepala")
    client.get("/reports")
    counts = {}
    for size in ("small", "large"):
        if size == "large":
            _bulk_items(app, 500)
        for url in ("/reports", "/reports/view", "/reports/rekap.xlsx", f"/reports/view?webinar={sample['webinar']}"):
            with count_queries() as statements:
                assert client.get(url).status_code == 200
            counts[size, url] = len(statements)
    small = {url: count for (size, url), count in counts.items() if size == "small"}
    large = {url: count for (size, url), count in counts.items() if size == "large"}
    # /reports: user, webinars, figures, snapshots; a report: user, settings, logo, figures, units, rows
    # (+ the webinar); each also reads the "due soon" horizon (the setting and the days off, one query);
    # the head's "needs decision" badge is read with the user (no query of its own).
    assert small == large == {"/reports": 5, "/reports/view": 7, "/reports/rekap.xlsx": 7,
                              f"/reports/view?webinar={sample['webinar']}": 8}

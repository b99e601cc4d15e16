"""Bulk entry: many action items pasted from the meeting notes, previewed, then saved all or none."""
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import add_webinar, get_user
from tests.test_webinars import freeze_utc, table_rows
from tracker.extensions import db
from tracker.models import ActionItem, HistoryKind, ItemHistory, Priority, Role, Theme, User
from tracker.services.bulk import Lookups, parse_lines
from tracker.timeutil import local_today

NOTES = """\
- Kajian regulasi tata kelola @anggota #Regulasi !tinggi due:2024-03-31

Pelatihan literasi digital ASN @ANGGOTA2 #sdm due:+14
!rendah #it-keuangan Integrasi aplikasi keuangan daerah
"""


@pytest.fixture()
def webinar_id(app, users):
    """An empty Webinar Seri 30 (codes start at S30-01)."""
    with app.app_context():
        webinar = add_webinar(30, "Manajemen Talenta ASN", held_on=date(2024, 2, 19))
        db.session.commit()
        return webinar.id


def _count_items() -> int:
    return db.session.scalar(select(func.count(ActionItem.id)))


def _post(client, webinar_id, lines, action):
    url = f"/webinars/{webinar_id}/bulk"
    return client.submit(url, {"lines": lines, "action": action}, token_from=url)


# --- parsing (no database) --------------------------------------------------------------------

def _lookups():
    member = User(username="anggota", full_name="Anggota Uji", role=Role.MEMBER, active=True)
    viewer = User(username="pemantau", full_name="Pemantau Uji", role=Role.VIEWER, active=True)
    gone = User(username="pensiun", full_name="Sudah Pensiun", role=Role.MEMBER, active=False)
    themes = {slug: Theme(slug=slug, name=slug.title()) for slug in ("regulasi", "sdm", "it-keuangan")}
    return Lookups(people={u.username: u for u in (member, viewer, gone)}, themes=themes)


def test_tokens_anywhere_in_the_line_and_the_rest_is_the_title():
    rows = parse_lines("#SDM Susun peta jabatan due:+7 @Anggota !Tinggi fungsional", _lookups(), date(2024, 3, 2))
    (row,) = rows
    assert row.errors == []
    assert row.title == "Susun peta jabatan fungsional"
    assert row.owner.username == "anggota" and row.theme.slug == "sdm"
    assert row.priority == Priority.HIGH and row.due_date == date(2024, 3, 9)


def test_defaults_blank_lines_and_list_markers():
    rows = parse_lines("\n1. Rapat koordinasi OPD\n   \n* Surat edaran\n", _lookups(), date(2024, 3, 2))
    assert [(row.line_no, row.title) for row in rows] == [(2, "Rapat koordinasi OPD"), (4, "Surat edaran")]
    assert all(row.owner is None and row.theme is None and row.due_date is None for row in rows)
    assert all(row.priority == Priority.MEDIUM for row in rows)


@pytest.mark.parametrize("line, error", [
    ("Tugas @siapa", "Unknown user @siapa."),
    ("Tugas @pemantau", "@pemantau cannot own items"),
    ("Tugas @pensiun", "@pensiun cannot own items"),
    ("Tugas #ekonomi", "Unknown theme #ekonomi"),
    ("Tugas !urgent", "Unknown token !urgent"),
    ("Tugas due:2024-02-30", "due:2024-02-30 is not a date"),
    ("Tugas due:31/03/2024", "due:31/03/2024 is not a date"),
    ("Tugas due:+abc", "due:+abc is not a date"),
    ("Tugas due:", "due: is not a date"),
    ("Tugas @anggota @anggota", "only one owner per line"),
    ("Tugas !tinggi !rendah", "only one priority per line"),
    ("@anggota #sdm !tinggi due:+3", "The title is empty."),
    ("x" * 301, "The title is too long: 301 characters, at most 300."),
])
def test_lines_it_cannot_understand_are_flagged(line, error):
    (row,) = parse_lines(line, _lookups(), date(2024, 3, 2))
    assert any(error in message for message in row.errors), row.errors


def test_a_title_of_exactly_300_characters_is_fine():
    (row,) = parse_lines("y" * 300 + " @anggota", _lookups(), date(2024, 3, 2))
    assert row.errors == [] and len(row.title) == 300


# --- preview and save through the page --------------------------------------------------------

def test_preview_shows_what_will_be_created_and_saves_nothing(client, webinar_id, db_ctx):
    client.login("kepala")
    response = _post(client, webinar_id, NOTES, "preview")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    rows = table_rows(page)
    assert [row[0] for row in rows] == ["Baris 1", "Baris 3", "Baris 4"]
    assert rows[0][1:4] == ["Kajian regulasi tata kelola", "Anggota Uji", "Kerangka regulasi"]
    assert rows[0][4:] == ["Tinggi", "31 Mar 2024"]
    assert rows[1][2] == "Anggota Dua" and rows[2][4] == "Rendah"
    assert "Simpan 3 tindak lanjut" in page
    assert "Belum ada yang disimpan." in page
    with db_ctx():
        assert _count_items() == 0


def test_save_creates_every_line_with_owner_theme_priority_due_and_code(client, webinar_id, db_ctx):
    client.login("kepala")
    response = _post(client, webinar_id, NOTES, "save")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/webinars/{webinar_id}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "3 tindak lanjut dibuat." in page
    with db_ctx():
        items = db.session.scalars(select(ActionItem).order_by(ActionItem.number)).all()
        today = local_today()
        assert [
            (item.code, item.title, item.owner.username if item.owner else None,
             item.theme.slug if item.theme else None, item.priority, item.due_date)
            for item in items
        ] == [
            ("S30-01", "Kajian regulasi tata kelola", "anggota", "regulasi", Priority.HIGH, date(2024, 3, 31)),
            ("S30-02", "Pelatihan literasi digital ASN", "anggota2", "sdm", Priority.MEDIUM, today + timedelta(days=14)),
            ("S30-03", "Integrasi aplikasi keuangan daerah", None, "it-keuangan", Priority.LOW, None),
        ]
        assert all(item.created_by_id == get_user("kepala").id for item in items)
        created = db.session.scalars(select(ItemHistory).where(ItemHistory.kind == HistoryKind.CREATED)).all()
        assert sorted(entry.new_value for entry in created) == ["S30-01", "S30-02", "S30-03"]


def test_saving_continues_the_codes_of_the_webinar(client, sample, db_ctx):
    client.login("admin")
    response = _post(client, sample["webinar"], "Tindak lanjut keempat\nTindak lanjut kelima", "save")
    assert response.status_code == 302
    with db_ctx():
        codes = db.session.scalars(select(ActionItem.code).order_by(ActionItem.number)).all()
        assert codes == ["S28-01", "S28-02", "S28-03", "S28-04", "S28-05"]


def test_any_bad_line_saves_nothing_and_every_bad_line_is_reported(client, webinar_id, db_ctx):
    lines = "\n".join([
        "Baris yang benar @anggota",
        "Tugas untuk @siapa",
        "Tugas #ekonomi",
        "Baris benar lainnya",
        "Tugas due:2024-13-01 !urgent",
        "@anggota #sdm",
    ])
    client.login("kepala")
    for action in ("preview", "save"):
        response = _post(client, webinar_id, lines, action)
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert "4 baris perlu diperbaiki." in page
        assert "Baris 2: Pengguna @siapa tidak dikenal." in page
        assert "Baris 3: Unsur #ekonomi tidak dikenal" in page
        assert "Baris 5: due:2024-13-01 bukan tanggal" in page
        assert "Baris 5: Penanda !urgent tidak dikenal" in page
        assert "Baris 6: Judul kosong." in page
        assert "Baris 1:" not in page and "Baris 4:" not in page
        assert "Simpan 6 tindak lanjut" not in page
    assert "Tidak ada yang disimpan." in page
    with db_ctx():
        assert _count_items() == 0


def test_due_in_days_counts_from_today_in_wita(client, webinar_id, db_ctx, monkeypatch):
    # 17:30 UTC on 31 Dec is already 01:30 on 1 Jan 2024 in Makassar.
    freeze_utc(monkeypatch, datetime(2023, 12, 31, 17, 30, tzinfo=UTC))
    client.login("kepala")
    preview = _post(client, webinar_id, "Laporan triwulan due:+14", "preview").get_data(as_text=True)
    assert table_rows(preview)[0][5] == "15 Jan 2024"
    assert _post(client, webinar_id, "Laporan triwulan due:+14", "save").status_code == 302
    with db_ctx():
        assert db.session.scalar(select(ActionItem.due_date)) == date(2024, 1, 15)


def test_blank_or_oversized_input_is_refused(client, webinar_id, db_ctx):
    client.login("kepala")
    assert _post(client, webinar_id, "\n  \n", "save").status_code == 422
    response = _post(client, webinar_id, "\n".join(f"Tindak lanjut {n}" for n in range(201)), "save")
    assert response.status_code == 422
    assert "Paling banyak 200 tindak lanjut sekaligus" in response.get_data(as_text=True)
    with db_ctx():
        assert _count_items() == 0


@pytest.mark.parametrize("username", ["anggota", "pemantau"])
def test_members_and_viewers_cannot_bulk_enter(client, webinar_id, db_ctx, username):
    client.login(username)
    url = f"/webinars/{webinar_id}/bulk"
    response = client.submit(url, {"lines": "Tugas diam-diam", "action": "save"})
    assert response.status_code == 403
    with db_ctx():
        assert _count_items() == 0


def test_the_form_lists_the_themes_and_keeps_the_lines_after_a_preview(client, webinar_id):
    client.login("kepala")
    page = client.get(f"/webinars/{webinar_id}/bulk").get_data(as_text=True)
    assert "#kelembagaan" in page and "#kesejahteraan" in page and "#hukum" in page
    page = _post(client, webinar_id, "Tugas @siapa", "preview").get_data(as_text=True)
    assert ">\r\nTugas @siapa</textarea>" in page or ">\nTugas @siapa</textarea>" in page


def test_the_save_button_sends_back_exactly_the_previewed_lines(client, webinar_id, db_ctx):
    import html
    import re

    lines = 'Sosialisasi "Smart ASN" & <e-Kinerja> @anggota\n\nEvaluasi SAKIP #kelembagaan'
    client.login("kepala")
    page = _post(client, webinar_id, lines, "preview").get_data(as_text=True)
    confirm = re.search(r'<input type="hidden" name="lines" value="([^"]*)">', page)
    assert confirm and html.unescape(confirm.group(1)) == lines
    assert _post(client, webinar_id, html.unescape(confirm.group(1)), "save").status_code == 302
    with db_ctx():
        titles = db.session.scalars(select(ActionItem.title).order_by(ActionItem.number)).all()
        assert titles == ['Sosialisasi "Smart ASN" & <e-Kinerja>', "Evaluasi SAKIP"]

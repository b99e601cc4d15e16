"""The interface's words: the Indonesian terms the users asked for, and no Indonesian-only words in English."""
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.conftest import add_item, add_webinar
from tests.test_conflicts import _edit_data, _state, edit_after_another
from tracker.extensions import db
from tracker.models import Role, Status, User
from tracker.services.settings import set_settings

CATALOG = Path(__file__).parents[1] / "tracker" / "translations" / "id" / "LC_MESSAGES" / "messages.po"


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _english(client) -> None:
    client.submit("/language", {"language": "en"})


def test_dashboard_speaks_of_mendekati_tenggat_belum_selesai_and_semua_periode(client, users, sample):
    client.login("kepala")
    page = _page(client, "/dashboard")
    for wanted in ("Mendekati tenggat", "Belum selesai", "Semua periode", "Tingkat penyelesaian", "Dicatat"):
        assert wanted in page
    for old in ("Segera jatuh tempo", "Terbuka", "Seluruh waktu", "Dibuka"):
        assert old not in page


def test_my_tasks_without_tasks_says_tidak_ada_tugas(client, users):
    client.login("anggota")
    page = _page(client, "/my")
    assert "Tidak ada tugas" in page and "Tidak ada pekerjaan" not in page


def test_webinar_list_labels_the_completion_rate(client, users, sample):
    client.login("kepala")
    page = _page(client, "/webinars")
    assert "Tingkat penyelesaian: tindak lanjut terverifikasi" in page
    assert "Selesai: tindak lanjut" not in page


def test_reports_are_locked_not_frozen_and_the_live_one_is_terkini(client, users, sample):
    client.login("kepala")
    page = _page(client, "/reports")
    assert "Kunci sebagai pemutakhiran data" in page and "Bekukan" not in page
    client.submit("/reports/snapshots", {"period": "all"}, token_from="/reports")
    page = _page(client, "/reports")
    assert "Dikunci pada" in page and "Dibekukan" not in page
    live = _page(client, "/reports/view")
    assert "Laporan terkini" in live and "Laporan langsung" not in live


def test_profile_offers_a_calendar_subscription(client, users):
    client.login("anggota")
    page = _page(client, "/profile")
    assert "Langganan kalender" in page and "berlangganan" in page
    assert "Umpan kalender" not in page and "dilanggani" not in page


def test_bulk_entry_is_entri_massal(app, client, users, sample):
    client.login("kepala")
    page = _page(client, f"/webinars/{sample['webinar']}/bulk")
    assert "Entri massal" in page and "Input massal" not in page


def test_conflicting_fields_name_the_other_users_version(app, client, make_client, users, sample):
    page = edit_after_another(app, client, make_client, sample["item1"]).get_data(as_text=True)
    assert "versi Anda" in page and "versi pengguna lain" in page and "milik mereka" not in page


def test_supporters_are_checkboxes_without_a_ctrl_hint(client, users, sample):
    client.login("kepala")
    for url in ("/items/new", f"/items/{sample['item1']}/edit"):
        page = _page(client, url)
        assert 'type="checkbox"' in page and 'name="supporter_ids"' in page
        assert "<select multiple" not in page and 'multiple id="supporter_ids"' not in page
        assert "Ctrl" not in page
    edit = _page(client, f"/items/{sample['item1']}/edit")  # anggota2 supports item 1: ticked
    supporter = next(line for line in edit.splitlines() if "Anggota Dua" in line and "checkbox" in line)
    assert "checked" in supporter


def test_a_supporter_chosen_by_checkbox_is_saved(app, client, users, sample):
    client.login("kepala")
    item = _state(app, sample["item2"])
    data = _edit_data(item, owner_id=users["anggota2"], supporter_ids=[users["anggota"], users["kepala"]])
    assert client.submit(f"/items/{sample['item2']}/edit", data, token_from="/items/new").status_code == 302
    with app.app_context():
        from tracker.models import ActionItem

        stored = db.session.get(ActionItem, sample["item2"])
        assert sorted(member.username for member in stored.supporters) == ["anggota", "kepala"]


def test_english_pages_say_series_not_seri(app, client, users, sample):
    with app.app_context():
        head = db.session.get(User, users["kepala"])
        deleted = add_item(_webinar(sample), head, title="Salah input")
        from tracker.services.corrections import delete_item

        delete_item(deleted, head, "tercatat dua kali", version=deleted.version)
        db.session.commit()
    client.login("admin")
    _english(client)
    for url in (f"/items/{sample['item1']}", f"/items/{sample['item1']}/edit", "/admin/deleted-items",
                "/decisions"):
        page = _page(client, url)
        assert "Seri " not in page, url
    item_page = _page(client, f"/items/{sample['item1']}")
    assert "Series 28</a>" in item_page and "Series 28: Transformasi Agile Government" in item_page
    assert "Series 28: Transformasi Agile Government" in _page(client, f"/items/{sample['item1']}/edit")


def _webinar(sample):
    from tracker.models import Webinar

    return db.session.get(Webinar, sample["webinar"])


def test_indonesian_catalog_uses_the_role_name_ketua_and_the_chosen_terms():
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle, locale="id")
    texts = [(message.id, message.string) for message in catalog if message.id]
    head = catalog.get("Head")
    assert head.string == "Ketua"
    for msgid, text in texts:
        joined = " ".join(text) if isinstance(text, tuple) else text
        lowered = joined.lower()
        assert "kepala" not in lowered.replace("kepala bpsdm", ""), msgid  # the role is "ketua" everywhere
        for old in ("segera jatuh tempo", "dibekukan", "bekukan", "umpan kalender", "dilanggani",
                    "tidak boleh null", "milik mereka", "seluruh waktu", "laporan langsung", "input massal",
                    "kemajuan", "terbuka"):
            assert old not in lowered, (msgid, old)
    assert catalog.get("This field cannot be null.").string == "Isian ini tidak boleh kosong."
    assert catalog.get("Description").string == "Uraian" and catalog.get("Progress").string == "Progres"


@pytest.mark.parametrize(("working", "words"), [("0", "hari kalender dari hari ini"), ("1", "hari kerja dari hari ini")])
def test_bulk_help_counts_the_days_the_setting_counts(app, client, users, sample, working, words):
    with app.app_context():
        set_settings({"due_in_working_days": working}, None)
        db.session.commit()
    client.login("kepala")
    page = _page(client, f"/webinars/{sample['webinar']}/bulk")
    assert words in page


def test_demo_head_is_called_ketua(app):
    from tracker.services import demo

    heads = [name for _username, name, role, _unit in demo.DEMO_USERS if role == Role.HEAD]
    assert heads and all("Ketua" in name and "Kepala" not in name for name in heads)


def test_my_tasks_due_soon_heading(app, client, users):
    from datetime import timedelta

    from tracker.timeutil import local_today

    with app.app_context():
        owner = db.session.get(User, users["anggota"])
        add_item(add_webinar(), owner, status=Status.IN_PROGRESS, due_date=local_today() + timedelta(days=1))
        db.session.commit()
    client.login("anggota")
    page = _page(client, "/my")
    assert "Mendekati tenggat" in page and "Segera jatuh tempo" not in page


def test_history_names_the_webinar_in_the_readers_language(app, client, users, sample):
    from tracker.display import history_value

    with app.test_request_context():
        assert history_value("webinar_id", "1", "Seri 28") == "Seri 28"
    client.login("kepala")
    item = _state(app, sample["item1"])
    with app.app_context():
        other = add_webinar(series=29, title="Smart ASN")
        db.session.commit()
        other_id = other.id
    data = _edit_data(item, webinar_id=other_id)
    assert client.submit(f"/items/{sample['item1']}/edit", data, token_from="/items/new").status_code == 302
    _english(client)
    page = _page(client, f"/items/{sample['item1']}")
    assert "Series 28 → Series 29" in page and "Seri 2" not in page

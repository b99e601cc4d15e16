"""Webinar pages: the list and its figures, the detail page with carry-over, create and edit."""
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from tests.conftest import add_item, add_webinar, get_user
from tracker import timeutil
from tracker.extensions import db
from tracker.models import Status, Theme, Webinar

NEW_WEBINAR = {
    "series": "29",
    "title": "Smart ASN untuk Pelayanan Publik",
    "held_on": "2024-01-22",
    "organizer": "BPSDM Provinsi Sulawesi Barat",
    "speakers": "Prof. Zudan Arif Fakrulloh\n\n  Dr. Muhammad Idris  ",
    "summary": "Penguatan kompetensi ASN.\nRencana aksi 2024.",
    "link": "https://bpsdm.sulbarprov.go.id/seri-29",
}


class _Tables(HTMLParser):
    """Collects the text of each table row's cells, per table."""

    def __init__(self):
        super().__init__()
        self.tables, self._cell = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def table_rows(html: str, index: int = 0) -> list[list[str]]:
    """The body rows (header row dropped) of the index-th table of a page, as cell texts."""
    parser = _Tables()
    parser.feed(html)
    return parser.tables[index][1:]


def freeze_utc(monkeypatch, moment: datetime) -> None:
    """Make every "today" of the app (tracker.timeutil) see this UTC moment."""

    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):
            return moment if tz is None else moment.astimezone(tz)

    monkeypatch.setattr(timeutil, "datetime", Frozen)


# --- the list ---------------------------------------------------------------------------------

def test_list_shows_figures_counted_per_webinar(client, users, db_ctx):
    with db_ctx():
        today = timeutil.local_today()
        older = add_webinar(27, "Reformasi Birokrasi", held_on=date(2023, 11, 20))
        add_item(older, status=Status.VERIFIED)
        add_item(older, status=Status.VERIFIED)
        add_item(older, status=Status.CANCELLED, due_date=today - timedelta(days=9))  # cancelled: not overdue
        add_item(older, due_date=today - timedelta(days=1))  # baru, overdue
        add_item(older, status=Status.IN_PROGRESS, due_date=today - timedelta(days=10))  # overdue
        add_item(older, status=Status.BLOCKED, due_date=today - timedelta(days=3))  # overdue
        add_item(older, status=Status.BLOCKED, due_date=today)  # due today: not yet overdue
        add_item(older, status=Status.DONE, due_date=today - timedelta(days=5))  # done: not overdue
        add_item(older)  # no due date
        current = add_webinar(28)
        add_item(current, status=Status.VERIFIED)
        add_item(current, status=Status.CANCELLED)
        add_webinar(30, "Webinar tanpa tindak lanjut", held_on=date(2024, 2, 19))
        db.session.commit()
    client.login("pemantau")
    response = client.get("/webinars")
    assert response.status_code == 200
    rows = table_rows(response.get_data(as_text=True))
    # webinar (series · date, title), items, completed, overdue; newest series first.
    # Seri 27: 9 items, 1 cancelled → 2 verified of 8 = 25 %; overdue: baru, dikerjakan, terhambat past due.
    assert [[row[0], row[1], row[3]] for row in rows] == [
        ["Seri 30 · 19 Feb 2024 Webinar tanpa tindak lanjut", "0", "0"],
        ["Seri 28 · 18 Des 2023 Transformasi Agile Government", "2", "0"],
        ["Seri 27 · 20 Nov 2023 Reformasi Birokrasi", "9", "3"],
    ]
    assert rows[0][2] == "–"
    assert rows[1][2].startswith("100%") and "1 dari 1 terverifikasi" in rows[1][2]
    assert rows[2][2].startswith("25%") and "2 dari 8 terverifikasi" in rows[2][2]


def test_overdue_is_decided_by_the_date_in_wita(client, users, db_ctx, monkeypatch):
    # 20:00 UTC on 1 March is already 04:00 on 2 March in Makassar.
    freeze_utc(monkeypatch, datetime(2024, 3, 1, 20, 0, tzinfo=UTC))
    with db_ctx():
        webinar = add_webinar()
        add_item(webinar, due_date=date(2024, 3, 1))
        add_item(webinar, due_date=date(2024, 3, 2))
        db.session.commit()
    client.login("anggota")
    rows = table_rows(client.get("/webinars").get_data(as_text=True))
    assert rows[0][3] == "1"


def test_list_query_count_does_not_grow_with_webinars(client, users, db_ctx, count_queries):
    with db_ctx():
        add_item(add_webinar(1, "Seri pertama", held_on=date(2023, 1, 10)))
        db.session.commit()
    client.login("kepala")
    with count_queries() as small:
        assert client.get("/webinars").status_code == 200
    with db_ctx():
        for series in range(2, 22):
            webinar = add_webinar(series, f"Seri ke-{series}", held_on=date(2023, 1, 10) + timedelta(days=series))
            for status in (Status.NEW, Status.VERIFIED, Status.CANCELLED):
                add_item(webinar, status=status)
        db.session.commit()
    with count_queries() as large:
        page = client.get("/webinars").get_data(as_text=True)
    assert "Seri ke-21" in page
    # the signed-in user with the head's "needs decision" badge (one query), and the one aggregate query
    assert len(large) == len(small) == 2


# --- the detail page --------------------------------------------------------------------------

def _carry_over_dataset():
    """Seri 26 and 27 (earlier), 28 (the page), 29 (later); returns the Seri 28 webinar."""
    anggota = get_user("anggota")
    s26 = add_webinar(26, "Seri 26", held_on=date(2023, 10, 2))
    for status in Status:  # S26-01 baru … S26-06 dibatalkan, in workflow order
        add_item(s26, anggota, status=status, title=f"Seri 26 {status.value}")
    s27 = add_webinar(27, "Seri 27, hari yang sama", held_on=date(2023, 12, 18))
    add_item(s27, anggota, status=Status.BLOCKED, title="Terhambat dari seri 27")
    s28 = add_webinar(28, "Transformasi Agile Government", held_on=date(2023, 12, 18),
                      speakers="Prof. Zudan Arif Fakrulloh\nDr. Idris Patarai", summary="Tujuh unsur ekosistem.",
                      link="https://sulbarprov.go.id/seri-28")
    add_item(s28, anggota, title="Kajian regulasi", progress=40)
    add_item(s28, status=Status.VERIFIED, title="Pola karier")
    s29 = add_webinar(29, "Seri berikutnya", held_on=date(2024, 1, 22))
    add_item(s29, anggota, title="Dari webinar sesudahnya")
    return s28


def test_detail_shows_the_webinar_its_items_and_exactly_the_open_earlier_items(client, users, db_ctx):
    with db_ctx():
        webinar_id = _carry_over_dataset().id
        db.session.commit()
    client.login("anggota")
    response = client.get(f"/webinars/{webinar_id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<li>Prof. Zudan Arif Fakrulloh</li>" in page and "<li>Dr. Idris Patarai</li>" in page
    assert "Tujuh unsur ekosistem." in page and 'href="https://sulbarprov.go.id/seri-28"' in page
    own = table_rows(page, 0)
    assert [row[0] for row in own] == ["S28-01", "S28-02"]
    assert own[0][2] == "Anggota Uji" and own[0][3] == "Baru" and own[0][5] == "40%"
    assert own[1][3] == "Terverifikasi"
    assert 'href="/items/' in page
    assert "Tindak lanjut belum selesai dari webinar sebelumnya" in page
    carried = table_rows(page, 1)
    assert [row[0] for row in carried] == ["S26-01", "S26-02", "S26-03", "S27-01"]
    assert [row[3] for row in carried] == ["Baru", "Dikerjakan", "Terhambat", "Terhambat"]


def test_first_webinar_has_nothing_carried_over(client, users, db_ctx):
    with db_ctx():
        webinar_id = add_webinar(1, held_on=date(2023, 1, 10)).id
        add_item(add_webinar(2, held_on=date(2023, 2, 10)))
        db.session.commit()
    client.login("anggota")
    page = client.get(f"/webinars/{webinar_id}").get_data(as_text=True)
    assert "Belum ada tindak lanjut untuk webinar ini." in page
    assert "Tidak ada yang terbawa" in page


def test_detail_query_count_does_not_grow_with_items(client, users, db_ctx, count_queries):
    with db_ctx():
        webinar_id = _carry_over_dataset().id
        db.session.commit()
    client.login("kepala")
    with count_queries() as small:
        assert client.get(f"/webinars/{webinar_id}").status_code == 200
    with db_ctx():
        webinar, earlier = db.session.get(Webinar, webinar_id), db.session.scalar(select(Webinar).where(Webinar.series == 26))
        people = [get_user(name) for name in ("anggota", "anggota2", "kepala")]
        themes = db.session.scalars(select(Theme)).all()
        for number in range(28):
            add_item(webinar, people[number % 3], theme=themes[number % len(themes)], title=f"Tindak lanjut {number}",
                     due_date=date(2024, 1, 1) + timedelta(days=number))
            add_item(earlier, people[number % 3], theme=themes[number % len(themes)], status=Status.IN_PROGRESS)
        db.session.commit()
    with count_queries() as large:
        page = client.get(f"/webinars/{webinar_id}").get_data(as_text=True)
    assert len(table_rows(page, 0)) == 30 and len(table_rows(page, 1)) == 4 + 28
    # the signed-in user (with the head's "needs decision" badge), the webinar, its items, the carry-over
    # items and the "due soon" horizon (the one setting, read by the view before the page renders)
    assert len(small) == len(large) == 5


def test_unknown_webinar_is_404(client, users):
    client.login("kepala")
    for url in ("/webinars/999", "/webinars/999/edit", "/webinars/999/bulk"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Halaman tidak ditemukan" in response.get_data(as_text=True)


# --- who may do what --------------------------------------------------------------------------

MANAGE_PAGES = ["/webinars/new", "/webinars/{id}/edit", "/webinars/{id}/bulk"]


@pytest.mark.parametrize("url", MANAGE_PAGES)
@pytest.mark.parametrize("username, status", [("admin", 200), ("kepala", 200), ("anggota", 403), ("pemantau", 403)])
def test_only_heads_and_admins_open_the_manage_pages(client, sample, username, status, url):
    client.login(username)
    assert client.get(url.format(id=sample["webinar"])).status_code == status


@pytest.mark.parametrize("username", ["anggota", "pemantau"])
def test_members_and_viewers_cannot_post_webinar_changes(client, sample, db_ctx, username):
    client.login(username)
    assert client.submit("/webinars/new", NEW_WEBINAR).status_code == 403
    edit = {**NEW_WEBINAR, "series": "28", "title": "Diubah diam-diam"}
    assert client.submit(f"/webinars/{sample['webinar']}/edit", edit).status_code == 403
    with db_ctx():
        assert db.session.scalar(select(func.count(Webinar.id))) == 1
        assert db.session.get(Webinar, sample["webinar"]).title == "Transformasi Agile Government"


@pytest.mark.parametrize("url", ["/webinars", "/webinars/{id}", *MANAGE_PAGES])
def test_anonymous_visitors_are_sent_to_sign_in(client, sample, url):
    response = client.get(url.format(id=sample["webinar"]))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize(
    "username, visible",
    [("kepala", {"edit", "bulk", "new"}), ("admin", {"edit", "bulk", "new"}), ("anggota", {"new"}), ("pemantau", set())],
)
def test_detail_page_shows_only_the_buttons_the_role_may_use(client, sample, username, visible):
    client.login(username)
    page = client.get(f"/webinars/{sample['webinar']}").get_data(as_text=True)
    links = {
        "edit": f'href="/webinars/{sample["webinar"]}/edit"',
        "bulk": f'href="/webinars/{sample["webinar"]}/bulk"',
        "new": f'href="/items/new?webinar_id={sample["webinar"]}"',
    }
    assert {name for name, link in links.items() if link in page} == visible


@pytest.mark.parametrize("username, sees", [("admin", True), ("kepala", True), ("anggota", False), ("pemantau", False)])
def test_new_webinar_button_only_for_heads_and_admins(client, users, username, sees):
    client.login(username)
    assert ('href="/webinars/new"' in client.get("/webinars").get_data(as_text=True)) is sees


# --- create and edit --------------------------------------------------------------------------

def test_head_creates_a_webinar_and_lands_on_its_page(client, users, db_ctx):
    client.login("kepala")
    response = client.submit("/webinars/new", NEW_WEBINAR, follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Webinar Seri 29 dibuat." in page
    assert "<li>Prof. Zudan Arif Fakrulloh</li>" in page and "<li>Dr. Muhammad Idris</li>" in page
    assert "22 Januari 2024" in page
    with db_ctx():
        webinar = db.session.scalar(select(Webinar).where(Webinar.series == 29))
        assert webinar.speakers == "Prof. Zudan Arif Fakrulloh\nDr. Muhammad Idris"
        assert webinar.created_by_id == users["kepala"]
        assert response.request.path == f"/webinars/{webinar.id}"


def test_series_number_must_be_unique(client, sample, db_ctx):
    client.login("admin")
    response = client.submit("/webinars/new", {**NEW_WEBINAR, "series": "28"})
    assert response.status_code == 422
    assert "Seri 28 sudah ada; setiap webinar memiliki nomor seri sendiri." in response.get_data(as_text=True)
    with db_ctx():
        assert db.session.scalar(select(func.count(Webinar.id))) == 1


def test_editing_cannot_take_another_webinars_series(client, sample, db_ctx):
    with db_ctx():
        other_id = add_webinar(29, "Seri 29", held_on=date(2024, 1, 22)).id
        db.session.commit()
    client.login("kepala")
    response = client.submit(f"/webinars/{other_id}/edit", {**NEW_WEBINAR, "series": "28"})
    assert response.status_code == 422
    assert "Seri 28 sudah ada" in response.get_data(as_text=True)
    with db_ctx():
        assert db.session.get(Webinar, other_id).series == 29


def test_head_edits_a_webinar(client, sample, db_ctx):
    client.login("kepala")
    edit = {**NEW_WEBINAR, "series": "28", "title": "Transformasi Agile Government (revisi)", "held_on": "2023-12-18"}
    response = client.submit(f"/webinars/{sample['webinar']}/edit", edit, follow_redirects=True)
    assert "Webinar Seri 28 disimpan." in response.get_data(as_text=True)
    with db_ctx():
        assert db.session.get(Webinar, sample["webinar"]).title == "Transformasi Agile Government (revisi)"


def test_series_of_a_webinar_with_items_cannot_change(client, sample, db_ctx):
    client.login("kepala")
    response = client.submit(f"/webinars/{sample['webinar']}/edit", {**NEW_WEBINAR, "series": "31"})
    assert response.status_code == 422
    assert "Nomor seri tidak dapat diubah" in response.get_data(as_text=True)
    with db_ctx():
        assert db.session.get(Webinar, sample["webinar"]).series == 28


@pytest.mark.parametrize("field, value, message", [
    ("held_on", "2024-02-30", None),
    ("held_on", "", None),
    ("series", "dua puluh", None),
    ("series", "0", "Nomor seri berupa bilangan bulat mulai dari 1."),
    ("title", "   ", None),
    ("link", "javascript://x%0Aalert(1)", "Masukkan alamat web yang diawali http:// atau https://."),
])
def test_bad_webinar_input_is_refused_and_saves_nothing(client, users, db_ctx, field, value, message):
    client.login("kepala")
    response = client.submit("/webinars/new", {**NEW_WEBINAR, field: value})
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    if message:
        assert message in response.get_data(as_text=True)
    with db_ctx():
        assert db.session.scalar(select(func.count(Webinar.id))) == 0


def test_webinar_page_has_a_whatsapp_share_link_with_its_figures(client, users, sample):
    """Sample: 3 items, none verified, one overdue (S28-02); the text says so and links back."""
    from urllib.parse import parse_qs, unquote, urlsplit

    client.login("pemantau")
    page = client.get(f"/webinars/{sample['webinar']}").get_data(as_text=True)
    import html

    href = html.unescape(page.split('class="btn btn-success whatsapp-share" href="')[1].split('"')[0])
    parts = urlsplit(href)
    assert parts.netloc == "wa.me"
    text = unquote(parse_qs(parts.query)["text"][0])
    assert "Webinar Seri 28" in text and "0%" in text and "1 terlambat" in text
    assert f"/webinars/{sample['webinar']}" in text

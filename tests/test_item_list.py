"""The item list: filters, search, sorting, pagination, bad query values and its query count."""
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from tests.conftest import add_item, add_webinar, get_user
from tracker.extensions import db
from tracker.models import ActionItem, Priority, Status, Theme, Unit, Webinar
from tracker.services.item_filter import SORTS
from tracker.timeutil import local_today

CODE_RE = re.compile(r'class="text-nowrap item-code"><a href="/items/(\d+)">([^<]+)</a>')


def codes(response) -> list[str]:
    """The item codes in the list, in the order shown."""
    assert response.status_code == 200, response.status_code
    return [code for _id, code in CODE_RE.findall(response.get_data(as_text=True))]


def theme_id(slug: str) -> int:
    return db.session.scalar(select(Theme.id).where(Theme.slug == slug))


def unit_id(short_name: str) -> int:
    return db.session.scalar(select(Unit.id).where(Unit.short_name == short_name))


@pytest.fixture()
def dataset(app, users):
    """Two webinars, seven items with distinct values; ids of the webinars and reference rows.

    S28-01 anggota   dikerjakan  tinggi  regulasi BKD    due -3 (overdue)  "Kajian regulasi ASN"
    S28-02 anggota2  baru        sedang  sdm      Dinkes due +2            "Pelatihan literasi digital"
    S28-03 anggota   selesai     rendah  regulasi -      due -10 (done)    "Pola karier"
    S28-04 –         terhambat   tinggi  -        DLH    no due            "Anggaran 50% TIK" (desc: sistem_informasi)
    S29-01 anggota2  terverif.   sedang  karier   BKD    due -1 (closed)   "Sistem merit"
    S29-02 anggota   baru        rendah  hukum    -      due +40           "Perlindungan hukum ASN" (desc: REGULASI daerah)
    S29-03 anggota2  dibatalkan  sedang  -        -      due -5            "Dibatalkan saja"
    """
    today = local_today()
    with app.app_context():
        anggota, anggota2 = get_user("anggota"), get_user("anggota2")
        w28, w29 = add_webinar(28), add_webinar(29, "Manajemen talenta")
        rows = [
            (w28, anggota, Status.IN_PROGRESS, Priority.HIGH, "regulasi", "BKD", -3, "Kajian regulasi ASN", None),
            (w28, anggota2, None, Priority.MEDIUM, "sdm", "Dinkes", 2, "Pelatihan literasi digital", None),
            (w28, anggota, Status.DONE, Priority.LOW, "regulasi", None, -10, "Pola karier", None),
            (w28, None, Status.BLOCKED, Priority.HIGH, None, "DLH", None, "Anggaran 50% TIK", "sistem_informasi"),
            (w29, anggota2, Status.VERIFIED, Priority.MEDIUM, "karier", "BKD", -1, "Sistem merit", None),
            (w29, anggota, None, Priority.LOW, "hukum", None, 40, "Perlindungan hukum ASN", "REGULASI daerah"),
            (w29, anggota2, Status.CANCELLED, Priority.MEDIUM, None, None, -5, "Dibatalkan saja", None),
        ]
        for webinar, owner, status, priority, theme, unit, due, title, description in rows:
            add_item(
                webinar, owner, status=status, priority=priority, title=title, description=description,
                theme_id=theme_id(theme) if theme else None, unit_id=unit_id(unit) if unit else None,
                due_date=today + timedelta(days=due) if due is not None else None,
            )
        db.session.commit()
        return {
            "w28": w28.id, "w29": w29.id, "anggota": anggota.id, "anggota2": anggota2.id,
            "regulasi": theme_id("regulasi"), "bkd": unit_id("BKD"),
        }


def test_list_shows_all_items_with_count_and_links(client, dataset):
    client.login("pemantau")
    response = client.get("/items")
    text = response.get_data(as_text=True)
    assert sorted(codes(response)) == ["S28-01", "S28-02", "S28-03", "S28-04", "S29-01", "S29-02", "S29-03"]
    assert "7 tindak lanjut cocok" in text
    assert "Kajian regulasi ASN" in text and "Seri 28" in text and "Anggota Uji" in text
    assert ">Dikerjakan<" in text and ">Tinggi<" in text and "due-overdue" in text
    assert re.search(r'href="/items/\d+">S28-01<', text)
    assert 'method="get"' in text  # the filter lives in the query string


@pytest.mark.parametrize(("query", "expected"), [
    ("status=baru", {"S28-02", "S29-02"}),
    ("status=baru&status=terhambat", {"S28-02", "S29-02", "S28-04"}),
    ("priority=tinggi", {"S28-01", "S28-04"}),
    ("overdue=1", {"S28-01"}),
    ("q=regulasi", {"S28-01", "S28-03", "S29-02"}),  # title, description or theme name, any case
    ("q=REGULASI+asn", {"S28-01", "S29-02"}),  # every word must match
    ("q=s29-0", {"S29-01", "S29-02", "S29-03"}),  # code
    ("q=50%25", {"S28-04"}),  # % is a literal character, not a wildcard
    ("q=sistem_informasi", {"S28-04"}),
    ("q=sistem_", {"S28-04"}),  # _ is literal too: "Sistem merit" does not match
    ("q=tidak-ada-yang-cocok", set()),
])
def test_filters_and_search_narrow_the_rows(client, dataset, query, expected):
    client.login("anggota")
    assert set(codes(client.get(f"/items?{query}"))) == expected


def test_filters_by_reference_ids(client, dataset):
    client.login("kepala")
    d = dataset
    assert set(codes(client.get(f"/items?webinar={d['w29']}"))) == {"S29-01", "S29-02", "S29-03"}
    assert set(codes(client.get(f"/items?owner={d['anggota']}"))) == {"S28-01", "S28-03", "S29-02"}
    assert set(codes(client.get(f"/items?theme={d['regulasi']}"))) == {"S28-01", "S28-03"}
    assert set(codes(client.get(f"/items?unit={d['bkd']}"))) == {"S28-01", "S29-01"}
    combined = client.get(f"/items?webinar={d['w28']}&owner={d['anggota']}&status=dikerjakan&status=selesai")
    assert set(codes(combined)) == {"S28-01", "S28-03"}


def test_due_date_range(client, dataset):
    client.login("anggota")
    today = local_today()
    start, end = (today - timedelta(days=5)).isoformat(), (today + timedelta(days=2)).isoformat()
    assert set(codes(client.get(f"/items?due_from={start}&due_to={end}"))) == {
        "S28-01", "S28-02", "S29-01", "S29-03"}
    assert set(codes(client.get(f"/items?due_from={(today + timedelta(days=3)).isoformat()}"))) == {"S29-02"}
    assert set(codes(client.get(f"/items?due_to={(today - timedelta(days=6)).isoformat()}"))) == {"S28-03"}


def test_the_form_keeps_the_chosen_filter(client, dataset):
    client.login("anggota")
    text = client.get(f"/items?status=baru&priority=tinggi&q=Kajian&webinar={dataset['w29']}").get_data(as_text=True)
    assert re.search(r'value="baru"[^>]*\s+checked', text)
    assert 'value="tinggi" selected' in text
    assert f'value="{dataset["w29"]}" selected' in text
    assert 'value="Kajian"' in text


def test_sorting(client, dataset, db_ctx):
    client.login("anggota")
    # Due date: soonest first, items without a due date last.
    assert codes(client.get("/items?sort=due")) == [
        "S28-03", "S29-03", "S28-01", "S29-01", "S28-02", "S29-02", "S28-04"]
    # Priority: high first; within a priority by due date, then id.
    assert codes(client.get("/items?sort=priority")) == [
        "S28-01", "S28-04", "S29-03", "S29-01", "S28-02", "S28-03", "S29-02"]
    with db_ctx():
        base = datetime(2024, 1, 1, tzinfo=UTC)
        for offset, code in enumerate(["S29-02", "S28-01", "S29-03", "S28-02", "S28-03", "S28-04", "S29-01"]):
            db.session.execute(update(ActionItem).where(ActionItem.code == code)
                               .values(updated_at=base - timedelta(hours=offset)))
        db.session.commit()
    assert codes(client.get("/items?sort=updated")) == [
        "S29-02", "S28-01", "S29-03", "S28-02", "S28-03", "S28-04", "S29-01"]


def test_code_sort_follows_series_and_number(client, users, db_ctx):
    with db_ctx():
        w3, w28 = add_webinar(3, "Seri awal"), add_webinar(28)
        for _ in range(10):
            add_item(w28)
        add_item(w3)
        db.session.commit()
    client.login("anggota")
    shown = codes(client.get("/items?sort=code"))
    assert shown[:3] == ["S3-01", "S28-01", "S28-02"]
    assert shown[-1] == "S28-10"


@pytest.fixture()
def sixty(app, users):
    """60 items of one webinar, due on 60 different days."""
    today = local_today()
    with app.app_context():
        webinar = add_webinar()
        for number in range(60):
            add_item(webinar, title=f"Butir {number:02d}", due_date=today + timedelta(days=number))
        db.session.commit()


def test_pagination_and_rows_per_page(client, sixty):
    client.login("anggota")
    first = client.get("/items")
    assert len(codes(first)) == 25
    text = first.get_data(as_text=True)
    assert "60 tindak lanjut cocok" in text and "Halaman 1 dari 3" in text
    pages = [codes(client.get(f"/items?page={page}")) for page in (1, 2, 3)]
    assert [len(page) for page in pages] == [25, 25, 10]
    every = [code for page in pages for code in page]
    assert len(set(every)) == 60 and every == sorted(every)  # due order = number order
    assert len(codes(client.get("/items?per_page=50"))) == 50
    assert len(codes(client.get("/items?per_page=100"))) == 60
    # The pager keeps the rest of the query string.
    page_two = client.get("/items?per_page=50&q=Butir").get_data(as_text=True)
    assert re.search(r'href="/items\?[^"]*page=2', page_two)
    assert "per_page=50" in re.search(r'href="(/items\?[^"]*page=2[^"]*)"', page_two).group(1)


@pytest.mark.parametrize("per_page", ["7", "1000", "abc", "-25", "0"])
def test_other_rows_per_page_fall_back_to_25(client, sixty, per_page):
    client.login("anggota")
    response = client.get(f"/items?per_page={per_page}")
    assert len(codes(response)) == 25
    assert "Baris per halaman dapat 25, 50 atau 100" in response.get_data(as_text=True)


def test_a_page_past_the_end_shows_the_last_page(client, sixty):
    client.login("anggota")
    response = client.get("/items?page=99")
    assert len(codes(response)) == 10
    assert "Halaman 3 dari 3" in response.get_data(as_text=True)


@pytest.mark.parametrize(("query", "notice"), [
    ("page=abc", "Nomor halaman yang bukan angka diabaikan."),
    ("page=-1", "Nomor halaman yang bukan angka diabaikan."),
    ("page=99999999999999999999999999", "Nomor halaman yang bukan angka diabaikan."),
    ("status=xyz", "Filter status yang tidak dikenal diabaikan."),
    ("due_from=2024-13-45", "Tenggat yang bukan tanggal diabaikan"),
    ("due_to=kemarin", "Tenggat yang bukan tanggal diabaikan"),
    ("owner=abc", "Filter penanggung jawab yang tidak dikenal diabaikan."),
    ("owner=99999999999999", "Filter penanggung jawab yang tidak dikenal diabaikan."),
    ("webinar=1.5", "Filter webinar yang tidak dikenal diabaikan."),
    ("theme=%00", "Filter unsur yang tidak dikenal diabaikan."),
    ("unit=%D9%A3", "Filter unit kerja yang tidak dikenal diabaikan."),  # an Arabic-Indic digit
    ("priority=urgent", "Filter prioritas yang tidak dikenal diabaikan."),
    ("sort=title;drop", "Urutan yang tidak dikenal diabaikan."),
    ("q=" + "x" * 5000, "Teks pencarian dipendekkan menjadi 200 karakter."),
])
def test_bad_values_are_ignored_with_a_notice(client, dataset, query, notice):
    client.login("anggota")
    response = client.get(f"/items?{query}")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert notice in text
    if not query.startswith("q="):
        assert len(codes(response)) == 7  # the bad value narrowed nothing


def test_bad_values_keep_the_good_ones(client, dataset):
    client.login("anggota")
    response = client.get("/items?status=xyz&status=baru&page=abc")
    assert set(codes(response)) == {"S28-02", "S29-02"}
    assert "Filter status yang tidak dikenal diabaikan." in response.get_data(as_text=True)


def test_a_valid_id_that_does_not_exist_just_matches_nothing(client, dataset):
    client.login("anggota")
    response = client.get("/items?owner=424242")
    assert codes(response) == [] and "Tidak ada tindak lanjut yang cocok" in response.get_data(as_text=True)


def test_export_links_carry_the_filter(client, dataset):
    client.login("anggota")
    text = client.get("/items?status=baru&status=dikerjakan&q=ASN&page=1&per_page=50").get_data(as_text=True)
    for path in ("/items/export.csv", "/items/export.xlsx"):
        link = re.search(rf'href="({re.escape(path)}\?[^"]*)"', text).group(1)
        assert "status=baru" in link and "status=dikerjakan" in link and "q=ASN" in link
        assert "page" not in link.replace("per_page", "")


def test_english_interface(client, dataset, db_ctx):
    with db_ctx():
        get_user("anggota").language = "en"
        db.session.commit()
    client.login("anggota")
    text = client.get("/items?status=zzz").get_data(as_text=True)
    assert "7 matching items" in text and "Ignored an unknown status in the filter." in text


def test_query_count_does_not_grow_with_rows(client, users, db_ctx, count_queries):
    client.login("anggota")
    today = local_today()
    with db_ctx():
        anggota = get_user("anggota")
        webinars = [add_webinar(28), add_webinar(29, "Manajemen talenta")]
        webinar_ids = [webinar.id for webinar in webinars]
        regulasi, bkd = theme_id("regulasi"), unit_id("BKD")
        for number in range(3):
            add_item(webinars[number % 2], anggota, theme_id=regulasi, unit_id=bkd, due_date=today)
        db.session.commit()
    with count_queries() as small:
        assert len(codes(client.get("/items?per_page=100"))) == 3
    with db_ctx():
        anggota = get_user("anggota")
        webinars = [db.session.get(Webinar, webinar_id) for webinar_id in webinar_ids]
        for number in range(57):
            add_item(webinars[number % 2], anggota, theme_id=regulasi, unit_id=bkd, due_date=today)
        db.session.commit()
    with count_queries() as large:
        assert len(codes(client.get("/items?per_page=100"))) == 60
    # user (with the unread notifications badge), count, page of items, the four option lists of the
    # filter form (one UNION ALL)
    assert len(small) == len(large) == 4


def test_filter_round_trips_through_the_query_string(app):
    from werkzeug.datastructures import MultiDict

    from tracker.services.item_filter import ItemFilter

    args = MultiDict([("status", "terhambat"), ("status", "baru"), ("owner", "3"), ("overdue", "1"),
                      ("due_from", "2024-01-31"), ("q", "  regulasi   daerah "), ("sort", "code"),
                      ("page", "2"), ("per_page", "50")])
    with app.test_request_context():
        item_filter, notices = ItemFilter.from_args(args)
        assert notices == []
        assert item_filter.statuses == (Status.NEW, Status.BLOCKED) and item_filter.q == "regulasi daerah"
        again, _ = ItemFilter.from_args(MultiDict(
            [(key, value) for key, values in item_filter.query_args(page=True).items()
             for value in (values if isinstance(values, list) else [values])]))
        assert again == item_filter
        assert "page" not in item_filter.query_args()  # exports and links to page 1


@pytest.mark.parametrize("sort", SORTS)
def test_next_and_previous_links_walk_the_same_pages_as_page_numbers(client, users, db_ctx, sort):
    client.login("anggota")
    today = local_today()
    with db_ctx():
        anggota, webinars = get_user("anggota"), [add_webinar(28), add_webinar(3, "Seri awal")]
        for number in range(60):  # repeated due dates and priorities, every seventh item without a due date
            add_item(webinars[number % 2], anggota, priority=list(Priority)[number % 3],
                     due_date=None if number % 7 == 0 else today + timedelta(days=number % 4))
        db.session.commit()
    by_number = [codes(client.get(f"/items?sort={sort}&page={page}")) for page in (1, 2, 3)]
    assert sum(len(page) for page in by_number) == 60
    assert len({code for page in by_number for code in page}) == 60
    url, seen = f"/items?sort={sort}", []
    for expected in by_number:
        text = client.get(url).get_data(as_text=True)
        assert [code for _id, code in CODE_RE.findall(text)] == expected
        seen.append(text)
        nexts = re.findall(r'href="([^"]*after=[^"]*)"', text)
        url = nexts[0].replace("&amp;", "&") if nexts else None
    assert url is None  # no next link on the last page
    for page, expected in ((2, by_number[1]), (1, by_number[0])):
        url = re.findall(r'href="([^"]*)"[^>]*>Sebelumnya', seen[page])[0].replace("&amp;", "&")
        assert ("before=" in url) == (page > 1)
        assert codes(client.get(url)) == expected


def test_a_bad_cursor_is_ignored_with_a_notice(client, users, db_ctx):
    client.login("anggota")
    with db_ctx():
        anggota, webinar = get_user("anggota"), add_webinar(28)
        add_item(webinar, anggota)
        db.session.commit()
    # ... and "~5", an undated item's link from before due order became one order with undated items last.
    for cursor in ("zzz", "2026-13-01~5", "~0", "~99999999999", "x" * 100, "~5"):
        response = client.get("/items", query_string={"after": cursor})
        assert response.status_code == 200
        assert "Posisi halaman yang tidak sah diabaikan" in response.get_data(as_text=True)


@pytest.mark.parametrize("query", ["", "&owner={owner}", "&status=baru&status=dikerjakan"])
def test_typed_page_numbers_in_due_order_cross_into_undated_items(client, users, db_ctx, query):
    """Pages typed by number: dated items by due date then id, then undated ones, none lost or repeated."""
    client.login("anggota")
    today = local_today()
    with db_ctx():
        anggota, anggota2, webinar = get_user("anggota"), get_user("anggota2"), add_webinar(28)
        for number in range(70):
            add_item(webinar, anggota if number % 5 else anggota2,
                     status=Status.IN_PROGRESS if number % 3 == 0 else None,
                     due_date=None if number % 6 == 0 else today + timedelta(days=(number * 7) % 11))
        db.session.commit()
        items = db.session.scalars(select(ActionItem)).all()
        wanted = [item for item in items if (
            (not query.startswith("&owner") or item.owner_id == anggota.id)
            and (not query.startswith("&status") or item.status in (Status.NEW, Status.IN_PROGRESS)))]
        wanted.sort(key=lambda item: (item.due_date is None, item.due_date or today, item.id))
        expected = [item.code for item in wanted]
        owner = anggota.id
    shown = []
    for page in range(1, (len(expected) + 24) // 25 + 1):
        shown += codes(client.get(f"/items?per_page=25&page={page}" + query.format(owner=owner)))
    assert shown == expected


def test_a_long_list_counts_up_to_a_limit_and_pages_on(client, users, db_ctx, monkeypatch):
    """Past COUNT_LIMIT matches the list says "more than", pages without "of N", and still ends right."""
    from tracker.services import item_pages, search_pages

    monkeypatch.setattr(item_pages, "COUNT_LIMIT", 30)
    monkeypatch.setattr(search_pages, "SEARCH_COUNT_LIMIT", 30)  # a search (below) counts up to its own limit
    client.login("anggota")
    today = local_today()
    with db_ctx():
        webinar = add_webinar(28)
        for number in range(60):  # every tenth without a due date
            add_item(webinar, title=f"Butir {number:02d}",
                     due_date=None if number % 10 == 0 else today + timedelta(days=number))
        db.session.commit()
        expected = [item.code for item in sorted(
            db.session.scalars(select(ActionItem)).all(),
            key=lambda item: (item.due_date is None, item.due_date or today, item.id))]
    # Filtered (an unfiltered list on SQLite is counted exactly: that is cheap there); a search in due
    # order pages by keyset (best match first, its default, pages by number: test_search.py).
    first = client.get("/items?q=Butir&sort=due").get_data(as_text=True)
    assert "Lebih dari 30 tindak lanjut cocok" in first
    assert "Halaman 1<" in first and "Halaman 1 dari" not in first
    # Next links walk every item once, in order; the last page has no Next.
    url, shown = "/items?q=Butir&sort=due", []
    while url:
        text = client.get(url).get_data(as_text=True)
        shown += [code for _id, code in CODE_RE.findall(text)]
        nexts = re.findall(r'href="([^"]*after=[^"]*)"', text)
        url = nexts[0].replace("&amp;", "&") if nexts else None
    assert shown == expected
    # Typed page numbers too, and one past the end shows the last page with the exact count.
    typed = [code for page in (1, 2, 3) for code in codes(client.get(f"/items?q=Butir&sort=due&page={page}"))]
    assert typed == expected
    past = client.get("/items?q=Butir&sort=due&page=9")
    assert codes(past) == expected[50:]
    assert "60 tindak lanjut cocok" in past.get_data(as_text=True)
    # A filter that matches fewer than the limit is counted exactly.
    due_to = (today + timedelta(days=10)).isoformat()  # Butir 01–09 (Butir 10 has no due date)
    assert "9 tindak lanjut cocok" in client.get(f"/items?due_to={due_to}").get_data(as_text=True)


@pytest.mark.parametrize("query", ["Kajian%00regulasi", "%00", "Kajian%01%7F"])
def test_control_characters_in_the_search_are_spaces_not_a_500(client, users, query):
    """A NUL byte in ?q= once reached PostgreSQL, which refuses it in text (found by the fuzzer)."""
    client.login("pemantau")
    for url in (f"/items?q={query}", f"/items/export.csv?q={query}"):
        response = client.get(url)
        assert response.status_code == 200, url

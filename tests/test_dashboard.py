"""The dashboard: figures and categories counted by hand, scope filters, roles, query count, bad input."""
import json
import re
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import insert, select, update

from tests.conftest import add_item, add_webinar, get_user
from tracker.extensions import db
from tracker.models import ActionItem, Priority, Status, Theme, User, Webinar
from tracker.services import dashboard
from tracker.services.dashboard import Scope
from tracker.services.horizon import load_horizon
from tracker.timeutil import local_today

DATA_RE = re.compile(r'<script type="application/json" id="dashboard-data">(.*?)</script>', re.S)


@pytest.fixture()
def dataset(app, users):
    """Two webinars, nine items; every figure below is counted by hand from this list.

    Seri 28: 1 baru overdue (regulasi) · 2 dikerjakan due in 3 days (sdm) · 3 terhambat overdue
             (regulasi, reason) · 4 selesai, due passed · 5 terverifikasi · 6 dibatalkan, due passed
    Seri 29: 7 baru due in exactly 7 days · 8 terverifikasi · 9 dikerjakan due in 8 days
    """
    today = local_today()
    with app.app_context():
        anggota, anggota2 = get_user("anggota"), get_user("anggota2")
        themes = {theme.slug: theme for theme in db.session.scalars(select(Theme))}
        first, second = add_webinar(28), add_webinar(29, "Manajemen talenta", held_on=date(2024, 2, 1))
        days = lambda n: today + timedelta(days=n)  # noqa: E731
        specs = [
            (first, anggota, Status.NEW, days(-5), "regulasi", None),
            (first, anggota, Status.IN_PROGRESS, days(3), "sdm", None),
            (first, anggota2, Status.BLOCKED, days(-1), "regulasi", "Menunggu data dari BKD"),
            (first, anggota2, Status.DONE, days(-10), None, None),
            (first, anggota, Status.VERIFIED, None, None, None),
            (first, anggota, Status.CANCELLED, days(-3), None, "Tidak relevan lagi"),
            (second, anggota2, Status.NEW, days(7), "karier", None),
            (second, anggota2, Status.VERIFIED, None, "karier", None),
            (second, anggota, Status.IN_PROGRESS, days(8), None, None),
        ]
        ids = []
        for number, (webinar, owner, status, due, theme, note) in enumerate(specs, start=1):
            item = add_item(webinar, owner, status=status, due_date=due, title=f"Tindak lanjut nomor {number}",
                            theme_id=themes[theme].id if theme else None)
            item.status_note = note
            ids.append(item.id)
        db.session.commit()
        return {"webinars": (first.id, second.id), "items": ids, "today": today}


def _soon(app, today, *days_ahead):
    """How many of these due dates fall within the "due soon" horizon (the working-day setting)."""
    with app.app_context():
        horizon = load_horizon(today)
    return sum(today + timedelta(days=n) <= horizon.soon_until for n in days_ahead)


def _figures(app, **args):
    with app.app_context():
        return dashboard.figures(Scope.from_args(args))


def test_figures_and_categories_counted_by_hand(app, dataset):
    figures = _figures(app)
    assert figures["total"] == 9
    assert figures["verified"] == 2 and figures["countable"] == 8
    assert figures["completion"] == 25  # 2 verified of 8 not cancelled
    assert figures["overdue"] == 2  # items 1 and 3; the done and the cancelled one do not count
    assert figures["blocked"] == 1
    # Open items 2 (3 days), 7 (7 days) and 9 (8 days), as far as 3 working days reach (2 always does).
    assert figures["due_soon"] == _soon(app, dataset["today"], 3, 7, 8) >= 1
    categories = {row["key"]: (row["count"], row["percent"]) for row in figures["categories"]}
    assert categories == {
        "sesuai": (2, 22.2), "dalam_proses": (4, 44.4), "belum": (2, 22.2), "tidak_dapat": (1, 11.1),
    }
    this_week = figures["trend"][-1]
    assert len(figures["trend"]) == 12
    assert this_week == {"week": this_week["week"], "opened": 9, "completed": 3}  # items 4, 5, 8
    assert sum(week["opened"] for week in figures["trend"][:-1]) == 0


def _orm_objects(value, path="data"):
    """Paths of the ORM instances anywhere inside the dashboard's data."""
    if hasattr(value, "_sa_instance_state"):
        return [path]
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in _orm_objects(item, f"{path}.{key}")]
    if isinstance(value, (list, tuple)):
        return [found for index, item in enumerate(value) for found in _orm_objects(item, f"{path}[{index}]")]
    if hasattr(value, "__dataclass_fields__"):
        return [found for name in value.__dataclass_fields__ for found in
                _orm_objects(getattr(value, name), f"{path}.{name}")]
    return []


def test_the_dashboard_holds_plain_values_that_outlive_the_session(app, dataset):
    with app.test_request_context():
        data = dashboard.dashboard(Scope(), "id")
        db.session.remove()  # whatever the page still reads must not need the database
        assert _orm_objects(data) == []
        overdue = [(line.code, line.owner.full_name, line.is_overdue(dataset["today"])) for line in data["overdue_items"]]
        blocked = [(line.title, line.status_note) for line in data["blocked_items"]]
    # Items 1 (five days late) and 3 (one day late); item 3 is the only blocked one, with its reason.
    assert [(owner, late) for _code, owner, late in overdue] == [("Anggota Uji", True), ("Anggota Dua", True)]
    assert blocked == [("Tindak lanjut nomor 3", "Menunggu data dari BKD")]


def test_statements_built_once_never_carry_another_scopes_values(app, dataset):
    # The dashboard builds each statement once per scope shape and binds the values at every request:
    # the second webinar, asked right after the first (the same shape, so the same statements), gets
    # its own figures and lists, and so does the first again.
    first, second = dataset["webinars"]
    with app.test_request_context():
        horizon = load_horizon(dataset["today"])
        seen = []
        for webinar in (first, second, first):
            data = dashboard.dashboard(Scope(webinar=webinar), "id", horizon)
            seen.append((data["figures"]["total"], data["figures"]["overdue"], data["figures"]["due_soon"],
                         [line.title for line in data["overdue_items"]],
                         [line.title for line in data["blocked_items"]], len(data["activity"])))
    assert seen[0] == seen[2]
    assert seen[0][:2] == (6, 2) and seen[0][3] == ["Tindak lanjut nomor 1", "Tindak lanjut nomor 3"]
    assert seen[1][:2] == (3, 0) and seen[1][3:5] == ([], [])
    assert (seen[0][2], seen[1][2]) == (_soon(app, dataset["today"], 3), _soon(app, dataset["today"], 7, 8))


def test_webinar_scope_changes_the_figures(app, dataset):
    first, second = dataset["webinars"]
    figures = _figures(app, webinar=str(first))
    assert (figures["total"], figures["verified"], figures["countable"]) == (6, 1, 5)
    assert figures["completion"] == 20
    assert (figures["overdue"], figures["blocked"], figures["due_soon"]) == (2, 1, _soon(app, dataset["today"], 3))
    assert [row["count"] for row in figures["categories"]] == [1, 3, 1, 1]
    figures = _figures(app, webinar=str(second))
    assert (figures["total"], figures["completion"], figures["overdue"]) == (3, 33, 0)
    assert figures["due_soon"] == _soon(app, dataset["today"], 7, 8)


def test_period_filters_by_the_wita_day_items_were_logged(app, dataset):
    today = dataset["today"]
    last_start, _last_end = dashboard.semester(today, back=1)
    # The three items of Seri 29 were logged last semester, at 00:30 WITA of its first day.
    logged = datetime(last_start.year, last_start.month, 1, 16, 30, tzinfo=UTC) - timedelta(days=1)
    with app.app_context():
        db.session.execute(update(ActionItem).where(ActionItem.webinar_id == dataset["webinars"][1])
                           .values(created_at=logged))
        db.session.commit()
    assert _figures(app, period="this_semester")["total"] == 6
    assert _figures(app, period="last_semester")["total"] == 3
    assert _figures(app, period="all")["total"] == 9
    first_day = last_start.isoformat()
    assert _figures(app, period="range", **{"from": first_day, "to": first_day})["total"] == 3
    day_before = (last_start - timedelta(days=1)).isoformat()  # the same instant is still that day in UTC
    assert _figures(app, period="range", **{"from": day_before, "to": day_before})["total"] == 0
    assert _figures(app, **{"from": first_day})["total"] == 9  # from alone means a range
    assert _figures(app, period="last_semester", webinar=str(dataset["webinars"][0]))["total"] == 0


def test_semesters():
    assert dashboard.semester(date(2024, 3, 5)) == (date(2024, 1, 1), date(2024, 6, 30))
    assert dashboard.semester(date(2024, 3, 5), back=1) == (date(2023, 7, 1), date(2023, 12, 31))
    assert dashboard.semester(date(2024, 7, 1), back=1) == (date(2024, 1, 1), date(2024, 6, 30))


def test_dashboard_page_shows_the_figures_charts_and_lists(client, users, dataset):
    client.login("kepala")
    response = client.get("/dashboard")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    chart = json.loads(DATA_RE.search(page).group(1))
    assert chart["status"]["values"] == [2, 2, 1, 1, 2, 1]  # baru … dibatalkan in workflow order
    assert chart["webinars"]["labels"] == ["Seri 28", "Seri 29"] and chart["webinars"]["values"] == [20, 33]
    assert chart["themes"]["values"][:2] == [2, 1]  # regulasi, sdm; then the rest
    assert chart["owners"]["labels"] == ["Anggota Uji", "Anggota Dua"]  # 3 and 2 open items
    assert chart["owners"]["series"][1]["values"] == [1, 1]  # overdue: item 1, item 3
    assert chart["trend"]["series"][0]["values"][-1] == 9
    for official in ("sesuai", "dalam proses", "belum ditindaklanjuti", "tidak dapat ditindaklanjuti"):
        assert official in page
    assert "22,2%" in page and "44,4%" in page  # Indonesian decimals
    assert "Menunggu data dari BKD" in page  # the reason of the blocked item
    assert "Tindak lanjut nomor 1" in page and "Tindak lanjut nomor 3" in page  # overdue list
    assert "vendor/chartjs/chart.umd.min.js" in page and "js/dashboard.js" in page
    assert "<script>" not in page and 'style="' not in page  # strict CSP: no inline code or styles
    assert page.count("<table") >= 6  # a table with every chart, plus the categories


def test_english_ui_keeps_the_official_category_names_and_explains_them(app, client, users, dataset):
    with app.app_context():
        get_user("kepala").language = "en"
        db.session.commit()
    client.login("kepala")
    page = client.get("/dashboard").get_data(as_text=True)
    assert "belum ditindaklanjuti" in page and "not yet followed up" in page
    assert "22.2%" in page


def test_latest_activity_names_actor_and_item(app, client, users, sample):
    client.login("kepala")
    response = client.submit(f"/items/{sample['item1']}/comments", {"body": "Rapat koordinasi Senin."},
                             token_from=f"/items/{sample['item1']}")
    assert response.status_code == 302
    page = client.get("/dashboard").get_data(as_text=True)
    activity = page[page.index('id="activity-title"'):]
    assert "Kepala Uji" in activity and "S28-01" in activity and "berkomentar" in activity


@pytest.mark.parametrize("username", ["kepala", "admin", "pemantau"])
def test_heads_admins_and_viewers_see_the_dashboard(client, users, sample, username):
    client.login(username)
    assert client.get("/dashboard").status_code == 200


def test_member_is_sent_to_my_tasks(client, users, sample):
    client.login("anggota")
    response = client.get("/dashboard")
    assert response.status_code == 302
    assert urlsplit(response.location).path == "/my"


def test_anonymous_is_sent_to_sign_in(client, sample):
    response = client.get("/dashboard")
    assert response.status_code == 302 and "/login" in response.location


def test_viewer_sees_no_action_buttons(client, users, sample):
    client.login("pemantau")
    page = client.get("/dashboard").get_data(as_text=True)
    assert 'method="post"' not in page.split('id="content"')[1]
    assert "/reports/snapshots" not in page


def test_whatsapp_link_carries_a_short_summary(app, client, users, dataset):
    client.login("kepala")
    page = client.get(f"/dashboard?webinar={dataset['webinars'][0]}").get_data(as_text=True)
    href = re.search(r'href="(https://wa\.me/\?text=[^"]+)"', page).group(1).replace("&amp;", "&")
    text = parse_qs(urlsplit(href).query)["text"][0]
    assert "Seri 28" in text and "20%" in text and "2 terlambat" in text
    assert f"http://127.0.0.1:5000/dashboard?webinar={dataset['webinars'][0]}" in text
    with app.app_context():
        assert dashboard.whatsapp_share_url("semua webinar & 50%") == (
            "https://wa.me/?text=semua%20webinar%20%26%2050%25")


BAD_SCOPES = [
    "webinar=abc", "webinar=-1", "webinar=99999999999999999999", "webinar=424242", "period=yearly",
    "period=range&from=2024-13-45&to=nope", "period=range&from=0001-01-01&to=9999-12-31",
    "period=range&from=2024-06-30&to=2024-01-01", "period=range", "from=%00&to=%ff", "webinar=1&webinar=x",
    "period=this_semester&from=2024-01-01", "period=" + "x" * 5000,
]


@pytest.mark.parametrize("query", BAD_SCOPES)
def test_bad_scope_values_never_fail(client, users, sample, query):
    client.login("kepala")
    response = client.get(f"/dashboard?{query}")
    assert response.status_code == 200


def test_bad_values_are_explained(client, users, sample):
    client.login("kepala")
    page = client.get("/dashboard?webinar=424242&period=yearly").get_data(as_text=True)
    assert "Webinar yang tidak dikenal diabaikan" in page
    assert "Periode yang tidak dikenal diabaikan" in page


def test_reversed_range_is_swapped():
    scope = Scope.from_args({"period": "range", "from": "2024-06-30", "to": "2024-01-01"}, today=date(2024, 8, 1))
    assert (scope.start, scope.end) == (date(2024, 1, 1), date(2024, 6, 30)) and scope.notices


def _bulk_items(app, count: int) -> None:
    """Insert `count` items quickly, spread over statuses, owners, themes, due dates and two webinars."""
    today = local_today()
    with app.app_context():
        owners = list(db.session.scalars(select(User.id).where(User.username.in_(["anggota", "anggota2", "kepala"]))))
        themes = list(db.session.scalars(select(Theme.id)))
        webinars = list(db.session.scalars(select(Webinar).order_by(Webinar.series)))
        if len(webinars) < 2:
            webinars.append(add_webinar(90, "Webinar beban"))
        statuses = list(Status)
        rows = []
        for index in range(count):
            webinar = webinars[index % 2]
            webinar.last_item_number += 1
            status = statuses[index % len(statuses)]
            rows.append({
                "webinar_id": webinar.id, "number": webinar.last_item_number,
                "code": f"S{webinar.series}-{webinar.last_item_number:04d}", "title": f"Beban {index}",
                "owner_id": owners[index % len(owners)], "theme_id": themes[index % len(themes)],
                "priority": Priority.MEDIUM, "status": status, "progress": index % 101,
                "due_date": today + timedelta(days=index % 30 - 15),
                "completed_at": datetime.now(UTC) if status in (Status.DONE, Status.VERIFIED) else None,
            })
        db.session.execute(insert(ActionItem), rows)
        db.session.commit()


def test_query_count_does_not_grow_with_the_data(app, client, users, sample, count_queries):
    _bulk_items(app, 7)  # 10 items with the sample's three
    client.login("kepala")
    client.get("/dashboard")  # warm up (first request of a session)
    with count_queries() as small:
        assert client.get("/dashboard").status_code == 200
    _bulk_items(app, 990)
    with count_queries() as large:
        page = client.get("/dashboard").get_data(as_text=True)
    assert "1000" in page
    # No memo: every request counts afresh. The user with the head's "needs decision" badge (one
    # query, before rendering), the "due soon" horizon, webinars with their tallies, themes, owners,
    # the dated counts (overdue, due soon, trend), the overdue and blocked lists (one query), the activity.
    assert len(small) == len(large) == 8, large
    with count_queries() as scoped:  # a period is counted from the items: one more (units and closings)
        client.get("/dashboard?period=this_semester&webinar=1")
    assert len(scoped) <= 9, scoped
    with count_queries() as one_webinar:
        client.get("/dashboard?webinar=1")
    assert len(one_webinar) <= 8, one_webinar


def test_the_overdue_list_is_the_most_overdue_of_every_open_status_together(app, users):
    # Four open items late by 9, 7, 4 and 2 days across the three open statuses (and a done item
    # later than all of them): a list of three shows the three latest, in lateness order.
    today = local_today()
    with app.app_context():
        webinar, owner = add_webinar(40), get_user("anggota")
        for title, status, late in (("Baru 4", Status.NEW, 4), ("Terhambat 9", Status.BLOCKED, 9),
                                    ("Dikerjakan 2", Status.IN_PROGRESS, 2), ("Baru 7", Status.NEW, 7),
                                    ("Selesai 20", Status.DONE, 20)):
            add_item(webinar, owner, status=status, title=title, due_date=today - timedelta(days=late))
        db.session.commit()
    with app.test_request_context():
        overdue, _blocked = dashboard.attention_items(Scope(), today, limit=3)
        everything, _blocked = dashboard.attention_items(Scope(), today, limit=10)
    assert [line.title for line in overdue] == ["Terhambat 9", "Baru 7", "Baru 4"]
    assert [line.title for line in everything] == ["Terhambat 9", "Baru 7", "Baru 4", "Dikerjakan 2"]

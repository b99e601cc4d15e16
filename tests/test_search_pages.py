"""A search best match first reads its page as the matches' density suits, and every plan shows the same rows.

Few matches are sorted; many are read in due order from the filter's index, the code-and-title tier
tested against the short list of such matches or, when many hold the words, on each item's own row.
The limits that choose the plan are lowered here so that a small list takes every path, and each
path must show the same ranked order across the tier boundary and across pages, with every filter.
"""
import math
import re
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from tests.conftest import add_item, add_webinar, get_user
from tracker.extensions import db
from tracker.models import ActionItem, Priority, Theme, Unit
from tracker.models.rules import FAR_FUTURE
from tracker.services import search_pages, search_query
from tracker.services.item_filter import ItemFilter
from tracker.services.item_pages import paginate
from tracker.timeutil import local_today

ID_RE = re.compile(r'class="text-nowrap item-code"><a href="/items/(\d+)">')
PER_PAGE = 25
ITEMS = 160
STATUSES = ("baru", "dikerjakan", "terhambat", "selesai")
# Spellings of the searched words in titles and descriptions: case and accents do not matter.
SPELLINGS = {"gardu": ("Gardu", "GARDU", "Gárdu"), "induk": ("induk", "Índuk")}
PLANS = {  # name: (SEARCH_COUNT_LIMIT, MANY_IN_HEAD)
    "few matches, sorted": (search_pages.SEARCH_COUNT_LIMIT, search_query.MANY_IN_HEAD),
    "many, short list of title matches": (3, 10_000),
    "many, titles tested item by item": (3, 3),
}


def _words(number: int) -> tuple[set, set]:
    """The searched words in an item's title and in its description (every combination occurs)."""
    head = ({"gardu", "induk"}, {"gardu"}, set(), {"induk"})[number % 4]
    body = (set(), {"gardu"}, {"gardu", "induk"})[number // 4 % 3]
    return head, body


def _spelled(words: set, number: int) -> str:
    return " ".join(SPELLINGS[word][number % len(SPELLINGS[word])] for word in sorted(words))


@pytest.fixture()
def grid(app, users):
    """ITEMS items: the words in title, description, both or neither; due dates, statuses and owners varied."""
    today = local_today()
    with app.app_context():
        owners = [get_user("anggota"), get_user("anggota2")]
        webinars = [add_webinar(41, "Rapat satu"), add_webinar(42, "Rapat dua")]
        themes = db.session.scalars(select(Theme.id).order_by(Theme.id)).all()[:3]
        units = db.session.scalars(select(Unit.id).order_by(Unit.id)).all()[:3]
        words = {}
        for number in range(ITEMS):
            head, body = _words(number)
            item = add_item(
                webinars[number // 2 % 2], owners[number % 2], status=STATUSES[number % 4],
                title=f"Pemeliharaan {_spelled(head, number)} nomor {number}".replace("  ", " "),
                description=f"Catatan {_spelled(body, number)} rapat" if body else "Catatan rapat",
                due_date=None if number % 7 == 0 else today + timedelta(days=number * 5 % 23 - 8),
                priority=list(Priority)[number % 3], theme_id=themes[number % 3], unit_id=units[number % 3])
            words[item.id] = (head, body)
        rare = add_item(webinars[0], owners[0], title="Kunjungan lapangan", description="Menara mercusuar tua")
        db.session.commit()
        return {"words": words, "rare": rare.id, "owner": owners[0].id, "webinar": webinars[0].id,
                "theme": themes[1], "unit": units[2], "today": today}


def _filters(grid) -> dict:
    """Query strings of every filter the list has, each with what it keeps (a test on an item)."""
    today = grid["today"]
    soon = today + timedelta(days=10)
    return {
        "": lambda item: True,
        "&status=dikerjakan": lambda item: item.status.value == "dikerjakan",
        "&status=baru&status=terhambat": lambda item: item.status.value in ("baru", "terhambat"),
        f"&owner={grid['owner']}": lambda item: item.owner_id == grid["owner"],
        f"&webinar={grid['webinar']}": lambda item: item.webinar_id == grid["webinar"],
        f"&priority=tinggi&theme={grid['theme']}": lambda item: item.priority == Priority.HIGH
        and item.theme_id == grid["theme"],
        f"&unit={grid['unit']}": lambda item: item.unit_id == grid["unit"],
        "&overdue=1": lambda item: item.is_overdue(today),
        f"&due_from={today.isoformat()}&due_to={soon.isoformat()}": lambda item: item.due_date is not None
        and today <= item.due_date <= soon,
    }


def _expected(db_ctx, grid, searched: set, keeps) -> list[int]:
    """The ids best match first: every word in the title first, then the other matches, each by due date and id."""
    with db_ctx():
        items = [item for item in db.session.scalars(select(ActionItem)) if item.id in grid["words"] and keeps(item)]
        ranked = []
        for item in items:
            head, body = grid["words"][item.id]
            if searched <= head | body:
                ranked.append((0 if searched <= head else 1, item.due_date or FAR_FUTURE, item.id))
    return [item_id for _tier, _due, item_id in sorted(ranked)]


def _shown(client, url: str, pages: int) -> list[int]:
    ids = []
    for page in range(1, pages + 1):
        response = client.get(f"{url}&page={page}")
        assert response.status_code == 200
        ids += [int(item_id) for item_id in ID_RE.findall(response.get_data(as_text=True))]
    return ids


@pytest.mark.parametrize("plan", PLANS)
def test_every_plan_ranks_the_same_rows_across_tiers_and_pages(client, grid, db_ctx, monkeypatch, plan):
    count_limit, many_in_head = PLANS[plan]
    monkeypatch.setattr(search_pages, "SEARCH_COUNT_LIMIT", count_limit)
    monkeypatch.setattr(search_query, "MANY_IN_HEAD", many_in_head)
    client.login("kepala")
    crossed = 0
    for query, searched in (("gardu", {"gardu"}), ("gardu+induk", {"gardu", "induk"})):
        for filter_args, keeps in _filters(grid).items():
            expected = _expected(db_ctx, grid, searched, keeps)
            url = f"/items?q={query}{filter_args}"
            shown = _shown(client, url, max(1, math.ceil(len(expected) / PER_PAGE)))
            assert shown == expected, (plan, url)
            crossed += any(searched <= grid["words"][a][0] and not searched <= grid["words"][b][0]
                           for a, b in zip(expected, expected[1:]))
    assert crossed >= 10  # most lists hold both tiers, so the boundary between them was checked


@pytest.mark.parametrize("plan", PLANS)
def test_a_rare_word_and_a_filter_that_excludes_every_match(client, grid, monkeypatch, plan):
    count_limit, many_in_head = PLANS[plan]
    monkeypatch.setattr(search_pages, "SEARCH_COUNT_LIMIT", count_limit)
    monkeypatch.setattr(search_query, "MANY_IN_HEAD", many_in_head)
    client.login("kepala")
    rare = client.get("/items?q=mercusuar").get_data(as_text=True)
    assert [int(item_id) for item_id in ID_RE.findall(rare)] == [grid["rare"]]
    assert "1 tindak lanjut cocok" in rare
    none = client.get("/items?q=gardu&status=dibatalkan").get_data(as_text=True)
    assert ID_RE.findall(none) == []
    assert "Tidak ada tindak lanjut yang cocok" in none and "Menampilkan hasil untuk" not in none


def test_a_search_counts_up_to_its_limit_and_says_so(client, grid, monkeypatch):
    client.login("kepala")
    matches = sum(1 for head, body in grid["words"].values() if "gardu" in head | body)
    exact = client.get("/items?q=gardu").get_data(as_text=True)
    assert f"{matches} tindak lanjut cocok" in exact
    assert f"Halaman 1 dari {math.ceil(matches / PER_PAGE)}" in exact
    monkeypatch.setattr(search_pages, "SEARCH_COUNT_LIMIT", 30)
    capped = client.get("/items?q=gardu").get_data(as_text=True)
    assert "Lebih dari 30 tindak lanjut cocok" in capped
    assert "Halaman 1<" in capped and "Halaman 1 dari" not in capped


def test_a_code_prefix_ranks_by_due_date_in_every_plan(client, grid, db_ctx, monkeypatch):
    """s41 is the start of the code of every item of webinar S41: all of them match in their code."""
    client.login("kepala")
    with db_ctx():
        expected = [item.id for item in sorted(
            db.session.scalars(select(ActionItem).where(ActionItem.webinar_id == grid["webinar"])),
            key=lambda item: (item.due_date or FAR_FUTURE, item.id))]
    for count_limit, many_in_head in PLANS.values():
        monkeypatch.setattr(search_pages, "SEARCH_COUNT_LIMIT", count_limit)
        monkeypatch.setattr(search_query, "MANY_IN_HEAD", many_in_head)
        assert _shown(client, "/items?q=s41", math.ceil(len(expected) / PER_PAGE)) == expected


@pytest.mark.parametrize("plan", PLANS)
def test_a_ranked_page_is_two_statements(app, grid, monkeypatch, plan):
    count_limit, many_in_head = PLANS[plan]
    monkeypatch.setattr(search_pages, "SEARCH_COUNT_LIMIT", count_limit)
    monkeypatch.setattr(search_query, "MANY_IN_HEAD", many_in_head)
    statements = []
    with app.test_request_context():
        listen = lambda *args: args[2] != "BEGIN" and statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listen)
        try:
            for page in (1, 2, 3):
                statements.clear()
                pagination = paginate(ItemFilter(q="gardu", sort="relevance", page=page))
                assert pagination.items and len(statements) == 2, (page, statements)
        finally:
            event.remove(db.engine, "before_cursor_execute", listen)


UNUSUAL = ("Øresund", "Łódź", "sistem_informasi", "Straße", "Ａｎｇｇａｒａｎ", "naïve")


def test_unusual_words_rank_the_same_in_every_plan(client, users, app, monkeypatch):
    """Letters without a decomposition, full-width forms, "_" words: the code-and-title test of a dense plan
    reads the same words as the search index does, so every plan shows the same order."""
    today = local_today()
    with app.app_context():
        webinar, owner = add_webinar(43, "Rapat tiga"), get_user("anggota")
        for number in range(72):
            word = UNUSUAL[number % len(UNUSUAL)]
            in_title = number % 3 != 0
            add_item(webinar, owner, title=f"Kajian {word} tahap {number}" if in_title else f"Kajian tahap {number}",
                     description=f"Catatan tentang {word}" if number % 2 or not in_title else "Catatan",
                     due_date=None if number % 5 == 0 else today + timedelta(days=number % 9))
        db.session.commit()
    client.login("kepala")
    for word in UNUSUAL:
        orders = []
        for count_limit, many_in_head in PLANS.values():
            monkeypatch.setattr(search_pages, "SEARCH_COUNT_LIMIT", count_limit)
            monkeypatch.setattr(search_query, "MANY_IN_HEAD", many_in_head)
            orders.append(_shown(client, f"/items?q={word}", 1))
        assert len(orders[0]) == 12 and orders[1] == orders[0] and orders[2] == orders[0], word

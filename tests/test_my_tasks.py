"""My tasks: the signed-in user's items in four groups, with a quick status change."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import add_item, add_webinar, get_user
from tracker.extensions import db
from tracker.models import ActionItem, Setting, Status, Webinar
from tracker.services.horizon import load_horizon
from tracker.services.my_tasks import MY_GROUP_LIMIT
from tracker.timeutil import local_today

SECTION_RE = re.compile(r'<section class="task-group task-group-(\w+)[^"]*"(.*?)</section>', re.S)
CARD_RE = re.compile(r'<li class="card task-card[^"]*" id="task-(\d+)">(.*?)</li>', re.S)


def groups_of(response) -> dict[str, list[int]]:
    """Item ids per group, in the order shown."""
    assert response.status_code == 200
    return {
        name: [int(item_id) for item_id, _body in CARD_RE.findall(body)]
        for name, body in SECTION_RE.findall(response.get_data(as_text=True))
    }


def cards_of(response) -> dict[int, str]:
    return {int(item_id): body for item_id, body in CARD_RE.findall(response.get_data(as_text=True))}


def offered_moves(card: str) -> list[str]:
    return re.findall(r'<option value="(\w+)">', card)


@pytest.fixture()
def tasks(app, users):
    """anggota's items in every situation, plus one supported and one unrelated item: their ids.

    "Due soon" is the working-day setting (3 by default): "last_soon" is due on its last day,
    "after_soon" the day after.
    """
    today = local_today()
    with app.app_context():
        anggota, anggota2 = get_user("anggota"), get_user("anggota2")
        webinar = add_webinar()
        last_soon = (load_horizon(today).soon_until - today).days

        def item(key, owner, status, due, **fields):
            due_date = today + timedelta(days=due) if due is not None else None
            return key, add_item(webinar, owner, status=status, due_date=due_date, title=key, **fields)

        made = dict([
            item("overdue", anggota, Status.IN_PROGRESS, -2),
            item("today", anggota, None, 0),
            item("last_soon", anggota, Status.BLOCKED, last_soon),
            item("after_soon", anggota, None, last_soon + 1),
            item("in30", anggota, Status.IN_PROGRESS, 30),
            item("nodue", anggota, None, None),
            item("done", anggota, Status.DONE, -1, evidence_url="https://example.go.id/bukti"),
            item("verified", anggota, Status.VERIFIED, -4),
            item("cancelled", anggota, Status.CANCELLED, -4),
            item("supported", anggota2, Status.IN_PROGRESS, 1, supporters=[anggota]),
            item("unrelated", anggota2, None, -5),
        ])
        db.session.commit()
        return {key: value.id for key, value in made.items()}


def test_groups_and_their_order(client, tasks):
    client.login("anggota")
    response = client.get("/my")
    text = response.get_data(as_text=True)
    assert groups_of(response) == {
        "overdue": [tasks["overdue"]],
        "soon": [tasks["today"], tasks["supported"], tasks["last_soon"]],
        "later": [tasks["after_soon"], tasks["in30"], tasks["nodue"]],
        "waiting": [tasks["done"]],
    }
    for heading in ("Terlambat", "Mendekati tenggat", "Nanti", "Menunggu verifikasi"):
        assert heading in text
    assert "<title>Tugas saya" in text


def test_due_colours(client, tasks):
    client.login("anggota")
    cards = cards_of(client.get("/my"))
    assert "due-overdue" in cards[tasks["overdue"]] and "terlambat" in cards[tasks["overdue"]]
    assert "due-today" in cards[tasks["today"]] and "hari ini" in cards[tasks["today"]]
    assert "due-soon" in cards[tasks["last_soon"]]
    assert "due-later" in cards[tasks["after_soon"]] and "due-later" in cards[tasks["in30"]]
    assert "tanpa tenggat" in cards[tasks["nodue"]]
    assert "pendukung" in cards[tasks["supported"]] and "pendukung" not in cards[tasks["last_soon"]]


def test_quick_status_form_offers_only_allowed_moves(client, tasks):
    client.login("anggota")
    cards = cards_of(client.get("/my"))
    assert offered_moves(cards[tasks["overdue"]]) == ["terhambat", "selesai"]
    assert offered_moves(cards[tasks["today"]]) == ["dikerjakan"]
    assert offered_moves(cards[tasks["last_soon"]]) == ["dikerjakan", "selesai"]
    assert offered_moves(cards[tasks["supported"]]) == ["terhambat", "selesai"]
    # A member cannot verify: a done item has no quick form.
    assert "<form" not in cards[tasks["done"]]


def test_quick_status_form_fields(client, tasks, db_ctx):
    client.login("anggota")
    card = cards_of(client.get("/my"))[tasks["overdue"]]
    with db_ctx():
        version = db.session.get(ActionItem, tasks["overdue"]).version
    assert f'method="post" action="/items/{tasks["overdue"]}/status"' in card
    assert re.search(r'name="csrf_token" value="[^"]+"', card)
    assert f'name="version" value="{version}"' in card
    assert 'name="next" value="/my"' in card
    assert 'name="note"' in card and 'name="evidence_url"' in card and 'name="status"' in card


def test_a_head_is_offered_no_verification_of_their_own_items(client, users, db_ctx):
    """Four eyes: a head reopens or cancels their own done item, another head or an admin verifies it."""
    with db_ctx():
        kepala = get_user("kepala")
        done = add_item(add_webinar(), kepala, status=Status.DONE, due_date=local_today(),
                        evidence_url="https://example.go.id/bukti")
        db.session.commit()
        done_id = done.id
    client.login("kepala")
    response = client.get("/my")
    assert groups_of(response)["waiting"] == [done_id]
    assert offered_moves(cards_of(response)[done_id]) == ["dikerjakan", "dibatalkan"]


@pytest.mark.parametrize("username", ["pemantau", "admin"])
def test_viewers_and_admins_get_a_friendly_page(client, tasks, username):
    client.login(username)
    response = client.get("/my")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Anda tidak memiliki tugas sendiri" in text
    assert 'href="/items"' in text
    assert "task-card" not in text


def test_a_member_without_tasks_is_told_so(client, users):
    client.login("anggota2")
    response = client.get("/my")
    assert response.status_code == 200
    assert "Tidak ada tugas" in response.get_data(as_text=True)


def test_navigation_shows_my_tasks_only_to_roles_with_tasks(client, make_client, users):
    client.login("anggota")
    assert 'href="/my">Tugas saya<' in client.get("/items").get_data(as_text=True)
    viewer = make_client()
    viewer.login("pemantau")
    assert 'href="/my"' not in viewer.get("/items").get_data(as_text=True)


def test_query_count_does_not_grow_with_items(client, users, db_ctx, count_queries):
    client.login("anggota")
    today = local_today()

    def add(count: int) -> None:
        with db_ctx():
            anggota, anggota2, kepala = get_user("anggota"), get_user("anggota2"), get_user("kepala")
            webinar = db.session.scalar(select(Webinar)) or add_webinar()
            for number in range(count):
                if number % 3 == 0:  # supported, not owned
                    add_item(webinar, anggota2, supporters=[anggota, kepala], due_date=today + timedelta(days=number))
                else:
                    add_item(webinar, anggota, supporters=[anggota2], status=Status.IN_PROGRESS,
                             due_date=today + timedelta(days=number - 10))
            db.session.commit()

    add(3)
    with count_queries() as small:
        assert sum(map(len, groups_of(client.get("/my")).values())) == 3
    add(57)
    with count_queries() as large:
        shown = groups_of(client.get("/my"))
    with db_ctx():
        horizon = load_horizon(today)
        later = [item for item in db.session.scalars(select(ActionItem))
                 if item.is_open and not item.is_overdue(today) and not item.is_due_soon(horizon)]
    assert len(later) > MY_GROUP_LIMIT and len(shown["later"]) == MY_GROUP_LIMIT
    # user, the request's horizon (the "due soon" setting and days off), the numbered ids of the shown
    # items, those items with webinar/owner/theme/unit, their supporters (the unread notifications badge
    # comes with the user)
    assert len(small) == len(large) == 5


def test_the_due_soon_setting_decides_the_soon_group(client, users, db_ctx):
    """An administrator's "due soon" working days move items between "soon" and "later" on /my."""
    today = local_today()
    with db_ctx():
        first_later = load_horizon(today).soon_until + timedelta(days=1)  # the default: 3 working days
        item = add_item(add_webinar(), get_user("anggota"), status=Status.IN_PROGRESS, due_date=first_later)
        db.session.commit()
        item_id = item.id
    client.login("anggota")
    assert groups_of(client.get("/my"))["later"] == [item_id]
    with db_ctx():
        db.session.add(Setting(key="due_soon_working_days", value="10"))
        db.session.commit()
    groups = groups_of(client.get("/my"))
    assert groups["soon"] == [item_id] and groups["later"] == []
    with db_ctx():
        db.session.get(Setting, "due_soon_working_days").value = "0"
        db.session.commit()
    assert groups_of(client.get("/my"))["later"] == [item_id]


def test_a_long_group_shows_the_first_20_and_links_to_the_list(client, users, db_ctx):
    today = local_today()
    with db_ctx():
        anggota, webinar = get_user("anggota"), add_webinar()
        for number in range(52):
            add_item(webinar, anggota, status=Status.IN_PROGRESS, due_date=today - timedelta(days=60 - number))
        add_item(webinar, anggota, due_date=today + timedelta(days=2))
        db.session.commit()
    client.login("anggota")
    response = client.get("/my")
    groups = groups_of(response)
    assert len(groups["overdue"]) == 20 and len(groups["soon"]) == 1
    text = response.get_data(as_text=True)
    assert "Menampilkan 20 dari 52." in text
    assert f'href="/items?owner={users["anggota"]}&amp;overdue=1"' in text

"""The board (/board): columns by status for the list filter, capped columns, cards with their moves."""
import re

from tests.conftest import add_item, add_webinar, get_user
from tracker.extensions import db
from tracker.models import Status, Webinar
from tracker.services import board

CARD_RE = re.compile(r'<li class="card board-card[^"]*" data-item="\d+" data-code="([^"]+)"[^>]*data-moves="([^"]*)"')
COLUMN_RE = re.compile(r'<ul class="list-unstyled board-cards[^"]*" data-status="([a-z]+)"(.*?)</ul>', re.S)


def columns(response) -> dict[str, list[tuple[str, str]]]:
    """The board's columns in order, each with its cards as (code, allowed moves)."""
    assert response.status_code == 200, response.status_code
    return {status: CARD_RE.findall(body) for status, body in COLUMN_RE.findall(response.get_data(as_text=True))}


def test_the_board_shows_one_column_per_status_with_each_card_where_it_is(client, sample):
    client.login("anggota")
    shown = columns(client.get("/board"))
    assert list(shown) == [status.value for status in Status]
    assert shown["baru"] == [("S28-02", "")]  # anggota2's item: not mine to move
    assert shown["dikerjakan"] == [("S28-01", "terhambat selesai")]
    assert shown["selesai"] == [("S28-03", "")]  # a member never verifies
    page = client.get("/board").get_data(as_text=True)
    assert "Kajian regulasi" in page and "Anggota Uji" in page and "Papan" in page


def test_a_viewer_sees_the_board_and_can_move_nothing(client, sample):
    client.login("pemantau")
    response = client.get("/board")
    assert [moves for cards in columns(response).values() for _code, moves in cards] == ["", "", ""]
    page = response.get_data(as_text=True)
    assert "board-move" not in page and "Seret kartu" not in page


def test_a_head_may_verify_and_cancel_from_the_board(client, sample):
    client.login("kepala")
    shown = columns(client.get("/board"))
    assert shown["selesai"] == [("S28-03", "dikerjakan terverifikasi dibatalkan")]
    assert shown["baru"] == [("S28-02", "dikerjakan dibatalkan")]


def test_the_board_follows_the_list_filter(client, sample):
    client.login("kepala")
    shown = columns(client.get("/board?status=baru&status=selesai&q=pola"))
    assert shown == {"baru": [], "selesai": [("S28-03", "dikerjakan terverifikasi dibatalkan")]}
    page = client.get("/board?owner=abc").get_data(as_text=True)
    assert "Filter penanggung jawab yang tidak dikenal diabaikan." in page  # a bad value: dropped, and said
    items = client.get("/items?status=baru&q=pola").get_data(as_text=True)
    assert 'href="/board?status=baru&amp;q=pola&amp;sort=relevance"' in items  # the view switch keeps the filter


def test_a_full_column_shows_the_first_by_due_date_and_links_to_the_rest(app, client, users, monkeypatch):
    from datetime import timedelta

    from tracker.timeutil import local_today

    with app.app_context():
        webinar = add_webinar()
        owner = get_user("anggota")
        for days in (9, 3, 5, 1):
            add_item(webinar, owner, title=f"Tugas {days}", due_date=local_today() + timedelta(days=days))
        db.session.commit()
        webinar_id = webinar.id
    monkeypatch.setattr(board, "CARDS_PER_COLUMN", 2)
    client.login("kepala")
    response = client.get("/board?webinar=%d" % webinar_id)
    assert [code for code, _moves in columns(response)["baru"]] == ["S28-04", "S28-02"]  # due in 1 and 3 days
    page = response.get_data(as_text=True)
    assert re.search(r'<span class="badge[^"]*board-count" data-status="baru">4</span>', page)
    assert f'href="/items?status=baru&amp;webinar={webinar_id}">2 lagi</a>' in page


def test_the_board_runs_the_same_number_of_queries_whatever_the_number_of_items(app, client, users,
                                                                                  count_queries):
    client.login("kepala")

    def add(count: int) -> None:
        with app.app_context():
            webinar = db.session.scalar(db.select(Webinar)) or add_webinar()
            for number in range(count):
                add_item(webinar, get_user("anggota"), status=list(Status)[number % 6], title=f"Tugas {number}")
            db.session.commit()

    add(6)  # one item in every column
    with count_queries() as few:
        assert client.get("/board").status_code == 200
    add(60)
    with count_queries() as many:
        assert client.get("/board").status_code == 200
    assert len(many) == len(few)

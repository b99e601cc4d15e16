"""The board in Chromium: cards dragged between status columns obey the workflow; a keyboard way too."""
from sqlalchemy import select

from tests.browser.conftest import axe_violations, has_horizontal_scroll, sign_in
from tests.conftest import PASSWORD
from tracker.extensions import db
from tracker.models import ActionItem, HistoryKind, ItemHistory, Status


def _open_board(page) -> None:
    page.goto("/board")
    page.locator("html[data-board-ready]").wait_for(state="attached")


def _card(page, code: str):
    return page.locator(f".board-card[data-code='{code}']")


def _column(page, status: str):
    return page.locator(f".board-cards[data-status='{status}']")


def _drag(page, code: str, status: str) -> None:
    """Press on the card, move in small steps to the column, release (as a mouse does)."""
    start = _card(page, code).locator(".board-title").bounding_box()
    target = _column(page, status).bounding_box()
    page.mouse.move(start["x"] + 5, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(start["x"] + 15, start["y"] + 10, steps=5)
    page.mouse.move(target["x"] + target["width"] / 2, target["y"] + 30, steps=20)
    page.mouse.up()


def _stored(app, item_id: int) -> tuple[Status, list[tuple[str, str | None]]]:
    with app.app_context():
        item = db.session.get(ActionItem, item_id)
        rows = db.session.scalars(select(ItemHistory).where(ItemHistory.item_id == item_id,
                                                            ItemHistory.kind == HistoryKind.STATUS)).all()
        return item.status, [(row.new_value, row.note) for row in rows]


def test_a_member_drags_an_allowed_move_after_giving_the_reason(open_page, app, sample):
    page = open_page("desktop")
    sign_in(page, "anggota", PASSWORD)
    _open_board(page)
    _drag(page, "S28-01", "terhambat")
    dialog = page.get_by_role("dialog", name="Pindahkan S28-01")
    dialog.wait_for()
    assert _stored(app, sample["item1"]) == (Status.IN_PROGRESS, [])  # nothing sent before the reason
    dialog.get_by_label("Catatan atau alasan").fill("Menunggu data dari BKD")
    dialog.get_by_role("button", name="Pindahkan").click()
    page.get_by_text("S28-01 sekarang: Terhambat.").wait_for()
    assert _column(page, "terhambat").locator(".board-card").count() == 1
    assert page.locator(".board-count[data-status='terhambat']").inner_text() == "1"
    assert page.locator(".board-count[data-status='dikerjakan']").inner_text() == "0"
    assert _stored(app, sample["item1"]) == (Status.BLOCKED, [("terhambat", "Menunggu data dari BKD")])


def test_a_refused_drop_says_why_and_the_card_returns(open_page, app, sample):
    page = open_page("desktop")
    sign_in(page, "anggota", PASSWORD)
    _open_board(page)
    _drag(page, "S28-01", "terverifikasi")
    page.get_by_text("S28-01 tidak dipindahkan: Status tidak dapat berubah dari Dikerjakan ke Terverifikasi "
                     "oleh anggota.").wait_for()
    assert _column(page, "dikerjakan").locator(".board-card[data-code='S28-01']").count() == 1
    assert _column(page, "terverifikasi").locator(".board-card").count() == 0
    assert _stored(app, sample["item1"]) == (Status.IN_PROGRESS, [])
    # Cancelling the reason puts the card back as well.
    _drag(page, "S28-01", "terhambat")
    dialog = page.get_by_role("dialog", name="Pindahkan S28-01")
    dialog.get_by_role("button", name="Batal").click()
    dialog.wait_for(state="hidden")
    assert _column(page, "dikerjakan").locator(".board-card[data-code='S28-01']").count() == 1
    assert _stored(app, sample["item1"]) == (Status.IN_PROGRESS, [])


def test_a_head_verifies_by_dragging_a_done_card(open_page, app, sample):
    page = open_page("desktop")
    sign_in(page, "kepala", PASSWORD)
    _open_board(page)
    _drag(page, "S28-03", "terverifikasi")
    page.get_by_text("S28-03 sekarang: Terverifikasi.").wait_for()
    assert _column(page, "terverifikasi").locator(".board-card[data-code='S28-03']").count() == 1
    assert _stored(app, sample["item3"]) == (Status.VERIFIED, [("terverifikasi", None)])


def test_a_card_moves_with_the_keyboard_alone(open_page, app, sample):
    page = open_page("phone")
    sign_in(page, "anggota", PASSWORD)
    _open_board(page)
    assert not has_horizontal_scroll(page)  # the columns scroll sideways inside the board
    assert axe_violations(page) == []
    page.get_by_role("button", name="Pindahkan S28-01").focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Pindahkan S28-01")
    dialog.wait_for()
    assert dialog.get_by_label("Status baru").evaluate("(el) => el === document.activeElement")
    page.keyboard.press("ArrowDown")  # Terhambat → Selesai
    page.keyboard.press("Tab")
    page.keyboard.type("Laporan kajian sudah diunggah")
    page.keyboard.press("Tab")  # the evidence link
    page.keyboard.press("Tab")  # Pindahkan
    page.keyboard.press("Enter")
    page.get_by_text("S28-01 sekarang: Selesai, menunggu verifikasi.").wait_for()
    assert _column(page, "selesai").locator(".board-card[data-code='S28-01']").count() == 1
    assert _stored(app, sample["item1"]) == (Status.DONE, [("selesai", "Laporan kajian sudah diunggah")])


def test_the_second_drop_of_the_same_card_gets_the_conflict(open_page, app, sample):
    first, second = open_page("desktop"), open_page("desktop")
    sign_in(first, "kepala", PASSWORD)
    sign_in(second, "anggota2", PASSWORD)
    _open_board(first)
    _open_board(second)
    _drag(first, "S28-02", "dikerjakan")
    first.get_by_text("S28-02 sekarang: Dikerjakan.").wait_for()
    _drag(second, "S28-02", "dikerjakan")
    second.get_by_text("Sementara itu orang lain mengubah S28-02; statusnya sekarang: Dikerjakan.",
                       exact=False).wait_for()
    assert _column(second, "baru").locator(".board-card[data-code='S28-02']").count() == 1
    assert _stored(app, sample["item2"]) == (Status.IN_PROGRESS, [("dikerjakan", None)])


def test_a_drop_after_the_session_ended_asks_to_sign_in(open_page, app, users, sample):
    from tracker.models import User

    page = open_page("desktop")
    sign_in(page, "kepala", PASSWORD)
    _open_board(page)
    with app.app_context():  # the session ends on the server (as after the idle timeout)
        db.session.get(User, users["kepala"]).rotate_session_token()
        db.session.commit()
    _drag(page, "S28-02", "dikerjakan")
    page.get_by_text("S28-02 tidak dipindahkan: sesi Anda telah berakhir. Masuk kembali, lalu pindahkan lagi.").wait_for()
    assert _column(page, "baru").locator(".board-card[data-code='S28-02']").count() == 1
    assert _stored(app, sample["item2"]) == (Status.NEW, [])

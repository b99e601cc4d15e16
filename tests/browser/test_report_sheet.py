"""The on-screen A4 report at 1280 px: no header or cell runs into the next column; the draft mark shows."""
from datetime import timedelta

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD, add_item, add_webinar, get_user
from tracker.extensions import db
from tracker.models import Status
from tracker.timeutil import local_today

OVERFLOWING_CELLS = """
() => [...document.querySelectorAll('.report-table th, .report-table td')]
  .filter(cell => cell.scrollWidth > cell.clientWidth + 1)
  .map(cell => cell.tagName + ': ' + cell.textContent.trim().slice(0, 40))
"""


def test_report_columns_never_overlap_at_1280_px(open_page, db_ctx, users):
    with db_ctx():
        webinar = add_webinar(28)
        owner = get_user("anggota")
        for number in range(3):
            add_item(webinar, owner, status=Status.IN_PROGRESS, due_date=local_today() - timedelta(days=2),
                     title="Penyusunan peraturan gubernur tentang tata kelola pemerintahan agile " * 2,
                     evidence_url="https://drive.example.go.id/bukti/" + "sangat-panjang-" * 6 + str(number))
        db.session.commit()
    page = open_page("desktop")
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "kepala", PASSWORD)
    page.goto("/reports/view")
    assert page.get_by_text("Draf kerja", exact=False).first.is_visible()
    assert page.get_by_role("heading", name="B. Progres per unit (OPD)").is_visible()
    assert page.evaluate(OVERFLOWING_CELLS) == []

"""J: a head imports the group's Excel sheet: upload, the progress shown while it is checked, preview, save."""
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.test_import import HEADERS, ROWS, xlsx
from tracker.extensions import db
from tracker.models import ActionItem


def test_a_head_imports_a_sheet(open_page, sample, db_ctx, tmp_path):
    sheet = tmp_path / "tindak-lanjut.xlsx"
    sheet.write_bytes(xlsx(HEADERS, ROWS))
    page = open_page("desktop")
    sign_in(page, "kepala", PASSWORD)
    page.get_by_role("link", name="Tindak lanjut", exact=True).click()
    with page.expect_navigation():
        page.get_by_role("link", name="Impor", exact=True).click()
    page.get_by_label("Berkas").set_input_files(str(sheet))

    # What the progress panel said when it was shown, kept across the navigation (sessionStorage).
    page.evaluate("""() => {
      const panel = document.getElementById('import-progress');
      new MutationObserver(() => {
        if (!panel.hidden) sessionStorage.setItem('progress', panel.innerText);
      }).observe(panel, {attributes: true});
    }""")
    with page.expect_navigation():
        page.get_by_role("button", name="Unggah dan periksa").click()
    assert "tindak-lanjut.xlsx" in page.evaluate("() => sessionStorage.getItem('progress')")

    preview = page.get_by_role("table", name="Hasil setiap baris berkas")
    assert preview.locator("tbody tr").count() == 2
    page.get_by_text("2 baris: 2 tindak lanjut baru").wait_for()
    with page.expect_navigation():
        page.get_by_role("button", name="Simpan impor").click()
    page.get_by_text("Impor disimpan: 2 tindak lanjut dibuat").wait_for()
    with db_ctx():
        assert db.session.scalar(db.select(ActionItem).where(ActionItem.code == "TL-7")) is not None

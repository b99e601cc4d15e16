"""J4: two people edit the same item at once; the second sees the conflict and loses nothing."""
from tests.browser.conftest import axe_violations, has_horizontal_scroll, sign_in
from tests.conftest import PASSWORD


def _save_expecting(page, status: int) -> None:
    with page.expect_response(lambda r: r.request.method == "POST" and "/edit" in r.url) as answer:
        page.get_by_role("button", name="Simpan", exact=True).click()
    assert answer.value.status == status


def test_second_saver_sees_the_conflict_and_keeps_both_changes(open_page, sample):
    item = sample["item1"]
    head, member = open_page("desktop"), open_page("phone", bypass_csp=True)
    sign_in(head, "kepala", PASSWORD)
    sign_in(member, "anggota", PASSWORD)
    head.goto(f"/items/{item}/edit")
    member.goto(f"/items/{item}/edit")

    head.get_by_label("Tindak lanjut", exact=True).fill("Kajian regulasi tim kerja agile (revisi)")
    _save_expecting(head, 302)
    head.get_by_text("Tindak lanjut S28-01 disimpan.").wait_for()

    member.get_by_label("Progres (%)").fill("60")
    member.get_by_label("Sumber").fill("Paparan Kepala BPSDM")
    _save_expecting(member, 409)
    conflict = member.get_by_role("alert").filter(
        has_text="Orang lain sudah menyimpan tindak lanjut ini setelah Anda membukanya.")
    assert conflict.is_visible()
    assert conflict.get_by_text("Kepala Uji").is_visible()  # who changed what in the meantime
    # The form now holds their title with my progress and source on top: nothing of mine is lost.
    assert member.get_by_label("Tindak lanjut", exact=True).input_value() == "Kajian regulasi tim kerja agile (revisi)"
    assert member.get_by_label("Progres (%)").input_value() == "60"
    assert member.get_by_label("Sumber").input_value() == "Paparan Kepala BPSDM"
    assert axe_violations(member) == [] and not has_horizontal_scroll(member)

    with member.expect_response(lambda r: r.request.method == "POST" and "/edit" in r.url) as answer:
        member.get_by_role("button", name="Simpan lagi").click()
    assert answer.value.status == 302
    member.get_by_text("Tindak lanjut S28-01 disimpan.").wait_for()

    head.goto(f"/items/{item}")
    assert head.get_by_role("heading", level=1).inner_text().endswith("Kajian regulasi tim kerja agile (revisi)")
    fields = head.locator("dl.item-fields")
    assert fields.get_by_text("60%").is_visible()
    assert fields.get_by_text("Paparan Kepala BPSDM").is_visible()

"""Page controls in Chromium: the Menu button only on phones, supporters by touch, confirm steps."""
from tests.browser.conftest import axe_violations, sign_in, small_tap_targets
from tests.conftest import PASSWORD, get_user


def test_menu_button_only_on_narrow_screens(open_page, users):
    desktop = open_page("desktop")  # 1280 px: the full menu shows, so there is nothing to open
    sign_in(desktop, "kepala", PASSWORD)
    assert desktop.get_by_role("link", name="Tugas saya").is_visible()
    assert not desktop.get_by_role("button", name="Menu").is_visible()

    phone = open_page("phone")  # 360 px: the menu is folded behind the button, which opens it
    sign_in(phone, "kepala", PASSWORD)
    menu = phone.get_by_role("button", name="Menu")
    assert menu.is_visible()
    assert not phone.get_by_role("link", name="Tugas saya").is_visible()
    menu.click()
    phone.get_by_role("link", name="Tugas saya").wait_for(state="visible")
    assert menu.get_attribute("aria-expanded") == "true"


def test_supporters_can_be_ticked_on_a_phone(open_page, users, sample):
    phone = open_page("phone")
    sign_in(phone, "kepala", PASSWORD)
    phone.goto(f"/items/{sample['item2']}/edit")
    box = phone.get_by_role("checkbox", name="Anggota Uji")
    box.click()
    assert box.is_checked()


def test_deactivating_asks_first_on_a_phone(open_page, users, db_ctx):
    phone = open_page("phone", bypass_csp=True)
    sign_in(phone, "admin", PASSWORD)
    phone.goto("/admin/users")
    row = phone.get_by_role("row").filter(has_text="Anggota Dua")
    confirm = row.get_by_role("button", name="Ya, nonaktifkan anggota2")
    assert not confirm.is_visible()  # one tap is not enough to deactivate
    row.get_by_text("Nonaktifkan…").click()
    assert confirm.is_visible()
    assert axe_violations(phone) == []
    assert small_tap_targets(phone, "main summary, main button") == []
    with phone.expect_navigation():
        confirm.click()
    phone.get_by_text("Akun anggota2 dinonaktifkan").wait_for()
    with db_ctx():
        assert not get_user("anggota2").active

"""The Menu button: only where the menu is folded away (phones), never beside the full menu (desktop)."""
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD


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

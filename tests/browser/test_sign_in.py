"""Sign in and out in a real browser, on a desktop and on a 360 px phone."""
from tests.browser.conftest import has_horizontal_scroll, sign_in
from tests.conftest import PASSWORD


def test_sign_in_and_out(page, users):
    sign_in(page, "anggota", "salah-sekali")
    assert page.get_by_text("Nama pengguna atau kata sandi salah.").is_visible()
    assert not has_horizontal_scroll(page)
    sign_in(page, "anggota", PASSWORD)
    assert page.get_by_role("heading", name="Tugas saya").is_visible()
    assert not has_horizontal_scroll(page)
    if page.viewport_name == "phone":
        page.get_by_role("button", name="Menu").click()
    with page.expect_navigation():  # wait for the sign-out answer before reading the page
        page.get_by_role("button", name="Keluar").click()
    assert page.get_by_text("Anda telah keluar.").is_visible()
    page.goto("/profile")
    assert page.url.endswith("/login?next=%2Fprofile")


def test_language_switch_before_sign_in(page, users):
    page.goto("/login")
    with page.expect_navigation():  # the switch posts a form and comes back: wait for the new page
        page.get_by_role("button", name="EN").click()
    page.get_by_role("heading", name="Sign in").wait_for()
    with page.expect_navigation():
        page.get_by_role("button", name="ID").click()
    page.get_by_role("heading", name="Masuk").wait_for()
    assert page.locator("html").get_attribute("lang") == "id"

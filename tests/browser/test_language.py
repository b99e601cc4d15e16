"""J5: switch the interface to English and back; words and dates follow."""
import re

from tests.browser.conftest import open_menu, sign_in
from tests.conftest import PASSWORD


def test_switch_to_english_and_back(page, sample):
    sign_in(page, "kepala", PASSWORD)
    page.goto("/webinars")
    assert page.get_by_role("heading", name="Webinar", exact=True).is_visible()
    assert page.get_by_text("18 Des 2023").is_visible()
    assert page.locator("html").get_attribute("lang") == "id"

    open_menu(page)
    page.get_by_role("button", name="EN", exact=True).click()
    page.get_by_role("heading", name="Webinars").wait_for()
    assert page.url.endswith("/webinars")  # the switch brings me back where I was
    assert page.get_by_text("18 Dec 2023").is_visible()
    assert page.get_by_text("Series 28").first.is_visible()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.title().startswith("Webinars")
    open_menu(page)
    assert page.get_by_role("button", name="EN", exact=True).get_attribute("aria-pressed") == "true"

    with page.expect_navigation():
        page.get_by_role("link", name="Transformasi Agile Government").click()
    page.get_by_text("18 December 2023").wait_for()
    assert page.get_by_role("heading", name=re.compile(r"^Action items \d+$")).is_visible()

    open_menu(page)
    page.get_by_role("button", name="ID", exact=True).click()
    page.get_by_text("18 Desember 2023").wait_for()
    assert page.get_by_role("heading", name=re.compile(r"^Tindak lanjut \d+$")).is_visible()
    page.goto("/webinars")
    assert page.get_by_text("18 Des 2023").is_visible()

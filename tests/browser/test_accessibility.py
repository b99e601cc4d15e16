"""Accessibility and phone fitness of the main pages: axe-core, no sideways scrolling, big tap targets."""
import pytest

from tests.browser.conftest import axe_violations, has_horizontal_scroll, sign_in, small_tap_targets
from tests.conftest import PASSWORD


def _pages(sample):
    """Who looks at which page: the head at the shared pages, the member at their tasks and an item."""
    item, webinar = sample["item1"], sample["webinar"]
    return {
        "kepala": ["/dashboard", "/items", f"/items/{item}", f"/webinars/{webinar}", f"/items/{item}/edit",
                   "/webinars", "/reports", "/profile"],
        "anggota": ["/my", f"/items/{item}", "/notifications"],
    }


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_main_pages_are_accessible_and_fit_the_screen(open_page, sample, viewport):
    """axe-core finds nothing serious or critical; every page has a title and one h1; phones: no sideways
    scrolling and tap targets of at least 44 px."""
    page = open_page(viewport, bypass_csp=True)
    problems = []

    def check(path):
        title = page.title()
        if not title.strip() or title.startswith("·"):
            problems.append(f"{path}: no page title ({title!r})")
        if page.locator("h1").count() != 1:
            problems.append(f"{path}: {page.locator('h1').count()} h1 headings")
        problems.extend(f"{path}: {violation}" for violation in axe_violations(page))
        wordless = page.locator(".status-badge").evaluate_all("els => els.filter(e => !e.innerText.trim()).length")
        if wordless:
            problems.append(f"{path}: {wordless} status badges without words (colour alone)")
        if viewport == "phone":
            if has_horizontal_scroll(page):
                problems.append(f"{path}: scrolls sideways at 360 px")
            problems.extend(f"{path}: tap target {target}" for target in small_tap_targets(page))

    page.goto("/login")
    check("/login")
    for username, paths in _pages(sample).items():
        sign_in(page, username, PASSWORD)
        for path in paths:
            response = page.goto(path)
            assert response.ok, f"{path} answered {response.status}"
            check(path)
        page.context.clear_cookies()
    assert not problems, "\n".join(problems)


def test_form_errors_sit_next_to_their_fields_and_pass_axe(open_page, sample):
    """A refused form: the message is beside the field, tied to it for screen readers, in Indonesian."""
    page = open_page("phone", bypass_csp=True)
    sign_in(page, "kepala", PASSWORD)
    page.goto(f"/items/{sample['item1']}/edit")
    page.get_by_label("Tindak lanjut", exact=True).fill("")
    page.get_by_label("Progres (%)").fill("150")
    page.get_by_role("button", name="Simpan", exact=True).click()
    title = page.get_by_label("Tindak lanjut", exact=True)
    assert title.get_attribute("aria-describedby") == "title-error"
    assert page.locator("#title-error").inner_text() == "Isian ini wajib diisi."
    assert "is-invalid" in page.get_by_label("Progres (%)").get_attribute("class")
    assert page.locator("#progress-error").is_visible()
    assert axe_violations(page) == []
    assert not has_horizontal_scroll(page)

    page.context.clear_cookies()
    sign_in(page, "anggota", PASSWORD)
    page.goto("/my")
    for summary in page.get_by_text("Ubah status").all():
        summary.click()  # open every quick status form before checking them
    assert axe_violations(page) == []
    assert not has_horizontal_scroll(page)
    assert small_tap_targets(page) == []

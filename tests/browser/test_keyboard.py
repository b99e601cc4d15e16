"""J7: sign in and change an item's status with the keyboard alone (Tab, Enter, arrow keys), focus always visible."""
from tests.conftest import PASSWORD

FOCUS_IS_VISIBLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return false;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return box.width > 1 && box.height > 1 && (style.outlineStyle !== 'none' || style.boxShadow !== 'none');
}"""


def _focused(page) -> dict:
    return page.evaluate("""() => { const el = document.activeElement;
        return {tag: el.tagName, id: el.id, text: (el.innerText || el.value || '').trim(), name: el.name || ''}; }""")


def _tab_to(page, matches, limit: int = 60) -> dict:
    """Press Tab until the focused element matches; every stop on the way must show where the focus is."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = _focused(page)
        assert page.evaluate(FOCUS_IS_VISIBLE), f"no visible focus on {focused}"
        if matches(focused):
            return focused
    raise AssertionError("never reached the control with the Tab key")


def test_sign_in_and_change_a_status_with_the_keyboard(open_page, sample):
    page = open_page("desktop")
    page.goto("/login")
    first = _tab_to(page, lambda f: True)
    assert first["text"] == "Langsung ke konten"  # the skip link comes first and shows up when focused
    _tab_to(page, lambda f: f["id"] == "username")
    page.keyboard.type("anggota")
    page.keyboard.press("Tab")
    assert _focused(page)["id"] == "password"
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.get_by_role("heading", name="Tugas saya").wait_for()

    # On my tasks: open the quick status form of S28-01 (dikerjakan) and block it, with a reason.
    _tab_to(page, lambda f: f["tag"] == "SUMMARY" and page.evaluate(
        "document.activeElement.closest('.task-card').innerText.includes('Kajian regulasi')"))
    page.keyboard.press("Enter")
    select = _tab_to(page, lambda f: f["tag"] == "SELECT")
    for _ in range(5):
        if page.evaluate("document.activeElement.value") == "terhambat":
            break
        page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.selectedOptions[0].text") == "Terhambat", select
    page.keyboard.press("Tab")
    assert _focused(page)["name"] == "note"
    page.keyboard.type("Menunggu persetujuan Biro Hukum.")
    _tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"] == "Simpan status", limit=3)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.get_by_text("S28-01 sekarang: Terhambat.").wait_for()
    card = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name="Kajian regulasi"))
    assert card.get_by_text("Terhambat", exact=True).is_visible()

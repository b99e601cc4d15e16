"""Real Chromium (Debian's) driven by Playwright against the app served by gunicorn."""
from pathlib import Path

import pytest

from tests.live_server import LiveServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}

if not Path(CHROMIUM).exists():
    collect_ignore_glob = ["test_*.py"]
    SKIP_REASON = f"browser tests skipped: {CHROMIUM} is not installed (apt-get install chromium)"
else:
    SKIP_REASON = None


def pytest_report_header(config):
    return SKIP_REASON or f"browser tests: {CHROMIUM}"


def pytest_terminal_summary(terminalreporter):
    if SKIP_REASON:
        terminalreporter.write_line(SKIP_REASON, yellow=True, bold=True)


@pytest.fixture(scope="session")
def live_server(database_url, config_class, _schema, tmp_path_factory):
    server = LiveServer(database_url, str(tmp_path_factory.mktemp("live-instance")))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _new_page(browser, live_server, viewport_name: str, **options):
    viewport = DESKTOP if viewport_name == "desktop" else PHONE
    context = browser.new_context(viewport=viewport, base_url=live_server.url, locale="id-ID", **options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.viewport_name = viewport_name
    return page


def _save_artefacts(request, page, tmp_path, name: str) -> None:
    """On a failed test: a full-page screenshot and the HTML under the test's temporary folder."""
    if getattr(request.node, "rep_call", None) is None or not request.node.rep_call.failed:
        return
    try:
        shot = tmp_path / f"failure-{name}.png"
        page.screenshot(path=str(shot), full_page=True)
        (tmp_path / f"failure-{name}.html").write_text(page.content())
    except Exception as error:  # noqa: BLE001 - a closed page must not hide the real failure
        print(f"\nbrowser failure artefacts for {name} not saved: {error}")
    else:
        print(f"\nbrowser failure artefacts: {shot} and the .html beside it")


@pytest.fixture(params=["desktop", "phone"])
def page(request, browser, live_server, app, tmp_path):
    """A fresh browser context (own cookies) on a desktop or a 360 px phone viewport."""
    page = _new_page(browser, live_server, request.param)
    yield page
    _save_artefacts(request, page, tmp_path, request.param)
    page.context.close()


@pytest.fixture()
def open_page(request, browser, live_server, app, tmp_path):
    """Open more pages, each in its own context: `open_page("phone")`, `open_page("desktop", bypass_csp=True)`.

    Every page opened this way leaves a screenshot and its HTML when the test fails.
    """
    pages = []

    def open_(viewport_name: str = "desktop", **options):
        page = _new_page(browser, live_server, viewport_name, **options)
        pages.append(page)
        return page

    yield open_
    for number, page in enumerate(pages, start=1):
        _save_artefacts(request, page, tmp_path, f"{number}-{page.viewport_name}")
        page.context.close()


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def sign_in(page, username: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    with page.expect_navigation():  # wait for the answer, so that a following goto() cannot cancel the POST
        page.get_by_role("button", name="Masuk").click()


def has_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")




AXE_SOURCE = Path(__file__).with_name("vendor") / "axe.min.js"


def axe_violations(page, impacts=("serious", "critical")) -> list[str]:
    """Run axe-core (vendored, see scripts/vendor-test-assets.sh) on the page; describe the bad violations."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE.read_text())  # evaluated by the DevTools protocol: the page's CSP does not apply
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        for violation in result["violations"]
        if violation["impact"] in impacts
    ]


TAP_TARGETS = "main a, main button, main input, main select, main textarea, main summary, nav a, nav button"


def small_tap_targets(page, selector: str = TAP_TARGETS) -> list[str]:
    """Visible controls shorter than 44 px, except links inside running text, tables and lists of text."""
    return page.evaluate(
        """(selector) => {
          const inText = (el) => el.tagName === 'A'
              && el.closest('p, td, th, li, dd, .small, .form-text, h1, h2, h3, h4, h5, h6')
              && !el.matches('.btn, .nav-link, .page-link');
          const describe = (el) => `${el.tagName.toLowerCase()} "${(el.innerText || el.value || el.name || '')
              .trim().slice(0, 40)}" ${Math.round(el.getBoundingClientRect().height)}px`;
          return [...document.querySelectorAll(selector)].filter((el) => {
            const box = el.getBoundingClientRect();
            if (box.width <= 1 || box.height <= 1 || getComputedStyle(el).visibility === 'hidden') return false;
            if (['hidden', 'checkbox', 'radio'].includes(el.type) || inText(el)) return false;
            return box.height < 43.5;
          }).map(describe);
        }""",
        selector,
    )


def shown_date(day, language: str = "id") -> str:
    """A date as the app shows it: 18 Des 2023 (id) or 18 Dec 2023 (en)."""
    from babel.dates import format_date

    return format_date(day, "d MMM y", locale=language)


def open_menu(page) -> None:
    """On a phone the navigation sits behind the Menu button."""
    toggle = page.get_by_role("button", name="Menu")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
        page.locator("#mainnav.show").wait_for()

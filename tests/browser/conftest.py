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


@pytest.fixture(params=["desktop", "phone"])
def page(request, browser, live_server, app, tmp_path):
    """A fresh browser context (own cookies) on a desktop or a 360 px phone viewport."""
    viewport = DESKTOP if request.param == "desktop" else PHONE
    context = browser.new_context(viewport=viewport, base_url=live_server.url, locale="id-ID")
    page = context.new_page()
    page.viewport_name = request.param
    yield page
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        shot = tmp_path / f"failure-{request.param}.png"
        page.screenshot(path=str(shot), full_page=True)
        (tmp_path / f"failure-{request.param}.html").write_text(page.content())
        print(f"\nbrowser failure artefacts: {shot} and the .html beside it")
    context.close()


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def sign_in(page, username: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()


def has_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")



"""Real headless Chromium through Playwright for Python, one browser for the whole session.

Outside CI a missing browser skips these tests with the reason printed; in CI it fails them.
"""

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import in_ci

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make to build their
# data are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).parent / "screenshots"
LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    reason = None
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        reason = f"Chromium not found at {CHROMIUM} (install the Debian package 'chromium')"
    else:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            reason = "playwright is not installed (pip install -r requirements-dev.txt)"
    if reason:
        if in_ci():
            pytest.fail(f"e2e tests cannot run in CI: {reason}")
        pytest.skip(reason)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


def _reference_data():
    """Transactional tests flush every table, data migrations' reference rows included: put them back."""
    from tests.reference import load_default_steps

    load_default_steps()


@pytest.fixture
def page(browser, live_server, transactional_db):
    _reference_data()
    context = browser.new_context(viewport=LAPTOP, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    accept_confirms(page)
    yield page
    context.close()


def accept_confirms(page):
    """Answer "yes" to the pages' second look before the irreversible (forms with data-confirm ask with
    window.confirm): a journey that clicks such a button means it."""
    page.on("dialog", lambda dialog: dialog.accept())
    return page


def login(page, username, password):
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def screenshot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def go(page, selector):
    """Click something that loads a new page, and wait for it."""
    with page.expect_navigation():
        page.click(selector)


def fill_sheet_counts(page, issued=8, returned=8, valid=8, invalid=0, unreturned=0, signed_for=8):
    """The ballot account of a tally sheet's form: issued, returned, valid, invalid, unreturned, signed for."""
    counts = dict(issued=issued, returned=returned, valid=valid, invalid=invalid, unreturned=unreturned)
    for name, value in {**counts, "signed_for": signed_for}.items():
        page.fill(f"input[name='{name}']", str(value))

"""Browser tests: Playwright for Python drives Debian's Chromium against the live server.

Outside CI a machine without Chromium skips these tests; with CI=true that is a failure.
"""

import os
import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# around it are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
# This machine has no network beyond loopback: Chromium must not try to reach Google.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
# WCAG 2.2 SC 1.4.10: a 1280 px wide desktop browser zoomed to 400%. Not a mobile context, where
# Chromium would widen the layout viewport to fit content that overflows and hide the overflow.
NARROW = {"viewport": {"width": 320, "height": 640}}
SERIOUS_IMPACTS = {"serious", "critical"}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM_PATH:
        message = "Chromium is not installed (apt-get install chromium, or set CHROMIUM_PATH)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, **PHONE)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def narrow_page(browser, live_server):
    """A page 320 CSS pixels wide, where every page must reflow into one column."""
    context = browser.new_context(base_url=live_server.url, **NARROW)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def desktop_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def serious_accessibility_violations():
    """Runs axe-core on a page and returns its serious and critical violations, described."""
    axe = Axe()

    def scan(page):
        results = axe.run(page)
        return [
            f"{violation['id']}: {violation['help']} ({len(violation['nodes'])} elements)"
            for violation in results.response["violations"]
            if violation["impact"] in SERIOUS_IMPACTS
        ]

    return scan

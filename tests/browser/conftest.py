"""Browser tests: Playwright for Python drives Debian's Chromium against the live server.

Outside CI a machine without Chromium skips these tests; with CI=true that is a failure.
"""

import os
import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings as django_settings
from playwright.sync_api import sync_playwright

from tests.articles.factories import ArticleFactory

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
LAPTOP = {"viewport": {"width": 1366, "height": 768}}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
# The password of every member of staff the browser tests make.
STAFF_PASSWORD = "a-long-test-password"
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
def page_for(browser, live_server):
    """Opens a page on the live server in a browser context of its own, made with the given
    options (PHONE, NARROW, LAPTOP, DESKTOP); the contexts close after the test."""
    contexts = []

    def open_page(options):
        context = browser.new_context(base_url=live_server.url, **options)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def page_fixture(name, options, description):
    """A fixture, called name, that gives the test a page opened with these options."""

    def page(page_for):
        return page_for(options)

    page.__doc__ = description
    return pytest.fixture(page, name=name)


phone_page = page_fixture("phone_page", PHONE, "A phone, held upright.")
narrow_page = page_fixture(
    "narrow_page", NARROW, "320 CSS pixels wide, where every page must reflow into one column."
)
laptop_page = page_fixture("laptop_page", LAPTOP, "The reception desk's laptop.")
desktop_page = page_fixture("desktop_page", DESKTOP, "A desktop browser window.")


@pytest.fixture
def article(topic):
    """The article readers book from, with the title they see on the way."""
    return ArticleFactory(title="Why does my lower back hurt?", topics=[topic])


@pytest.fixture
def booking_staff(django_user_model, booking_reviewers_group):
    """Makes a member of staff in the Booking reviewers group, who signs in with STAFF_PASSWORD."""

    def make(username, **fields):
        user = django_user_model.objects.create_user(
            username=username, password=STAFF_PASSWORD, is_staff=True, **fields
        )
        user.groups.add(booking_reviewers_group)
        return user

    return make


@pytest.fixture
def receptionist(booking_staff):
    return booking_staff("reception")


@pytest.fixture
def sign_in():
    """Signs a member of staff in to the admin on a page, with the password the tests give."""

    def sign_in(page, username, password=STAFF_PASSWORD):
        page.goto(f"/{django_settings.ADMIN_URL}")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()

    return sign_in


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


@pytest.fixture
def watch_csp():
    """Starts noting a page's Content Security Policy violations, from its console; returns the
    list they are noted in."""

    def watch(page):
        violations = []

        def note_csp_violation(message):
            if "Content Security Policy" in message.text:
                violations.append(message.text)

        page.on("console", note_csp_violation)
        return violations

    return watch

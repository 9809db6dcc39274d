"""Browser tests: a live server on a free port and Debian's Chromium driven by Playwright.

*.localhost resolves to this machine inside Chromium, so http://<slug>.localhost:<port>/ reaches the
live server exactly as a store's subdomain would in production. Data is committed (the live server runs
in other threads); each test removes the stores it made.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.db import connection
from django.test.testcases import LiveServerThread, _StaticFilesHandler

# Playwright's sync API keeps an event loop on the main thread; Django's ORM calls made by the test
# itself are still synchronous (Playwright's documented setting for Django).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(config, items):
    if shutil.which(CHROMIUM) or Path(CHROMIUM).exists():
        return
    # CI sets REQUIRE_BROWSER=1 so that a missing browser fails instead of skipping.
    if os.environ.get("REQUIRE_BROWSER"):
        raise pytest.UsageError(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}: apt-get install chromium")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def live_server_url(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        thread = LiveServerThread("127.0.0.1", _StaticFilesHandler, port=0)
        thread.daemon = True
        thread.start()
        thread.is_ready.wait()
        if thread.error:
            raise thread.error
        yield f"http://localhost:{thread.port}"
        thread.terminate()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import expect, sync_playwright

    # A loaded CI machine renders slower than a laptop: assertions wait up to 10 s (Playwright's 5 s
    # default) before they fail. They still pass the moment the page is right.
    expect.set_options(timeout=10_000)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
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


@pytest.fixture
def page(browser, request, committed_db):
    """A phone-sized page; a screenshot of how it ended is kept in test-artifacts/."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=1, locale="en-US"
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        _load_lazy_pictures(page)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    finally:
        context.close()
        connection.set_schema_to_public()


def _load_lazy_pictures(page, timeout_ms: int = 3000) -> None:
    """A full-page screenshot does not scroll, so pictures below the first screen (lazy, rightly) would
    show blank in it: load them first, waiting a bounded time, so the kept screenshot shows the page."""
    page.evaluate(
        """timeout => Promise.all(Array.from(document.images, img => {
            img.loading = "eager";
            return img.complete ? null : new Promise(done => {
                img.addEventListener("load", done);
                img.addEventListener("error", done);
                setTimeout(done, timeout);
            });
        }))""",
        timeout_ms,
    )


def host_url(live_server_url: str, host: str, path: str = "/") -> str:
    port = live_server_url.rsplit(":", 1)[1]
    return f"http://{host}:{port}{path}"


def log_in_as_owner(page, console) -> None:
    """Store A's owner logs into the console; `console(path)` makes the store's URL of a path."""
    from playwright.sync_api import expect

    from tests.conftest import STORE_A
    from tests.factories import PASSWORD

    page.goto(console("/console/login/"))
    page.get_by_label("Email").fill(STORE_A["email"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(console("/console/"))


@pytest.fixture
def desktop(browser, committed_db):
    """A desktop-sized page (the merchant's console), next to the phone-sized `page`."""
    context = browser.new_context(
        viewport={"width": 1440, "height": 900}, device_scale_factor=1, locale="en-US"
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()
    connection.set_schema_to_public()

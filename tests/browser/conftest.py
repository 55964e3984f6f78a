import pytest

from .crf import type_into

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """Pages at a given viewport, in the sites' time zone."""
    contexts = []

    def make(viewport=DESKTOP):
        context = browser.new_context(base_url=live_server.url, viewport=viewport, locale="en-US",
                                      timezone_id="Asia/Shanghai")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def log_in(page, username, password):
    page.goto("/accounts/login/")
    type_into(page.get_by_label("Username"), username)
    type_into(page.get_by_label("Password"), password)
    page.get_by_role("button", name="Log in").click()


@pytest.fixture
def login(page):
    def do(username, password):
        log_in(page, username, password)

    return do

"""Browser tests: the real app served from a thread on 127.0.0.1, driven by Debian's chromium.

Every page gets a recorder for Content-Security-Policy violations and uncaught
errors; a test fails if either happened on any page it opened.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}

# Runs in every page before its own scripts; CDP-injected, so the page's CSP does not apply to it.
# Reports go straight to Python, so a violation is not lost when the page navigates.
RECORDER = """
document.addEventListener('securitypolicyviolation', (e) => {
  window.__reportCsp(`${e.violatedDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`);
});
"""


def serve(app) -> tuple[str, callable]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return f"http://127.0.0.1:{server.server_port}", server.shutdown


@pytest.fixture(scope="session")
def base_url(app):
    url, stop = serve(app)
    yield url
    stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        # CI installs it (.ci/run); elsewhere the browser tests wait for it rather than fail the run.
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
        pytest.skip(f"{CHROMIUM} is missing: apt-get install -y chromium to run the browser tests")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Recorder:
    """CSP violations (from the DOM event and the console) and uncaught page errors, across a context's pages."""

    def __init__(self):
        self.csp: list[str] = []
        self.page_errors: list[str] = []

    def watch(self, page):
        page.on("console", lambda msg: self.csp.append(msg.text)
                if "Content Security Policy" in msg.text or "Content-Security-Policy" in msg.text else None)
        page.on("pageerror", lambda exc: self.page_errors.append(str(exc)))


@pytest.fixture
def open_context(browser, base_url):
    """open_context(size=PHONE, url=None, **context options) -> (context, recorder); closed after the test."""
    made = []

    def factory(size=PHONE, url=None, **options):
        context = browser.new_context(base_url=url or base_url, viewport=size, timezone_id="Europe/London",
                                      locale="en-GB", **options)
        recorder = Recorder()
        context.expose_function("__reportCsp", lambda text: recorder.csp.append(text))
        context.add_init_script(RECORDER)
        context.on("page", recorder.watch)
        made.append((context, recorder))
        return context, recorder

    yield factory
    problems = []
    for context, recorder in made:
        problems += recorder.csp + recorder.page_errors
        context.close()
    assert problems == [], f"CSP violations or page errors: {problems}"


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.evaluate("() => window.scrollTo(0, 0)")  # else the sticky top bar is drawn mid-page
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def log_in(page, email: str, password: str) -> None:
    from tests.factories import PASSWORD

    page.goto("/")
    # By the fields' own names, so signing in works whatever the page's language.
    page.locator('input[name="email"]').fill(email)
    page.locator('input[name="password"]').fill(password or PASSWORD)
    page.locator('form button[type="submit"]').click()


# Chosen before the app loads, as a person would have chosen it on that device earlier.
WELSH = "if (location.protocol.startsWith('http')) localStorage.setItem('caremon.lang', 'cy')"


def signed_in(open_context, user, size=DESKTOP, lang: str = "en"):
    """A new page in a fresh context of that size, logged in as the user, reading in lang (en or cy)."""
    context, _ = open_context(size)
    if lang == "cy":
        context.add_init_script(WELSH)
    page = context.new_page()
    log_in(page, user.email, None)
    return page


def wait_until(condition, page, timeout_s: float = 15.0) -> None:
    """Poll a Python condition (page.wait_for_function cannot await, and string predicates break the CSP)."""
    for _ in range(int(timeout_s / 0.2)):
        if condition():
            return
        page.wait_for_timeout(200)
    assert condition()

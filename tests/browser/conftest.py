"""Headless Chromium (Debian's) driven by Playwright against pytest-django's live server."""

import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: scripts/services.sh installs it (apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the tests' own database
    # work (building the demo site) is still synchronous and safe. Only while it runs:
    # `check --deploy` (tests/cms/test_security.py) rightly refuses this variable.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def demo_server(live_server, transactional_db, settings, tmp_path):
    from wagtail.models import Collection

    settings.MEDIA_ROOT = str(tmp_path / "media")
    # An earlier transactional test's flush took the root collection its migration made.
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    call_command("load_demo_content", stdout=open(os.devnull, "w"))  # noqa: SIM115, PTH123
    return live_server


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


# --- Journeys: screenshots, axe-core and the CSP on every page -------------------------

BLOCKING_IMPACTS = ("serious", "critical")

# In the admin, axe-core checks the content area the project renders (`main`), not
# Wagtail's own chrome around it (sidebar, menus) nor its flash messages, which fade in
# and are measured mid-animation. Wagtail answers for those (README, "Browser tests").
ADMIN_OWN_CONTENT = {"include": [["main"]], "exclude": [[".messages"]]}


def blocking_violations(page, where: str, context: str | dict | None = None) -> list[str]:
    """axe-core's serious and critical violations on `page` (within `context` if given)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context=context) if context else Axe().run(page)
    return [
        f"{where}: {violation['id']} {[node['target'] for node in violation['nodes']][:3]}"
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


class Journey:
    """One browser tab through a journey: each step screenshotted and checked.

    Every document the site serves must carry the Content-Security-Policy header, and
    the browser must report no violation of it (Chromium logs them on the console).
    """

    def __init__(self, page, server_url: str, folder: Path) -> None:
        self.page = page
        self.server_url = server_url
        self.folder = folder
        self.step = 0
        self.problems: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        page.on("response", self._response)

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.problems.append(f"CSP violation on {self.page.url}: {message.text}")

    def _response(self, response) -> None:
        if (
            response.request.resource_type == "document"
            and response.url.startswith(self.server_url)
            and "content-security-policy" not in response.headers
        ):
            self.problems.append(f"no Content-Security-Policy header on {response.url}")

    def goto(self, path: str):
        response = self.page.goto(self.server_url + path)
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        return response

    def check(self, name: str, axe_context: str | dict | None = None) -> None:
        """Screenshot the page as step `name`, then run axe-core on it."""
        self.step += 1
        self.page.screenshot(path=str(self.folder / f"{self.step:02d}-{name}.png"), full_page=True)
        self.problems += blocking_violations(self.page, name, axe_context)

    def sign_in(self, username: str, password: str) -> None:
        self.goto("/admin/login/")
        self.check("sign-in", axe_context=ADMIN_OWN_CONTENT)
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        with self.page.expect_navigation():
            self.page.locator("form button[type=submit]").first.click()
        assert "/admin/login/" not in self.page.url, "sign-in refused"

    def done(self) -> None:
        assert not self.problems, "\n".join(self.problems)


@pytest.fixture
def journey(browser, request, artifacts):
    """A fresh browser context for one test, its steps kept in test-artifacts/journeys/."""
    server = request.getfixturevalue("live_server")
    folder = artifacts / "journeys" / request.node.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(15_000)
    yield Journey(context.new_page(), server.url, folder)
    context.close()

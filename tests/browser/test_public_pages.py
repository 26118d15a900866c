"""Every public page type in the four languages, on a small phone and a desktop.

Each page answers (404 for a missing one), never scrolls sideways, carries its language
and direction, shows none of the English header and footer texts on the French, Spanish
and Arabic pages, and axe-core finds no serious or critical violation on it. One browser
tab goes through them all; a page with a problem is screenshotted into
test-artifacts/public-pages/.
"""

import shutil

import pytest

from .conftest import blocking_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ("en", "fr", "es", "ar")
WIDTHS = (320, 1280)
# A word of each language that the demo's pages contain, for the search results page.
SEARCH_WORDS = {"en": "protect", "fr": "protéger", "es": "proteger", "ar": "الحماية"}
PAGES = {
    "home": "",
    "about": "about/",
    "news": "news/",
    "article": "news/central-african-republic-warning-signs/",
    "statements": "news/?kind=statement",
    "events": "events/",
    "event": "events/annual-members-meeting-2027/",
    "library": "library/?region=africa",
    "contact": "contact/",
    "search": "search/?q={word}",
    "form": "apply-for-membership/",
    "missing": "no-such-page/",
}
# The header and footer texts that must be translated on every page: the main menu,
# the footer's headings, text, links and newsletter button, the search button. (The
# language switcher names each language in its own words, English included.)
CHROME_TEXTS = """() => [
    ...document.querySelectorAll(
        '.main-nav__list a, .site-search button, .site-footer h2, .site-footer p,'
        + ' .site-footer__links a, .site-footer .button, .office strong'
    ),
].map((element) => element.textContent.trim()).filter(Boolean)"""
VISIBLE_CHROME = """() => ['.site-header', '.site-footer']
    .map((selector) => document.querySelector(selector).innerText).join('\\n')"""


def path_of(language: str, name: str) -> str:
    prefix = "/" if language == "en" else f"/{language}/"
    return prefix + PAGES[name].format(word=SEARCH_WORDS[language])


def test_public_pages_in_every_language_on_a_phone_and_a_desktop(browser, demo_server, artifacts):
    folder = artifacts / "public-pages"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 800})
    context.set_default_timeout(15_000)
    page = context.new_page()
    problems: list[str] = []
    english: dict[str, list[str]] = {}

    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        for language in LANGUAGES:
            for name in PAGES:
                path = path_of(language, name)
                where = f"{path} at {width}px"
                response = page.goto(demo_server.url + path)
                expected = 404 if name == "missing" else 200
                if response is None or response.status != expected:
                    problems.append(f"{where}: status {response and response.status}")
                    continue
                before = len(problems)
                html = page.locator("html")
                direction = "rtl" if language == "ar" else "ltr"
                if (html.get_attribute("lang"), html.get_attribute("dir")) != (language, direction):
                    problems.append(f"{where}: lang/dir {html.get_attribute('lang')}")
                scroll = page.evaluate("document.documentElement.scrollWidth")
                if scroll > page.evaluate("window.innerWidth"):
                    problems.append(f"{where}: scrolls sideways ({scroll}px wide)")

                if language == "en":
                    english[name] = page.evaluate(CHROME_TEXTS)
                    assert len(english[name]) > 10, f"{where}: header and footer not found"
                else:
                    shown = page.evaluate(VISIBLE_CHROME)
                    problems += [
                        f"{where}: English {text!r} in the header or footer"
                        for text in english[name]
                        if text in shown
                    ]
                problems += blocking_violations(page, where)
                if len(problems) > before:
                    shot = folder / f"{name}-{language}-{width}.png"
                    page.screenshot(path=str(shot), full_page=True)

    # The library's documents open (a PDF, not a page of the site).
    page.goto(demo_server.url + path_of("fr", "library"))
    href = page.locator(".document__title a").first.get_attribute("href")
    document = page.request.get(demo_server.url + href)
    if document.status != 200 or document.headers["content-type"] != "application/pdf":
        problems.append(f"{href}: {document.status} {document.headers['content-type']}")
    context.close()
    assert not problems, "\n".join(problems)

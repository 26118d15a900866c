"""The home page in English and Arabic, on a phone and a desktop: direction, layout, axe-core."""

import pytest

from .conftest import blocking_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"phone": (375, 812), "desktop": (1280, 900)}
CASES = [("en", "/", "ltr"), ("ar", "/ar/", "rtl")]


def test_home_page_layout_direction_and_accessibility(browser, demo_server, artifacts):
    problems = []
    for language, path, direction in CASES:
        for name, (width, height) in WIDTHS.items():
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            response = page.goto(demo_server.url + path)
            assert response.status == 200
            page.screenshot(path=str(artifacts / f"home-{language}-{name}.png"), full_page=True)

            assert page.evaluate("document.documentElement.dir") == direction
            assert page.evaluate("document.documentElement.lang") == language
            # Nothing wider than the screen: no sideways scrolling on a phone.
            assert page.evaluate("document.documentElement.scrollWidth") <= width

            # The logo starts the header: on the left in English, on the right in Arabic.
            logo = page.locator(".site-logo img").bounding_box()
            centre = logo["x"] + logo["width"] / 2
            if direction == "rtl":
                assert centre > width / 2, f"logo not on the right in {language} at {width}px"
            else:
                assert centre < width / 2, f"logo not on the left in {language} at {width}px"
            heading = page.locator("h1").bounding_box()
            if direction == "rtl":
                assert heading["x"] + heading["width"] > width * 0.6
            else:
                assert heading["x"] < width * 0.4

            # The skip link is the first thing a keyboard reaches, and it shows.
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.className") == "skip-link"
            assert page.locator(".skip-link").bounding_box()["y"] >= 0

            problems += blocking_violations(page, f"{language}/{name}")
            context.close()
    assert not problems, "\n".join(problems)

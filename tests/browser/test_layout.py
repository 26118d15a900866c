"""The home page in English and Arabic, on a phone and a desktop: direction, layout, axe-core;
a review queue's listing on a 1280 px screen in English, French and Arabic."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.users.models import UserProfile

from membership_forms.models import Review, Submission
from tests.membership_forms.reviewing import member_of

from .conftest import ADMIN_OWN_CONTENT, blocking_violations

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


LONG_NAMES = [
    "Fédération internationale des ligues des droits de l'homme et des peuples autochtones",
    "جمعية حقوق الإنسان والتنمية المستدامة في الشرق الأوسط وشمال أفريقيا",
    "Rahel Tesfaye-Woldemariam Gebremedhin",
]


# French has the longest headings, Arabic the other direction.
@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_queue_listing_fits_a_1280_screen_with_whole_references(
    language, browser, live_server, artifacts
):
    user = member_of("Secretariat", "sec", first_name="Amina", last_name="Diallo")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    now = timezone.now()
    for i in range(12):
        submission = Submission.objects.create(
            reference=f"MEM-{i:07d}",
            kind="membership",
            form_key=uuid.uuid4(),
            locale="en",
            status="in_review",
            payload={
                "contact_name": LONG_NAMES[i % 3],
                "contact_email": f"person{i}@example.org",
                "organisation_name": LONG_NAMES[(i + 1) % 3],
            },
        )
        Review.objects.create(
            submission=submission,
            queue="membership",
            status="screening" if i % 2 else "committee_vote",
            status_changed_at=now,
            outcome="needs_review",
            country=["BA", "CD", "GB"][i % 3],
            assigned_to=user if i % 2 else None,
            submitted_at=now - timedelta(days=i),
        )
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + "/admin/login/")
    page.fill("input[name=username]", "sec")
    page.fill("input[name=password]", "x" * 12)
    with page.expect_navigation():
        page.locator("form button[type=submit]").first.click()
    page.goto(live_server.url + "/admin/membership-forms/reviews/membership/")
    page.screenshot(path=str(artifacts / f"queue-{language}-desktop.png"), full_page=True)

    # No sideways scrolling: the table fits beside the admin's menu.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    scroller = page.locator(".mf-queue-scroll")
    assert scroller.evaluate("el => el.scrollWidth <= el.clientWidth"), "the table scrolls"
    # Each reference on one line, left to right in Arabic too, and whole.
    references = page.locator("td .mf-reference")
    assert references.count() == 12
    for reference in references.all():
        assert reference.evaluate("el => el.getClientRects().length") == 1
        assert reference.evaluate("el => getComputedStyle(el).direction") == "ltr"
        assert reference.inner_text() in {f"MEM-{i:07d}" for i in range(12)}
    # A long name is cut to two lines; the whole of it is in the tooltip.
    name = page.locator(".mf-clamp", has_text="Fédération").first
    assert name.get_attribute("title") == LONG_NAMES[0]
    line = float(name.evaluate("el => getComputedStyle(el).lineHeight").removesuffix("px"))
    assert name.bounding_box()["height"] <= 2 * line + 1
    problems = blocking_violations(page, f"queue/{language}", ADMIN_OWN_CONTENT)
    context.close()
    assert not problems, "\n".join(problems)

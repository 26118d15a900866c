"""The review detail in a real browser: J and K walk the queue in the listing's order,
never while the reviewer types, and a verified PDF shows in the page under the CSP."""

from __future__ import annotations

import pytest
from django.test import Client

from membership_forms.models import Review, Submission
from tests.documents import good_internship_files
from tests.membership_forms.conftest import multipart, submit_url
from tests.membership_forms.reviewing import screen
from tests.payloads import valid_payload

from .conftest import ADMIN_OWN_CONTENT
from .test_journeys import PASSWORD, reviewer, site  # noqa: F401 (the `site` fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def applied(page, payload: dict, files: dict | None = None) -> Review:
    api = Client(HTTP_ACCEPT_LANGUAGE="en")
    if files:
        response = api.post(submit_url(page), multipart(payload, files))
    else:
        response = api.post(submit_url(page), payload, content_type="application/json")
    assert response.status_code == 202, response.content
    submission = Submission.objects.get(reference=response.json()["reference"])
    assert screen(submission)
    return Review.objects.get(submission=submission)


def test_j_and_k_walk_the_queue_but_not_while_typing(site, journey):  # noqa: F811
    page = site["supporter"]["en"]
    reviews = [
        applied(page, valid_payload("supporter") | {"legally_registered": False, "website": w})
        for w in ("https://one.example.org", "https://two.example.org", "https://three.example.org")
    ]
    reviewer("Secretariat", "sec")
    journey.sign_in("sec", PASSWORD)
    browser = journey.page
    journey.goto(f"/admin/membership-forms/review/{reviews[1].pk}/")
    journey.check("review-detail", axe_context=ADMIN_OWN_CONTENT)

    def at() -> str:
        return browser.url.removeprefix(journey.server_url)

    with browser.expect_navigation():
        browser.keyboard.press("j")
    assert at() == f"/admin/membership-forms/review/{reviews[2].pk}/"
    for expected in (reviews[1], reviews[0]):
        with browser.expect_navigation():
            browser.keyboard.press("k")
        assert at() == f"/admin/membership-forms/review/{expected.pk}/"

    # Typing a comment that holds j and k stays on the page.
    browser.locator("textarea[name=text]").press_sequentially("jk kj")
    assert browser.locator("textarea[name=text]").input_value() == "jk kj"
    assert at() == f"/admin/membership-forms/review/{reviews[0].pk}/"
    journey.done()


def test_a_verified_pdf_shows_in_the_page(site, journey):  # noqa: F811
    payload = valid_payload("internship")
    review = applied(site["internship"]["en"], payload, good_internship_files())
    reviewer("Internship coordinator", "coord")
    journey.sign_in("coord", PASSWORD)
    browser = journey.page
    journey.goto(f"/admin/membership-forms/review/{review.pk}/")

    # Chromium's own PDF viewer takes the document (its extension's frame), not a page
    # saying it was blocked.
    def viewer(frame) -> bool:
        return frame.url.startswith("chrome-extension://")

    with (
        browser.expect_event("framenavigated", predicate=viewer),
        browser.expect_response(lambda response: "/view/" in response.url) as shown,
    ):
        browser.locator("summary").first.click()
    response = shown.value
    headers = response.all_headers()
    assert response.status == 200
    assert headers["content-type"] == "application/pdf"
    assert headers["content-security-policy"].startswith("sandbox;"), headers
    journey.check("pdf-preview", axe_context=ADMIN_OWN_CONTENT)
    # Chromium hands the PDF's stream to its viewer, and Playwright reports that copy as a
    # second document without the policy; the header the server sent is checked above.
    viewed = f"no Content-Security-Policy header on {response.url}"
    journey.problems = [problem for problem in journey.problems if problem != viewed]
    journey.done()

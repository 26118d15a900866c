"""A visitor in French, Spanish or Arabic finds every form, fills it on a phone and sends it.

From each language's home page the visitor reaches the six forms by clicking (the
phone's menu, the pages about joining, interning and giving, the footer), sees no English
on the form or its thank-you page, and gets the emails in their language with links that
open the right page on the address the site is served on. Every page is checked by
axe-core and for sideways scrolling at 320 and 390 pixels.
"""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from membership_forms.models import Submission
from tests.conftest import wait_for
from tests.documents import good_internship_files
from tests.membership_forms.conftest import load_form_pages, valid_payload
from tests.smtp import html, text

from .test_journeys import attach, fill

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ("fr", "es", "ar")
PHONE, SMALL_PHONE = 390, 320
# How a visitor reaches each form from the home page: the links clicked, by URL.
ROUTES = {
    "membership": ("menu", "/join/", "/apply-for-membership/"),
    "supporter": ("menu", "/join/", "/become-a-supporter/"),
    "internship": ("menu", "/internships/", "/apply-for-an-internship/"),
    "donation": ("menu", "/donate/", "/make-a-donation/"),
    "newsletter": ("/newsletter/",),
    "contact": ("/contact/", "/write-to-the-secretariat/"),
}
# The texts of the form pages' template, besides each field's own.
TEMPLATE_TEXTS = (
    "Questions marked with an asterisk (*) must be answered.",
    "How we use your information",
    "Read our privacy notice.",
    "required",
    "Thank you",
    "Your reference:",
)


@pytest.fixture
def site(demo_server, settings, smtp_server, no_stripe):
    """The whole demo site, links in emails on its address, no minimum time-to-fill."""
    settings.SITE_URL = settings.WAGTAILADMIN_BASE_URL = demo_server.url
    settings.MEMBERSHIP_FORMS = {
        **settings.MEMBERSHIP_FORMS,
        "SITE_URL": demo_server.url,
        "MIN_FILL_SECONDS": 0,
        "SUBMISSION_RATE_LIMIT": "100/m",
    }
    return demo_server


@pytest.fixture
def no_stripe(settings):
    settings.MEMBERSHIP_FORMS = {**settings.MEMBERSHIP_FORMS, "STRIPE_SECRET_KEY": None}


def answers(kind: str, language: str) -> dict:
    """The test's answers, with an address of their own so the emails can be told apart."""
    payload = valid_payload(kind)
    for key in ("contact_email", "email", "donor_email"):
        if key in payload:
            payload[key] = f"{kind}-{language}@example.org"
    payload.pop("term", None)  # chosen from the open terms the page offers
    return payload


def english_on(page, english_page, local_page, language: str) -> list[str]:
    """The form's own English texts (labels, help, choices, sections, the template's) that
    are shown on the page instead of their translation."""
    pairs = []
    with translation.override("en"):
        english = english_page.get_field_specs()
        english_texts = [str(text) for text in TEMPLATE_TEXTS]
        english_texts += [english_page.privacy_note(), english_page.submit_label()]
    with translation.override(language):
        local = {spec.key: spec for spec in local_page.get_field_specs()}
        local_texts = [translation.gettext(text) for text in TEMPLATE_TEXTS]
        local_texts += [local_page.privacy_note(), local_page.submit_label()]
    pairs += list(zip(english_texts, local_texts, strict=True))
    choices = []
    for spec in english:
        other = local[spec.key]
        pairs += [(spec.label, other.label), (spec.help_text, other.help_text)]
        pairs += [(spec.section, other.section)]
        theirs = dict(other.choices)
        choices += [(label, theirs.get(value, "")) for value, label in spec.choices]
    shown = page.locator("main").inner_text()
    # A choice is shown whole, as an option's or a label's text ("Palestine" is within
    # the French "Palestine, État de", and rightly so).
    options = {text.strip() for text in page.locator("main option, main label").all_inner_texts()}
    return sorted(
        {source for source, target in pairs if source and source != target and _in(source, shown)}
        | {source for source, target in choices if source != target and source in options}
    )


def _in(text: str, shown: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(text)}(?!\w)", shown) is not None


def no_sideways_scroll(journey, name: str) -> None:
    page = journey.page
    for width in (SMALL_PHONE, PHONE):
        page.set_viewport_size({"width": width, "height": 800})
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"{name} at {width}px scrolls sideways ({scroll}px)"
        page.screenshot(path=str(journey.folder / f"{name}-{width}.png"), full_page=True)


def reach(journey, language: str, kind: str) -> None:
    """From the home page, click through to the form as a visitor on a phone would."""
    page = journey.page
    journey.goto(f"/{language}/")
    for step in ROUTES[kind]:
        if step == "menu":
            page.locator("summary.main-nav__toggle").click()
            continue
        with page.expect_navigation():
            page.locator(f"a[href='/{language}{step}']").first.click()
    assert page.url.endswith(f"/{language}{ROUTES[kind][-1]}"), page.url


def send_form(journey, kind: str, language: str) -> str:
    page = journey.page
    fill(page, answers(kind, language))
    if kind == "internship":
        terms = page.locator("select[name='term'] option:not([value=''])")
        page.locator("select[name='term']").select_option(terms.first.get_attribute("value"))
        for name, (filename, content, content_type) in good_internship_files().items():
            attach(page, name, filename, content, content_type)
    with page.expect_navigation():
        page.locator("button.mf-submit").click()
    summary = page.locator("#mf-error-summary")
    assert not summary.count(), summary.all_inner_texts()
    reference = page.locator(".mf-reference strong").inner_text().strip()
    assert re.fullmatch(r"[A-Z]{3}-\d{4}-\d{5}", reference), reference
    return reference


def test_every_form_in_french_spanish_and_arabic(site, journey, celery_worker, smtp_server):
    forms = load_form_pages()
    page = journey.page
    page.set_viewport_size({"width": PHONE, "height": 800})
    sent = {}
    for language in LANGUAGES:
        for kind in ROUTES:
            name = f"{language}-{kind}"
            reach(journey, language, kind)
            assert page.evaluate("document.documentElement.lang") == language
            english = english_on(page, forms[kind]["en"], forms[kind][language], language)
            assert not english, f"{name}: English on the form: {english}"
            journey.check(f"{name}-form")
            no_sideways_scroll(journey, f"{name}-form")
            page.set_viewport_size({"width": PHONE, "height": 800})
            sent[(language, kind)] = send_form(journey, kind, language)
            english = english_on(page, forms[kind]["en"], forms[kind][language], language)
            assert not english, f"{name}: English on the thank-you page: {english}"
            journey.check(f"{name}-thank-you")
            no_sideways_scroll(journey, f"{name}-thank-you")
            page.set_viewport_size({"width": PHONE, "height": 800})
    for (language, _kind), reference in sent.items():
        assert Submission.objects.get(reference=reference).locale == language

    def mailed():
        """every visitor's email arrived"""
        return all(smtp_server.to(f"{kind}-{language}@example.org") for language, kind in sent)

    wait_for(mailed, timeout=90)
    for language, kind in sent:
        message = smtp_server.to(f"{kind}-{language}@example.org")[0]
        assert message["Content-Language"] == language, (language, kind)
        assert sent[(language, kind)] in text(message)
        for link in re.findall(r"https?://[^\s<>\"]+", text(message)):
            assert link.startswith(site.url), f"{language}-{kind}: {link}"
            assert f'href="{link}"' in html(message)
            journey.page.goto(link)
            assert page.evaluate("document.documentElement.lang") == language, link
            journey.check(f"{language}-{kind}-email-link")
    journey.done()

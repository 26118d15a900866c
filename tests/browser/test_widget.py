"""The drop-in form widget on a partner's page, another origin than the site's.

The partner's page is the documented demo (docs/widget-demo/), served by a plain HTTP
server on 127.0.0.1 while the site answers on localhost; the site allows that origin in
its Forms API settings, as an editor would. The widget script itself comes from the
site's static files. A French newsletter form and an Arabic internship form (three files,
so multipart with upload progress) are sent, a Spanish one waits out a 429, an English
one passes Turnstile, and three gifts meet the recorded Stripe server; each
screen is screenshotted at phone and desktop widths into test-artifacts/journeys/<test>/
and checked by axe-core.
"""

from __future__ import annotations

import functools
import json
import re
import threading
from datetime import date
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from wagtail.models import Site

from membership_forms.models import Donation, FormsApiSettings, Submission
from membership_forms.terms import add_months
from tests.conftest import clear_run_cache
from tests.documents import good_internship_files
from tests.membership_forms import conftest as form_fixtures
from tests.membership_forms.conftest import load_form_pages

from .test_journeys import fill

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The recorded-response Stripe server the donation tests use (never the real Stripe).
_stripe_server = form_fixtures._stripe_server
stripe_api = form_fixtures.stripe_api
# The local siteverify server the Turnstile tests use.
_siteverify = form_fixtures._siteverify
turnstile = form_fixtures.turnstile

DEMO = Path(__file__).resolve().parents[2] / "docs" / "widget-demo"
WIDTHS = (390, 1280)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def partner():
    """The partner's website: the demo page, on an origin of its own."""
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(DEMO))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def static_as_in_production(live_server, settings, tmp_path):
    """Static files through WhiteNoise, as `make run` and production serve them.

    The test server's own static handler sends no `Access-Control-Allow-Origin`, and a
    browser loads a module script from another origin only with it; WhiteNoise sends
    `*` for every static file (WHITENOISE_ALLOW_ALL_ORIGINS, on by default).
    """
    from django.core.handlers.wsgi import WSGIHandler

    settings.WHITENOISE_USE_FINDERS = True
    settings.STATIC_ROOT = str(tmp_path)  # nothing collected: the finders serve the files
    httpd = live_server.thread.httpd
    previous = httpd.get_app()
    httpd.set_app(WSGIHandler())
    yield
    httpd.set_app(previous)


@pytest.fixture
def site(live_server, transactional_db, settings, smtp_server, partner, static_as_in_production):
    """The form pages, and the partner's origin allowed in the Forms API settings."""
    from cms.demo.forms import build_form_pages
    from cms.demo.pages import ensure_home

    clear_run_cache()
    ensure_home()
    build_form_pages()
    FormsApiSettings.objects.update_or_create(
        site=Site.objects.get(is_default_site=True), defaults={"allowed_origins": partner}
    )
    return load_form_pages()


def open_widget(journey, partner: str, form_page, language: str):
    page = journey.page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{partner}/?site={journey.server_url}&form={form_page.pk}&lang={language}")
    widget = page.locator("membership-form")
    widget.locator("h2").filter(has_text=form_page.title).wait_for()
    root = widget.locator("[part~=root]")
    assert root.get_attribute("lang") == language
    assert root.get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    return widget


def look(journey, name: str) -> None:
    """Screenshots at a phone's and a desktop's width, no sideways scroll, axe-core clean."""
    page = journey.page
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
        journey.check(f"{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})


def submissions_sent(page) -> list[str]:
    """The Idempotency-Key of each submission the page sends, in order."""
    sent: list[str] = []
    page.on(
        "request",
        lambda request: (
            sent.append(request.headers.get("idempotency-key", ""))
            if request.method == "POST" and "/submissions/" in request.url
            else None
        ),
    )
    return sent


def untranslated_words(journey) -> list[str]:
    """The widget's own words missing in a language, or with other placeholders."""
    script = f"{journey.server_url}/static/membership_forms/membership-form.js"
    words = journey.page.evaluate("async (url) => (await import(url)).STRINGS", script)
    assert set(words) == {"en", "fr", "es", "ar"}
    problems = []
    for key, english in words["en"].items():
        for language in ("fr", "es", "ar"):
            text = words[language].get(key, "")
            if not text.strip() or set(re.findall(r"\{\w+\}", text)) != set(
                re.findall(r"\{\w+\}", english)
            ):
                problems.append(f"{language}: {key}")
    return problems


def attach(widget, name: str, filename: str, content: bytes, content_type: str) -> None:
    widget.locator(f"input[name='{name}']").set_input_files(
        files=[{"name": filename, "mimeType": content_type, "buffer": content}]
    )


def reference_shown(widget) -> str:
    reference = widget.locator("[part~=reference] strong")
    reference.wait_for()
    text = reference.inner_text().strip()
    assert re.fullmatch(r"[A-Z]{3}-\d{4}-\d+", text), text
    return text


def test_french_newsletter_from_a_partners_page(site, partner, journey, celery_worker):
    form_page = site["newsletter"]["fr"]
    widget = open_widget(journey, partner, form_page, "fr")
    sent = submissions_sent(journey.page)
    look(journey, "form")

    # Checked against the form's schema before anything is sent, in French.
    widget.locator("[name='email']").fill("pas une adresse")
    widget.locator("button[type=submit]").click()
    summary = widget.locator("[part~=summary]")
    summary.wait_for()
    assert summary.locator("h3").inner_text() == "Un problème a été détecté"
    assert "Veuillez saisir une adresse électronique valide." in summary.inner_text()
    assert widget.locator("#mf-email-errors").is_visible()
    assert widget.locator("#mf-email").get_attribute("aria-invalid") == "true"
    assert "mf-email-errors" in widget.locator("#mf-email").get_attribute("aria-describedby")
    assert summary.evaluate("node => node.getRootNode().activeElement === node")
    assert sent == []
    look(journey, "error")

    # The server checks more than the schema says (no quotes in an address): its 422
    # is shown beside the question, in French, as the widget's own errors are.
    fill(widget, {"email": "claire'dubois@example.org", "name": "Claire Dubois"})
    with journey.page.expect_response(lambda answer: answer.request.method == "POST") as answer:
        widget.locator("button[type=submit]").click()
    assert answer.value.status == 422
    errors = widget.locator("#mf-email-errors li")
    errors.filter(has_not_text="Veuillez saisir une adresse électronique valide.").wait_for()
    message = errors.inner_text().removeprefix("Erreur\u00a0:").strip()
    assert message and message in summary.inner_text()
    assert Submission.objects.count() == 0

    fill(widget, {"email": "claire.dubois@example.org"})
    widget.locator("button[type=submit]").click()
    reference = reference_shown(widget)
    assert "Merci" in widget.locator("[part~=confirmation]").inner_text()
    # One key per attempt: the corrected answers were a new attempt.
    assert len(sent) == 2 and len(set(sent)) == 2
    assert all(re.fullmatch(r"[0-9a-f-]{36}", key) for key in sent), sent
    look(journey, "thank-you")
    assert not untranslated_words(journey)

    submission = Submission.objects.get(reference=reference)
    assert (submission.kind, submission.locale) == ("newsletter", "fr")
    assert submission.payload["email"] == "claire.dubois@example.org"
    assert submission.idempotency_key == sent[-1]
    assert Submission.objects.count() == 1
    journey.done()


def test_arabic_internship_with_files_from_a_partners_page(site, partner, journey, celery_worker):
    form_page = site["internship"]["ar"]
    widget = open_widget(journey, partner, form_page, "ar")
    page = journey.page
    look(journey, "form")

    # The same checks, in Arabic: a required field left empty.
    widget.locator("button[type=submit]").click()
    widget.locator("[part~=summary]").wait_for()
    assert "هذا الحقل إلزامي." in widget.locator("#mf-full_name-errors").inner_text()

    start = add_months(date.today(), 2)
    fill(
        widget,
        {
            "full_name": "ليلى حداد",
            "email": "layla@example.org",
            "availability": "full_time",
            "start_date": start.isoformat(),
            "end_date": add_months(start, 3).isoformat(),
            "study_level": "graduate",
            "field_of_study": "القانون الدولي",
            "english_proficiency": "fluent",
        },
    )
    terms = widget.locator("select[name='term'] option:not([value=''])")
    widget.locator("select[name='term']").select_option(terms.first.get_attribute("value"))
    files = good_internship_files()
    for name, (filename, content, content_type) in files.items():
        attach(widget, name, filename, content, content_type)
    # A "PDF" that is not one: only the server, which reads the bytes, can tell.
    attach(widget, "cover_letter", "cover.pdf", b"Dear Secretariat,", "application/pdf")
    look(journey, "form-filled")

    page.evaluate(
        """() => {
          window.uploaded = [];
          document.addEventListener("membership-form-progress",
            (event) => window.uploaded.push(event.detail.percent));
        }"""
    )
    with page.expect_response(lambda answer: answer.request.method == "POST") as answer:
        widget.locator("button[type=submit]").click()
    assert answer.value.status == 422
    errors = widget.locator("#mf-cover_letter-errors")
    errors.wait_for()
    assert errors.inner_text().startswith("خطأ:")
    assert page.evaluate("window.uploaded").count(100) == 1  # the upload went through
    look(journey, "file-refused")

    filename, content, content_type = files["cover_letter"]
    attach(widget, "cover_letter", filename, content, content_type)
    widget.locator("button[type=submit]").click()
    reference = reference_shown(widget)
    assert page.evaluate("window.uploaded").count(100) == 2
    assert "شكرًا لكم" in widget.locator("[part~=confirmation]").inner_text()
    look(journey, "thank-you")

    submission = Submission.objects.get(reference=reference)
    assert (submission.kind, submission.locale) == ("internship", "ar")
    assert submission.payload["full_name"] == "ليلى حداد"
    stored = {file.field_key: file.size for file in submission.files.all()}
    assert stored == {name: len(content) for name, (_f, content, _t) in files.items()}
    journey.done()


def test_spanish_newsletter_waits_out_the_rate_limit(
    site, partner, journey, settings, celery_worker
):
    """A 429: the server's message, the button held for Retry-After, then the same
    attempt sent again with the same key, recorded once."""
    settings.MEMBERSHIP_FORMS = {**settings.MEMBERSHIP_FORMS, "SUBMISSION_RATE_LIMIT": "1/h"}
    page = journey.page
    page.clock.install()  # to move the widget's timer past Retry-After without waiting
    form_page = site["newsletter"]["es"]
    widget = open_widget(journey, partner, form_page, "es")
    sent = submissions_sent(page)
    button = widget.locator("button[type=submit]")

    # The first attempt counts against the limit even though the server refuses it...
    fill(widget, {"email": "ana'lopez@example.org"})
    with page.expect_response(lambda answer: answer.request.method == "POST") as first:
        button.click()
    assert first.value.status == 422
    # ...so the corrected one is turned away for now.
    fill(widget, {"email": "ana.lopez@example.org"})
    with page.expect_response(lambda answer: answer.request.method == "POST") as second:
        button.click()
    assert second.value.status == 429
    retry_after = int(second.value.headers["retry-after"])
    summary = widget.locator("[part~=summary]")
    summary.filter(has_text="Demasiados envíos").wait_for()
    assert button.is_disabled()
    look(journey, "rate-limited")

    clear_run_cache()  # the window is over, as it would be after Retry-After
    page.clock.fast_forward((retry_after + 1) * 1000)
    widget.get_by_text("Ya puede volver a enviar el formulario.").wait_for()
    assert button.is_enabled()
    button.click()
    reference = reference_shown(widget)

    assert len(sent) == 3 and sent[1] == sent[2] != sent[0]
    submission = Submission.objects.get(reference=reference)
    assert (submission.kind, submission.locale) == ("newsletter", "es")
    assert submission.idempotency_key == sent[2]
    assert Submission.objects.count() == 1
    journey.done()


def test_french_gift_goes_on_to_stripe_checkout(site, partner, journey, celery_worker, stripe_api):
    """The page's own button, privacy note and link; after the 202 the widget waits for
    the worker's Checkout Session (made on the recorded Stripe server) and takes the
    whole page there; Stripe is to send the donor back to the gift's page on the site."""
    stripe_api.route("POST", "/v1/checkout/sessions", "checkout_session_created")
    form_page = site["donation"]["fr"]
    privacy = site["newsletter"]["fr"]  # any page of the site stands for the notice
    FormsApiSettings.objects.filter(site=Site.objects.get(is_default_site=True)).update(
        privacy_page=privacy
    )
    page = journey.page
    # Stripe's own page is never reached: the browser is answered here instead.
    checkout_pages: list[str] = []

    def stripe_checkout(route):
        checkout_pages.append(route.request.url)
        route.fulfill(content_type="text/html", body="<title>Checkout</title><h1>Checkout</h1>")

    page.route("https://checkout.stripe.com/**", stripe_checkout)
    widget = open_widget(journey, partner, form_page, "fr")
    button = widget.locator("button[type=submit]")
    assert button.inner_text() == "Continuer"
    note = widget.locator("[part~=privacy]")
    assert "Comment nous utilisons vos données" in note.inner_text()
    link = note.get_by_role("link", name="Consultez notre politique de confidentialité.")
    assert link.get_attribute("href") == f"{journey.server_url}{privacy.url}"
    look(journey, "form")

    fill(
        widget,
        {
            "amount": "50",
            "currency": "EUR",
            "frequency": "one_time",
            "donor_name": "Claire Dubois",
            "donor_email": "claire.dubois@example.org",
        },
    )
    with page.expect_navigation(url=re.compile(r"^https://checkout\.stripe\.com/")):
        button.click()

    donation = Donation.objects.get()
    assert checkout_pages == [donation.checkout_url]
    assert page.url == donation.checkout_url
    assert (donation.amount, donation.currency, donation.locale) == (50, "EUR", "fr")
    assert donation.submission.idempotency_key
    [created] = stripe_api.calls("POST", "/v1/checkout/sessions")
    donor_page = form_page.donation_url(donation, full=True)
    assert created["form"]["success_url"] == f"{donor_page}?returned=1"
    assert created["form"]["cancel_url"] == donor_page
    journey.done()


def test_arabic_gift_whose_payment_page_cannot_be_made(
    site, partner, journey, celery_worker, stripe_api
):
    """Stripe refuses the Checkout Session: the widget stops waiting and says, in Arabic,
    that no money was taken, with the page's pledge instructions and the gift's page."""
    stripe_api.route("POST", "/v1/checkout/sessions", (400, "error_400"))
    form_page = site["donation"]["ar"]
    widget = open_widget(journey, partner, form_page, "ar")
    fill(
        widget,
        {
            "amount": "25",
            "currency": "USD",
            "frequency": "monthly",
            "donor_name": "ليلى حداد",
            "donor_email": "layla@example.org",
        },
    )
    widget.locator("button[type=submit]").click()
    reference = reference_shown(widget)
    payment = widget.locator("[part~=payment]")
    payment.get_by_text("تعذّر إعداد صفحة الدفع الآمنة، ولم يُقتطع أي مبلغ.").wait_for()
    pledge = payment.locator("[part~=pledge]")
    assert "أو أرسلوا تبرعكم بتحويل مصرفي أو بالبريد" in pledge.inner_text()
    assert reference in pledge.inner_text()
    assert "IBAN NL00 DEMO" in pledge.locator("[part~=instructions]").inner_text()
    donation = Donation.objects.get(submission__reference=reference)
    assert donation.checkout_failed
    link = payment.get_by_role("link", name="المتابعة على موقعنا")
    assert link.get_attribute("href") == form_page.donation_url(donation, full=True)
    look(journey, "payment-not-started")
    journey.done()


def test_spanish_gift_waits_for_the_payment_page_a_bounded_time(
    site, partner, journey, celery_worker, stripe_api
):
    """Stripe answers 500 and the worker retries: after a minute the widget stops asking
    and sends the donor to the gift's page on the site, which keeps waiting."""
    stripe_api.route("POST", "/v1/checkout/sessions", (500, "error_500"))
    page = journey.page
    page.clock.install()
    form_page = site["donation"]["es"]
    widget = open_widget(journey, partner, form_page, "es")
    fill(
        widget,
        {
            "amount": "100",
            "currency": "EUR",
            "frequency": "one_time",
            "donor_name": "Ana López",
            "donor_email": "ana.lopez@example.org",
        },
    )
    widget.locator("button[type=submit]").click()
    reference = reference_shown(widget)
    payment = widget.locator("[part~=payment]")
    payment.get_by_text("Preparando la página de pago segura…").wait_for()
    with page.expect_response(lambda answer: "/donations/" in answer.url) as asked:
        page.clock.run_for(2000)
    assert asked.value.json()["payment_url"] is None
    page.clock.fast_forward(60_000)
    payment.get_by_text("está tardando más de lo habitual").wait_for()
    donation = Donation.objects.get(submission__reference=reference)
    link = payment.get_by_role("link", name="Continuar en nuestro sitio web")
    assert link.get_attribute("href") == form_page.donation_url(donation, full=True)
    assert page.url.startswith(partner)
    look(journey, "payment-slow")
    journey.done()


# Cloudflare's script, as the browser would get it: a widget that "solves" at once and
# hands out the tokens given, one per render or reset (a token proves one submission).
TURNSTILE_STUB = """
window.turnstile = {
  tokens: %s,
  render(element, options) {
    this.options = options;
    const shown = document.createElement("p");
    shown.textContent = "Turnstile: " + options.sitekey;
    element.append(shown);
    this.next();
    return "widget-1";
  },
  reset(id) { this.next(); },
  next() { const token = this.tokens.shift(); setTimeout(() => this.options.callback(token), 0); },
};
"""


def test_english_newsletter_with_turnstile_on(site, partner, journey, celery_worker, turnstile):
    """The API requires a proof of a person: the widget renders Turnstile with the site key
    the form gives, sends its token; a refused token is answered with the server's
    message, the widget asks Turnstile for a new one, and the same attempt goes again."""
    from tests.membership_forms.turnstile_server import SITE_KEY

    page = journey.page
    tokens = ["0.forged", turnstile.issue()]
    page.route(
        "https://challenges.cloudflare.com/turnstile/v0/api.js*",
        lambda route: route.fulfill(
            content_type="text/javascript", body=TURNSTILE_STUB % json.dumps(tokens)
        ),
    )
    form_page = site["newsletter"]["en"]
    widget = open_widget(journey, partner, form_page, "en")
    sent = submissions_sent(page)
    widget.locator("[part~=captcha]").get_by_text(f"Turnstile: {SITE_KEY}").wait_for()
    fill(widget, {"email": "sam.lee@example.org", "name": "Sam Lee"})
    with page.expect_response(lambda answer: answer.request.method == "POST") as refused:
        widget.locator("button[type=submit]").click()
    assert refused.value.status == 400
    summary = widget.locator("[part~=summary]")
    summary.get_by_text("The check that you are a person failed or expired.").wait_for()
    look(journey, "person-refused")

    widget.locator("button[type=submit]").click()
    reference = reference_shown(widget)
    assert [request["response"] for request in turnstile.requests] == tokens
    assert len(sent) == 2 and sent[0] == sent[1]  # the same attempt, recorded once
    assert Submission.objects.get().reference == reference
    journey.done()

"""The drop-in form widget on a partner's page, another origin than the site's.

The partner's page is the documented demo (docs/widget-demo/), served by a plain HTTP
server on 127.0.0.1 while the site answers on localhost; the site allows that origin in
its Forms API settings, as an editor would. The widget script itself comes from the
site's static files. A French newsletter form and an Arabic internship form (three files,
so multipart with upload progress) are sent, and a Spanish one waits out a 429; each
screen is screenshotted at phone and desktop widths into test-artifacts/journeys/<test>/
and checked by axe-core.
"""

from __future__ import annotations

import functools
import re
import threading
from datetime import date
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from wagtail.models import Site

from membership_forms.models import FormsApiSettings, Submission
from membership_forms.terms import add_months
from tests.conftest import clear_run_cache
from tests.documents import good_internship_files
from tests.membership_forms.conftest import load_form_pages

from .test_journeys import fill

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

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

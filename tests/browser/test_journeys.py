"""Whole journeys in a real browser, under the site's Content Security Policy.

A visitor applies as an NGO Supporter in Arabic; a student applies for an internship with
three files; the Secretariat reviews an application with the worker's rule results,
downloads its file and approves it, and the organisation shows in the directory; an
editor adds a field to a form page and the API and the HTML form show it.

Each step is screenshotted into test-artifacts/journeys/<test>/ and checked by axe-core
(see the `journey` fixture in conftest.py).
"""

from __future__ import annotations

import importlib
import json
import re
from datetime import date
from urllib.parse import urlparse

import pytest
from django.contrib.auth.models import Group, Permission, User

from membership_forms.eligibility.core import MESSAGES
from membership_forms.models import (
    DirectoryEntry,
    DirectoryPage,
    FormField,
    Review,
    Submission,
    SupporterFormPage,
)
from membership_forms.terms import add_months
from tests.conftest import clear_run_cache, wait_for
from tests.documents import good_internship_files, real_pdf
from tests.membership_forms.conftest import load_form_pages

from .conftest import ADMIN_OWN_CONTENT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long enough password"

SUPPORTER = {
    "organisation_name": "شبكة السلام للتنمية",
    "organisation_type": "ngo",
    "mandate": "منع الجرائم الفظيعة والإنذار المبكر.",
    "headquarters": "عمّان",
    "headquarters_country": "JO",
    "operations": "الشرق الأوسط",
    "legally_registered": True,
    "government_controlled": False,
    "independent": True,
    "endorses_common_understanding": True,
    "has_rtop_programme": True,
    "willing_to_commit": True,
    "sectors": ["peacebuilding", "human_rights"],
    "website": "https://salam.example.org",
    "contact_name": "ليلى حداد",
    "contact_email": "layla@example.org",
}


@pytest.fixture
def site(live_server, transactional_db, settings, smtp_server):
    """The demo's form pages and directory page, a fresh cache, no minimum time-to-fill.

    Only the pages the journeys use are built: the whole demo site takes most of a
    minute. The time-to-fill check turns away robots that post within seconds; a test
    browser fills a form that fast too. The check itself is tested in test_html.py.
    """
    from cms.demo.directory import build_directory_page
    from cms.demo.forms import build_form_pages
    from cms.demo.pages import ensure_home

    clear_run_cache()
    settings.MEMBERSHIP_FORMS = {**settings.MEMBERSHIP_FORMS, "MIN_FILL_SECONDS": 0}
    ensure_home()
    build_form_pages()
    build_directory_page()
    return load_form_pages()


def fill(page, answers: dict) -> None:
    """Answer the HTML form by field name: text, select, radios and checkboxes."""
    for name, value in answers.items():
        if isinstance(value, bool):
            value = "true" if value else "false"
        field = page.locator(f"[name='{name}']")
        kind = field.first.evaluate("el => el.type")
        if kind in ("radio", "checkbox"):
            for choice in value if isinstance(value, list) else [value]:
                page.locator(f"[name='{name}'][value='{choice}']").check()
        elif kind.startswith("select"):
            field.select_option(value)
        else:
            field.fill(value)


def attach(page, name: str, filename: str, content: bytes, content_type: str) -> None:
    page.set_input_files(
        f"input[name='{name}']",
        files=[{"name": filename, "mimeType": content_type, "buffer": content}],
    )


def send(journey) -> str:
    """Submit the form; the thank-you page answers with the reference, which is returned."""
    page = journey.page
    page.locator("button.mf-submit").click()
    page.wait_for_load_state()
    assert "/thank-you/" in page.url, page.locator("#mf-error-summary").all_inner_texts()
    reference = page.locator(".mf-reference strong").inner_text().strip()
    assert re.fullmatch(r"[A-Z]{3}-\S+", reference), reference
    return reference


def apply_as_supporter_in_arabic(journey, form_page, files: dict | None = None) -> Submission:
    page = journey.page
    journey.goto(form_page.url)
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("document.documentElement.lang") == "ar"
    # Nothing sticks out sideways (the hidden honeypot once did, to the left), and the
    # form starts on the right, clear of the window's edge.
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    heading = page.locator("h1").bounding_box()
    assert width / 2 < heading["x"] + heading["width"] <= width - 16
    assert page.locator("h1").inner_text() == form_page.title
    journey.check("form")
    fill(page, SUPPORTER)
    for name, (filename, content, content_type) in (files or {}).items():
        attach(page, name, filename, content, content_type)
    journey.check("form-filled")
    reference = send(journey)
    assert page.evaluate("document.documentElement.dir") == "rtl"
    journey.check("thank-you")
    submission = Submission.objects.get(reference=reference)
    assert submission.locale == "ar"
    assert submission.payload["organisation_name"] == SUPPORTER["organisation_name"]
    return submission


def test_visitor_applies_as_ngo_supporter_in_arabic(site, journey, celery_worker):
    submission = apply_as_supporter_in_arabic(journey, site["supporter"]["ar"])
    assert submission.kind == "supporter"
    assert submission.payload["legally_registered"] is True
    assert submission.payload["sectors"] == ["peacebuilding", "human_rights"]
    journey.done()


def test_student_applies_for_an_internship_with_three_files(site, journey, celery_worker):
    page = journey.page
    form_page = site["internship"]["en"]
    journey.goto(form_page.url)
    journey.check("form")
    start = add_months(date.today(), 2)
    fill(
        page,
        {
            "full_name": "Lucía Pérez",
            "email": "lucia@example.org",
            "availability": "full_time",
            "start_date": start.isoformat(),
            "end_date": add_months(start, 3).isoformat(),
            "study_level": "graduate",
            "field_of_study": "International law",
            "english_proficiency": "fluent",
            "other_languages": ["es", "fr"],
        },
    )
    terms = page.locator("select[name='term'] option:not([value=''])")
    page.locator("select[name='term']").select_option(terms.first.get_attribute("value"))
    files = good_internship_files()
    for name, (filename, content, content_type) in files.items():
        attach(page, name, filename, content, content_type)
    journey.check("form-filled")
    reference = send(journey)
    journey.check("thank-you")

    submission = Submission.objects.get(reference=reference)
    assert submission.kind == "internship"
    stored = {file.field_key: file for file in submission.files.all()}
    assert sorted(stored) == sorted(files)
    for name, (filename, content, _type) in files.items():
        assert stored[name].original_name == filename
        assert stored[name].size == len(content)
    journey.done()


def reviewer(group_name: str, username: str) -> User:
    """A user in one of the reviewers' groups, made as the migration makes them.

    Transactional tests empty the tables afterwards, groups included: put it back.
    """
    groups = importlib.import_module("membership_forms.migrations.0004_review_groups").GROUPS
    group, _ = Group.objects.get_or_create(name=group_name)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        *(
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in groups[group_name]
        ),
    )
    user = User.objects.create_user(username, f"{username}@example.org", PASSWORD)
    user.groups.add(group)
    return user


def test_secretariat_reviews_downloads_and_approves_then_directory_lists(
    site, journey, celery_worker
):
    # An editor gave the NGO Supporter form a field for the registration certificate.
    form_page = site["supporter"]["ar"]
    form_page.application_fields.add(
        FormField(
            key="registration_certificate",
            label="شهادة التسجيل",
            field_type="file",
            required=False,
        )
    )
    form_page.save_revision().publish()
    form_page = SupporterFormPage.objects.get(pk=form_page.pk)
    certificate = real_pdf(2)
    submission = apply_as_supporter_in_arabic(
        journey,
        form_page,
        {"registration_certificate": ("certificate.pdf", certificate, "application/pdf")},
    )

    # The worker screens it and opens its review in the NGO Supporters queue.
    def screened():
        """the worker screened the application and opened its review"""
        return Review.objects.filter(submission=submission).first()

    review = wait_for(screened, timeout=30)
    submission.refresh_from_db()
    reasons = submission.screening["reasons"]
    assert [reason["code"] for reason in reasons] == ["SUGGEST_MEMBERSHIP"]

    reviewer("Secretariat", "secretariat")
    page = journey.page
    journey.sign_in("secretariat", PASSWORD)
    # The dashboard says what waits for the reviewer, and leads to it.
    waiting = page.get_by_role("link", name="NGO Supporters: 1 waiting for a reviewer")
    with page.expect_navigation():
        waiting.click()
    assert page.url.endswith("/admin/membership-forms/reviews/supporter/?waiting=all")
    journey.check("queue", axe_context=ADMIN_OWN_CONTENT)
    # The sidebar's "Review queues" lists the queues of the reviewer's group.
    page.get_by_role("button", name="Review queues").click()
    with page.expect_navigation():
        page.get_by_role("link", name="NGO Supporters", exact=True).click()
    assert page.url.endswith("/admin/membership-forms/reviews/supporter/")

    with page.expect_navigation():
        page.get_by_role("link", name=submission.reference).click()
    journey.check("application", axe_context=ADMIN_OWN_CONTENT)
    main = page.locator("main")
    assert SUPPORTER["organisation_name"] in main.inner_text()
    screening = main.locator("h2:has-text('Screening') + ul")
    for reason in reasons:
        item = screening.locator("li", has_text=reason["code"])
        assert item.count() == 1
        # In the reviewer's admin language (English), not the applicant's.
        explanation = MESSAGES[reason["code"]] % dict(reason.get("params") or {})
        assert explanation in item.inner_text()

    with page.expect_download() as download_info:
        file = page.locator("main li", has_text="certificate.pdf")
        file.get_by_role("link", name="Download", exact=True).click()
    download = download_info.value
    assert download.suggested_filename == "certificate.pdf"
    with open(download.path(), "rb") as downloaded:  # noqa: PTH123
        assert downloaded.read() == certificate

    with page.expect_navigation():
        page.get_by_role("button", name="Approve", exact=True).click()
    # An approval cannot be taken back: the admin asks first, and nothing is done yet.
    journey.check("confirm", axe_context=ADMIN_OWN_CONTENT)
    assert "This cannot be taken back." in page.locator("main").inner_text()
    review.refresh_from_db()
    assert review.status == "screening"
    with page.expect_navigation():
        page.get_by_role("button", name="Approve", exact=True).click()
    journey.check("approved", axe_context=ADMIN_OWN_CONTENT)
    review.refresh_from_db()
    assert review.status == "approved"
    assert "Approved" in main.locator("dl").first.inner_text()

    # The organisation is in the public directory (the page shows every language's names).
    entry = DirectoryEntry.objects.get()
    assert entry.organisation_name == SUPPORTER["organisation_name"]
    directory = DirectoryPage.objects.filter(locale__language_code="en").get()
    journey.page.context.clear_cookies()  # as a visitor
    journey.goto(urlparse(directory.full_url).path)
    journey.check("directory")
    row = page.locator("table tbody tr", has_text=SUPPORTER["organisation_name"])
    assert row.count() == 1
    assert "https://salam.example.org" in row.inner_text()
    assert "layla@example.org" not in page.content()
    assert page.locator("h1").bounding_box()["x"] >= 16  # clear of the window's edge
    journey.done()


def test_editor_adds_a_field_and_the_api_and_form_show_it(site, journey):
    form_page = site["supporter"]["en"]
    User.objects.create_superuser("editor", "editor@example.org", PASSWORD)
    page = journey.page
    journey.sign_in("editor", PASSWORD)
    journey.goto(f"/admin/pages/{form_page.pk}/edit/")
    # The page editor is Wagtail's own (its rich text editors and minimap have open axe
    # findings upstream); axe-core checks the project's panel in it: the form's fields.
    panel = page.locator("section.w-panel:has(#id_application_fields-TOTAL_FORMS)")
    fields_panel = {"include": [[f"#{panel.get_attribute('id')}"]]}
    journey.check("edit", axe_context=fields_panel)

    before = int(page.locator("#id_application_fields-TOTAL_FORMS").input_value())
    page.get_by_role("button", name="Add field").last.click()
    new = f"id_application_fields-{before}"
    page.locator(f"#{new}-label").fill("Number of staff")
    page.locator(f"#{new}-field_type").select_option("number")
    page.locator(f"#{new}-help_text").fill("Paid staff and regular volunteers.")
    journey.check("field-added", axe_context=fields_panel)

    page.locator("[data-w-dropdown-target='toggle']").last.click()
    with page.expect_navigation():
        page.get_by_role("button", name="Publish").click()
    journey.check("published", axe_context=ADMIN_OWN_CONTENT)
    messages = page.locator(".messages")
    assert messages.locator(".success").count() == 1, messages.all_inner_texts()

    field = FormField.objects.get(page=form_page, label="Number of staff")
    assert field.key == "number_of_staff" and not field.is_core

    response = journey.goto(f"/api/v3/forms/{form_page.pk}/")
    schema = json.loads(response.text())
    fields = {item["name"]: item for item in schema["fields"]}
    assert fields["number_of_staff"]["label"] == "Number of staff"
    assert fields["number_of_staff"]["type"] == "number"
    assert list(fields)[-1] == "number_of_staff"

    journey.page.context.clear_cookies()  # as a visitor
    journey.goto(form_page.url)
    journey.check("form")
    label = page.locator("label[for='field-number_of_staff']")
    assert "Number of staff" in label.inner_text()
    assert page.locator("#field-number_of_staff").is_visible()
    journey.done()

"""Each of the demo's staff roles at work in a real browser (docs/reviewers.md).

The Secretariat, in a French admin, filters the NGO Supporters queue by country and
declines an application made in Spanish; the worker emails the decision in Spanish. The
three Steering Committee members vote on a membership application and the quorum decides
it. The internship coordinator downloads the queue as XLSX, formulas made inert.

The staff are the demo's (cms/demo/staff.py), signed in with the passwords the demo keeps
in VAR_DIR; the decline reasons are the demo's too. Each step is screenshotted into
test-artifacts/journeys/<test>/ and checked by axe-core (the `journey` fixture).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from openpyxl import load_workbook
from playwright.sync_api import expect
from wagtail.users.models import UserProfile

from membership_forms.models import Ballot, Review, ReviewLogEntry, Submission
from tests.conftest import clear_run_cache, wait_for
from tests.documents import good_internship_files
from tests.membership_forms.conftest import load_form_pages, multipart, submit_url
from tests.membership_forms.reviewing import reviewers_group
from tests.payloads import valid_payload
from tests.smtp import subject, text

from .conftest import ADMIN_OWN_CONTENT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GROUPS = ("Secretariat", "Steering Committee", "Internship coordinator")


@pytest.fixture
def staff_site(live_server, transactional_db, settings, smtp_server, tmp_path):
    """The demo's form pages, decline reasons and staff, with the staff's passwords.

    The builders are the ones `load_demo_content` runs; the rest of the demo site (most
    of a minute to build) plays no part here. The groups come from a migration, which a
    transactional test's flush empties: they are made again first, as it made them.
    """
    from cms.demo.decline_reasons import ensure_decline_reasons
    from cms.demo.forms import build_form_pages
    from cms.demo.pages import ensure_home
    from cms.demo.staff import ensure_staff

    clear_run_cache()
    settings.VAR_DIR = tmp_path
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    ensure_home()
    build_form_pages()
    ensure_decline_reasons(["fr", "es", "ar"])
    for group in GROUPS:
        reviewers_group(group)
    ensure_staff()
    passwords = json.loads(Path(tmp_path / "demo-staff-passwords.json").read_text())
    return {"pages": load_form_pages(), "passwords": passwords}


def admin_language(username: str, language: str) -> None:
    profile = UserProfile.get_for_user(User.objects.get(username=username))
    profile.preferred_language = language
    profile.save()


def apply(page, payload: dict, files: dict | None = None) -> Submission:
    """Submit through the public JSON API, as a site in the page's language does."""
    api = Client(HTTP_ACCEPT_LANGUAGE=page.locale.language_code)
    if files:
        response = api.post(submit_url(page), multipart(payload, files))
    else:
        response = api.post(submit_url(page), payload, content_type="application/json")
    assert response.status_code == 202, response.content
    return Submission.objects.get(reference=response.json()["reference"])


def in_queue(*submissions: Submission) -> list[Review]:
    """Each submission's review, once the worker has screened it and opened it."""

    def opened():
        """the worker screened the applications and opened their reviews"""
        reviews = list(Review.objects.filter(submission__in=submissions))
        return reviews if len(reviews) == len(submissions) else None

    by_submission = {review.submission_id: review for review in wait_for(opened, timeout=60)}
    return [by_submission[submission.pk] for submission in submissions]


def words(locator) -> str:
    """Text with runs of white space (no-break spaces included) as one space."""
    return " ".join(locator.inner_text().split())


def success_message(page) -> str:
    messages = page.locator(".messages .success")
    assert messages.count() == 1, page.locator(".messages").all_inner_texts()
    return words(messages)


def choose(panel, label: str) -> None:
    """Pick `label` in a filter: a select's option or a radio button."""
    select = panel.locator("select")
    if select.count():
        select.select_option(label=label)
    else:
        panel.get_by_label(label, exact=True).check()


def sign_out(journey) -> None:
    journey.page.context.clear_cookies()


# --- The Secretariat: a French admin, a country filter, a decline in Spanish ------------------

SUPPORTERS = {
    # (language of the form, country): organisation, contact
    ("es", "KE"): ("Red Keniana por la Paz", "Ana Wanjiru", "ana@example.org"),
    ("ar", "JO"): ("شبكة السلام للتنمية", "ليلى حداد", "layla@example.org"),
    ("en", "GH"): ("Accra Peace Forum", "Kofi Mensah", "kofi@example.org"),
}


def test_secretariat_filters_by_country_and_declines_in_the_applicants_language(
    staff_site, journey, smtp_server, celery_worker
):
    pages = staff_site["pages"]["supporter"]
    submissions = {}
    for (language, country), (organisation, name, email) in SUPPORTERS.items():
        payload = valid_payload("supporter") | {
            "organisation_name": organisation,
            "headquarters_country": country,
            "contact_name": name,
            "contact_email": email,
        }
        submissions[country] = apply(pages[language], payload)
    reviews = dict(zip(submissions, in_queue(*submissions.values()), strict=True))
    kenyan = submissions["KE"]
    assert kenyan.locale == "es"

    admin_language("secretariat", "fr")
    page = journey.page
    journey.sign_in("secretariat", staff_site["passwords"]["secretariat"])
    journey.goto("/admin/membership-forms/reviews/supporter/")
    assert page.evaluate("document.documentElement.lang") == "fr"
    results = page.locator("main table tbody")
    for submission in submissions.values():
        assert results.get_by_role("link", name=submission.reference).count() == 1
    journey.check("secretariat-queue", axe_context=ADMIN_OWN_CONTENT)

    # The filter panel, in French: the country by its French name.
    page.get_by_role("button", name="Afficher les filtres").click()
    page.get_by_role("button", name="Pays", exact=True).click()
    choose(page.locator("#drilldown-id_country"), "Kenya")
    page.wait_for_url(re.compile(r"[?&]country=KE\b"))
    # The results are swapped in place: wait for the others to go.
    for country_code, submission in submissions.items():
        expected = 1 if country_code == "KE" else 0
        expect(results.get_by_role("link", name=submission.reference)).to_have_count(expected)
    expect(page.locator("main")).to_contain_text("Pays : Kenya")  # the active filter
    assert "Kenya" in words(results)
    journey.check("secretariat-queue-filtered-by-country", axe_context=ADMIN_OWN_CONTENT)

    with page.expect_navigation():
        results.get_by_role("link", name=kenyan.reference).click()
    main = page.locator("main")
    assert "Red Keniana por la Paz" in words(main)
    journey.check("secretariat-application", axe_context=ADMIN_OWN_CONTENT)

    # The seeded reasons of the queue, by their French titles.
    reason = main.get_by_label("Motif")
    reason.select_option(label="Organisation gérée ou contrôlée par un gouvernement")
    with page.expect_navigation():
        main.get_by_role("button", name="Refuser", exact=True).click()
    journey.check("secretariat-decline-confirm", axe_context=ADMIN_OWN_CONTENT)
    assert "Cette étape est irréversible." in words(main), words(main)
    reviews["KE"].refresh_from_db()
    assert reviews["KE"].status == "screening"  # nothing is done before the confirmation
    with page.expect_navigation():
        main.get_by_role("button", name="Refuser", exact=True).click()
    journey.check("secretariat-declined", axe_context=ADMIN_OWN_CONTENT)
    assert success_message(page) == (
        "Refusé : Red Keniana por la Paz ; la personne candidate a été informée par courriel"
        " (langue : Espagnol)."
    )
    reviews["KE"].refresh_from_db()
    assert reviews["KE"].status == "declined"
    assert reviews["KE"].decline_reason.code == "government-controlled"
    assert "Refusé" in words(main.locator("dl").first)

    # The worker emails the decision in Spanish, with the reason's Spanish text.
    def emailed():
        """the decline email reached the SMTP server"""
        return [
            message
            for message in smtp_server.to("ana@example.org")
            if "decisión" in subject(message)
        ]

    [email] = wait_for(emailed, timeout=30)
    assert subject(email) == f"Su solicitud {kenyan.reference}: nuestra decisión"
    body = " ".join(text(email).split())
    assert "lamentamos comunicarle que no podemos aceptarla" in body, body
    assert "su organización está gestionada o controlada por un gobierno" in body, body
    # The other applications wait, untouched by the filter or the decision.
    for country_code in ("JO", "GH"):
        reviews[country_code].refresh_from_db()
        assert reviews[country_code].status == "screening"
    journey.done()


# --- The Steering Committee: three votes, the quorum decides ----------------------------


def vote(journey, username: str, password: str, review: Review, choice: str) -> tuple[list[str], str]:
    """`username` signs in, finds the application in the membership queue, votes; the
    votes the member saw before voting are returned, with what the admin said after."""
    page = journey.page
    sign_out(journey)
    journey.sign_in(username, password)
    journey.goto("/admin/membership-forms/reviews/membership/")
    with page.expect_navigation():
        page.locator("main table").get_by_role("link", name=review.submission.reference).click()
    main = page.locator("main")
    journey.check(f"{username}-ballot", axe_context=ADMIN_OWN_CONTENT)
    seen = votes_shown(page)
    ballot = main.locator("fieldset", has_text="Your vote")
    ballot.get_by_label(choice, exact=True).check()
    with page.expect_navigation():
        ballot.get_by_role("button", name="Vote", exact=True).click()
    journey.check(f"{username}-voted", axe_context=ADMIN_OWN_CONTENT)
    return seen, success_message(page)


def votes_shown(page) -> list[str]:
    heading = page.locator("main h2", has_text="Committee vote")
    return [words(item) for item in heading.locator("xpath=following-sibling::ul[1]/li").all()]


def test_committee_of_three_votes_and_the_quorum_decides(
    staff_site, journey, smtp_server, celery_worker
):
    passwords = staff_site["passwords"]
    submission = apply(staff_site["pages"]["membership"]["fr"], valid_payload("membership"))
    [review] = in_queue(submission)
    assert review.status == "screening"

    # The Secretariat sends it to the committee vote.
    admin_language("secretariat", "fr")
    page = journey.page
    journey.sign_in("secretariat", passwords["secretariat"])
    journey.goto(f"/admin/membership-forms/review/{review.pk}/")
    main = page.locator("main")
    send = main.get_by_role("button", name="Approuver et soumettre au vote du Comité")
    with page.expect_navigation():
        send.click()
    journey.check("secretariat-vote-confirm", axe_context=ADMIN_OWN_CONTENT)
    with page.expect_navigation():
        send.click()
    journey.check("secretariat-sent-to-vote", axe_context=ADMIN_OWN_CONTENT)
    assert success_message(page).startswith("Approuvé : Peace Works")
    review.refresh_from_db()
    assert review.status == "committee_vote"
    ballot = Ballot.objects.get(review=review)
    assert sorted(ballot.electorate.values_list("username", flat=True)) == [
        "committee1",
        "committee2",
        "committee3",
    ]

    # Two approve: the quorum (three) is not reached, the vote stays open.
    seen, said = vote(journey, "committee1", passwords["committee1"], review, "Approve")
    assert seen == ["No votes yet."]
    assert said == "Vote recorded: Approve. 1 vote of the 3 the quorum needs has been cast."
    assert votes_shown(page) == ["Carlos Mendoza: Approve"]
    assert "Your vote (now: Approve)" in words(page.locator("main fieldset legend"))
    seen, said = vote(journey, "committee2", passwords["committee2"], review, "Approve")
    assert seen == ["Carlos Mendoza: Approve"]
    assert said == "Vote recorded: Approve. 2 votes of the 3 the quorum needs have been cast."
    assert votes_shown(page) == ["Carlos Mendoza: Approve", "Sophie Martin: Approve"]
    review.refresh_from_db()
    assert review.status == "committee_vote"
    assert "Committee vote" in words(page.locator("main dl").first)

    # The third votes against: three votes, two for one against, a simple majority.
    seen, said = vote(journey, "committee3", passwords["committee3"], review, "Decline")
    assert seen == ["Carlos Mendoza: Approve", "Sophie Martin: Approve"]
    assert votes_shown(page) == [
        "Carlos Mendoza: Approve",
        "Sophie Martin: Approve",
        "Yusuf Haddad: Decline",
    ]
    assert said == "Vote recorded: Decline. The vote is closed: Approved."
    assert "Approved" in words(page.locator("main dl").first)
    assert "Quorum: 3 votes; rule: Simple majority. Result: Approved." in words(
        page.locator("main")
    )
    assert page.locator("main fieldset", has_text="Your vote").count() == 0  # closed
    review.refresh_from_db()
    ballot.refresh_from_db()
    assert (review.status, ballot.result) == ("approved", "approved")
    submission.refresh_from_db()
    assert submission.status == "approved"

    # The Secretariat sees the result in the queue's closed items.
    sign_out(journey)
    journey.sign_in("secretariat", passwords["secretariat"])
    journey.goto("/admin/membership-forms/reviews/membership/?status=approved")
    row = page.locator("main table tbody tr", has_text=submission.reference)
    assert "Approuvé" in words(row)
    journey.check("secretariat-queue-approved", axe_context=ADMIN_OWN_CONTENT)

    # The worker emails the decision in French, the language of the form used.
    def emailed():
        """the approval email reached the SMTP server"""
        return [
            message
            for message in smtp_server.to("amina@example.org")
            if "approuvée" in subject(message)
        ]

    [email] = wait_for(emailed, timeout=30)
    assert subject(email) == f"Votre demande {submission.reference} : approuvée", subject(email)
    journey.done()


# --- The internship coordinator: the queue as XLSX, formulas inert ----------------------

FORMULA_NAME = '=HYPERLINK("http://evil.example","x")'
FORMULA_FIELD = "=1+2"


def test_internship_coordinator_exports_the_queue_as_inert_xlsx(staff_site, journey, celery_worker):
    page_en = staff_site["pages"]["internship"]["en"]
    plain = apply(page_en, valid_payload("internship"), good_internship_files())
    hostile = apply(
        page_en,
        valid_payload("internship")
        | {
            "full_name": FORMULA_NAME,
            "email": "mallory@example.org",
            "field_of_study": FORMULA_FIELD,
        },
        good_internship_files(),
    )
    in_queue(plain, hostile)

    page = journey.page
    journey.sign_in("internships", staff_site["passwords"]["internships"])
    journey.goto("/admin/membership-forms/reviews/internship/")
    results = page.locator("main table tbody")
    for submission in (plain, hostile):
        assert results.get_by_role("link", name=submission.reference).count() == 1
    journey.check("coordinator-queue", axe_context=ADMIN_OWN_CONTENT)

    page.get_by_role("button", name="Actions", exact=True).click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download XLSX").click()
    download = download_info.value
    assert download.suggested_filename == "internship-queue.xlsx"
    saved = journey.folder / download.suggested_filename
    download.save_as(saved)
    sheet = load_workbook(saved).active
    rows = list(sheet.iter_rows())
    headings = [cell.value for cell in rows[0]]
    by_reference = {row[0].value: row for row in rows[1:]}
    assert set(by_reference) == {plain.reference, hostile.reference}
    row = by_reference[hostile.reference]
    name = row[headings.index("Applicant")]
    assert name.data_type == "s"
    assert name.value == "'" + FORMULA_NAME
    cells = dict(zip(headings, row, strict=True))
    assert cells["Full name"].value == "'" + FORMULA_NAME
    assert cells["Field of study"].value == "'" + FORMULA_FIELD
    assert all(cell.data_type != "f" for cell in cells.values())
    plain_cells = dict(zip(headings, by_reference[plain.reference], strict=True))
    assert plain_cells["Applicant"].value == "Lucía Pérez"
    # The answers are in words, as the admin shows them, not their stored codes.
    assert (plain_cells["Availability"].value, plain_cells["Level of study"].value) == (
        "Full time",
        "Graduate",
    )

    # Each exported application's history records who exported it, and how.
    entries = ReviewLogEntry.objects.filter(action="membership_forms.review.export")
    assert sorted(entry.label for entry in entries) == sorted(
        str(review) for review in Review.objects.filter(queue="internship")
    )
    assert {(entry.user.username, entry.data["format"]) for entry in entries} == {
        ("internships", "xlsx")
    }
    journey.done()

"""An NGO Supporter's contact, in Arabic, from the emailed code to the member-only toolkit
(docs/members.md).

The supporter applies in Arabic and the Secretariat approves it with the service its
review step calls; the worker screens it and sends the emails, read from the real SMTP
server. The contact signs in with the emailed code, invites a colleague (the invitation
arrives in Arabic), proposes a change to the listing (waiting for the Secretariat, seen in
the admin, absent from the public directory) and opens the member-only document, which a
visitor who is not signed in is sent to sign in for. Every page is checked by axe-core
and screenshotted at 390 and 1280 px in Arabic and English (test-artifacts/journeys/).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.utils import translation
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext
from playwright.sync_api import expect

from membership_forms.models import DirectoryPage, Organisation
from membership_forms.models.listings import ListingChange
from membership_forms.services import reviews as review_services
from tests.conftest import clear_run_cache, wait_for
from tests.membership_forms.conftest import load_form_pages
from tests.membership_forms.reviewing import reviewers_group
from tests.payloads import valid_payload
from tests.smtp import subject, text

from .conftest import ADMIN_OWN_CONTENT, blocking_violations
from .test_staff_roles import GROUPS, apply, in_queue, words

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ORGANISATION = "شبكة السلام للتنمية"
CONTACT = "layla@example.org"
COLLEAGUE = "omar@example.org"
NEW_MANDATE = "الإنذار المبكر بالجرائم الفظيعة ومنعها"
NEW_DESCRIPTION = "نعمل مع المجتمع المدني في الأردن على منع الجرائم الفظيعة."
CODE = re.compile(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", re.MULTILINE)
WIDTHS = (390, 1280)


def ar(message: str, **values) -> str:
    """`message` as the Arabic catalogue has it."""
    with translation.override("ar"):
        words_ = gettext(message)
    return words_ % values if values else words_


@pytest.fixture
def member_site(live_server, transactional_db, settings, smtp_server, tmp_path):
    """The demo's form pages, staff, directory and member-only page and document.

    The groups come from migrations, which a transactional test's flush empties: they are
    made again first as the migrations made them (0004, 0029 for the listing changes).
    """
    from cms.demo.directory import build_directory_page
    from cms.demo.forms import build_form_pages
    from cms.demo.members_only import build_members_only, ensure_private_document
    from cms.demo.pages import ensure_home
    from cms.demo.staff import ensure_staff

    clear_run_cache()
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    ensure_home()
    build_form_pages()
    for group in GROUPS:
        reviewers_group(group)
    Group.objects.get(name="Secretariat").permissions.add(
        *Permission.objects.filter(
            content_type__app_label="membership_forms",
            codename__in=["view_listingchange", "change_listingchange"],
        )
    )
    ensure_staff()
    build_directory_page()
    campaign = build_members_only()
    passwords = json.loads(Path(tmp_path / "demo-staff-passwords.json").read_text())
    return {
        "pages": load_form_pages(),
        "passwords": passwords,
        "campaign": campaign,
        "document": ensure_private_document(),
    }


def approved_supporter(member_site) -> Organisation:
    """An NGO Supporter application sent in Arabic, screened by the worker, approved by the
    Secretariat with the service its review step calls."""
    payload = valid_payload("supporter") | {
        "organisation_name": ORGANISATION,
        "headquarters_country": "JO",
        "contact_name": "ليلى حداد",
        "contact_email": CONTACT,
    }
    submission = apply(member_site["pages"]["supporter"]["ar"], payload)
    [review] = in_queue(submission)
    review_services.approve_review(review.pk, User.objects.get(username="secretariat"))
    return Organisation.objects.get(submission=submission)


def shoot(browser, journey, path: str, name: str) -> None:
    """The page at `path` (Arabic) and its English twin, each opened at 390 and 1280 px in
    a tab of the visitor's session (never resized after load); no sideways scroll."""
    state = journey.page.context.storage_state()
    for language in ("ar", "en"):
        address = path if language == "ar" else path.removeprefix("/ar")
        for width in WIDTHS:
            context = browser.new_context(
                viewport={"width": width, "height": 900}, storage_state=state, locale=language
            )
            page = context.new_page()
            response = page.goto(journey.server_url + address)
            assert response is not None and response.ok, (address, response and response.status)
            assert page.evaluate("document.documentElement.dir") == (
                "rtl" if language == "ar" else "ltr"
            )
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{address} at {width} px scrolls sideways by {overflow} px"
            page.screenshot(
                path=str(journey.folder / f"{name}-{language}-{width}.png"), full_page=True
            )
            context.close()


def arabic_page(journey, heading: str) -> None:
    page = journey.page
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == [
        "ar",
        "rtl",
    ]
    expect(page.locator("main h1")).to_have_text(heading)


def emails_to(smtp_server, address: str, subject_words: str):
    def arrived():
        """the email reached the SMTP server"""
        return [m for m in smtp_server.to(address) if subject(m) == subject_words]

    arrived.__doc__ = f"an email '{subject_words}' to {address} reached the SMTP server"
    return wait_for(arrived, timeout=30)


def test_a_supporters_contact_in_arabic_from_the_code_to_the_member_only_toolkit(
    member_site, browser, journey, smtp_server, celery_worker
):
    organisation = approved_supporter(member_site)
    page = journey.page
    main = page.locator("main")

    # The page the acknowledgement links to sends a visitor who is not signed in to sign in.
    journey.goto("/ar/my/")
    assert "/ar/account/sign-in/" in page.url
    arabic_page(journey, ar("Sign in"))
    journey.check("sign-in")
    shoot(browser, journey, "/ar/account/sign-in/", "sign-in")
    main.get_by_label(ar("Email address")).fill(CONTACT)
    with page.expect_navigation():
        main.get_by_role("button", name=ar("Email me a code")).click()
    assert page.url.startswith(journey.server_url + "/ar/account/sign-in/code/"), page.url
    arabic_page(journey, ar("Enter your code"))
    assert CONTACT in words(main)
    journey.check("code")
    shoot(browser, journey, "/ar/account/sign-in/code/", "code")

    # The code, from the email in Arabic on the real SMTP server.
    [message] = emails_to(smtp_server, CONTACT, ar("Your sign-in code"))
    code = CODE.search(text(message))[1]
    main.get_by_label(ar("Code")).fill(code)
    with page.expect_navigation():
        main.get_by_role("button", name=ar("Sign in")).click()
    assert page.url == journey.server_url + "/ar/my/", page.url
    arabic_page(journey, ar("My applications"))
    assert ar("Signed in as <bdi>%(email)s</bdi>.", email=CONTACT).replace("<bdi>", "").replace(
        "</bdi>", ""
    ) in words(main)
    assert organisation.submission.reference in words(main)
    # The header's signed-in menu leads to the organisation, as the page itself does.
    header = page.locator("header")
    expect(header.get_by_role("link", name=ar("My organisation"))).to_have_count(1)
    journey.check("my-applications")
    shoot(browser, journey, "/ar/my/", "my-applications")

    with page.expect_navigation():
        main.get_by_role("link", name=ar("My organisation")).click()
    assert page.url == journey.server_url + "/ar/members/organisation/"
    arabic_page(journey, ar("My organisation"))
    expect(main.locator("h2")).to_have_text(ORGANISATION)
    assert ar("Primary contact") in words(main)

    # The primary contact invites a colleague as an editor.
    invite = main.locator("form", has=page.get_by_role("button", name=ar("Send the invitation")))
    invite.get_by_label(ar("Email address")).fill(COLLEAGUE)
    invite.get_by_label(ar("Editor: may propose changes to the listing")).check()
    with page.expect_navigation():
        invite.get_by_role("button", name=ar("Send the invitation")).click()
    expect(main.get_by_role("status")).to_have_text(
        ar("We sent an invitation to %(email)s.", email=COLLEAGUE)
    )
    waiting = main.locator("h3", has_text=ar("Invitations waiting for an answer"))
    expect(waiting).to_have_count(1)
    assert COLLEAGUE in words(main.locator("ul.mf-invitations"))
    journey.check("organisation")
    shoot(browser, journey, "/ar/members/organisation/", "organisation")

    # The worker sends the invitation in Arabic, the language of the page it was sent from.
    invitation_subject = ar("An invitation to join {organisation}").format(
        organisation=ORGANISATION
    )
    [invitation] = emails_to(smtp_server, COLLEAGUE, invitation_subject)
    assert re.search(r"/ar/members/invitations/[^/\s]+/", text(invitation)), text(invitation)

    # The listing: a new mandate and an Arabic description, sent for review.
    with page.expect_navigation():
        main.get_by_role("link", name=ar("Edit your listing")).click()
    listing_path = f"/ar/members/organisation/{organisation.pk}/listing/"
    assert page.url == journey.server_url + listing_path
    arabic_page(journey, ar("Your listing"))
    main.get_by_label(ar("Mandate")).fill(NEW_MANDATE)
    main.locator("textarea[name=description_ar]").fill(NEW_DESCRIPTION)
    journey.check("listing")
    with page.expect_navigation():
        main.get_by_role("button", name=ar("Send for review")).click()
    expect(main.get_by_role("status")).to_have_text(
        ar(
            "Thank you: the Secretariat will review your changes before they appear in the "
            "directory."
        )
    )
    change = ListingChange.objects.get(organisation=organisation)
    assert change.status == "pending" and change.language == "ar"

    # The change waits: the listing page says so, the public directory does not show it.
    journey.goto(listing_path)
    with translation.override("ar"):
        proposed_on = date_format(localtime(change.proposed_at), "DATE_FORMAT")
    expect(main.get_by_role("status")).to_have_text(
        ar(
            "A change proposed on %(date)s is waiting for the Secretariat. Saving again "
            "replaces it.",
            date=proposed_on,
        )
    )
    assert main.get_by_label(ar("Mandate")).input_value() == NEW_MANDATE
    journey.check("listing-waiting")
    shoot(browser, journey, listing_path, "listing")

    visitor = browser.new_context(locale="ar")
    anonymous = visitor.new_page()
    directory = DirectoryPage.objects.get(locale__language_code="ar").url
    response = anonymous.goto(journey.server_url + directory)
    assert response is not None and response.ok
    public = words(anonymous.locator("main"))
    assert ORGANISATION in public  # the approved listing
    assert NEW_MANDATE not in public and NEW_DESCRIPTION not in public

    # The Secretariat sees it waiting, the proposed words beside the listing's.
    staff = browser.new_context(viewport={"width": 1280, "height": 900})
    staff_page = staff.new_page()
    staff_page.goto(journey.server_url + "/admin/login/")
    staff_page.fill("input[name=username]", "secretariat")
    staff_page.fill("input[name=password]", member_site["passwords"]["secretariat"])
    with staff_page.expect_navigation():
        staff_page.locator("form button[type=submit]").first.click()
    staff_page.goto(journey.server_url + "/admin/membership-forms/listing-changes/?status=pending")
    row = staff_page.locator("main table tbody tr", has_text=ORGANISATION)
    expect(row).to_have_count(1)
    with staff_page.expect_navigation():
        row.get_by_role("link").first.click()
    expect(staff_page.locator("main ins", has_text=NEW_MANDATE)).to_have_count(1)
    journey.problems += blocking_violations(staff_page, "staff-listing-change", ADMIN_OWN_CONTENT)
    staff.close()

    # The worker put the contact in the NGO Supporters group: the member-only page and its
    # document open for them.
    contact_user = organisation.contacts.get().user

    def admitted():
        """the worker put the contact in the NGO Supporters group"""
        return contact_user.groups.filter(name="NGO Supporters").exists()

    wait_for(admitted, timeout=30)
    campaign_ar = member_site["campaign"].get_translation(
        member_site["campaign"].locale.__class__.objects.get(language_code="ar")
    )
    journey.goto(campaign_ar.url)
    arabic_page(journey, campaign_ar.title)
    document = member_site["document"]
    link = main.locator(f'a[href="{document.url}"]')
    expect(link).to_have_count(1)
    served = page.context.request.get(journey.server_url + document.url)
    assert served.status == 200 and served.body().startswith(b"%PDF")

    # A visitor who is not signed in is sent to the sign-in page, in Arabic, for both.
    for address in (campaign_ar.url, document.url):
        response = anonymous.goto(journey.server_url + address)
        assert response is not None and response.ok
        assert "/ar/account/sign-in/" in anonymous.url, anonymous.url
        assert anonymous.evaluate("document.documentElement.dir") == "rtl"
        expect(anonymous.locator("main h1")).to_have_text(ar("Sign in"))
        assert campaign_ar.title not in words(anonymous.locator("main"))
    visitor.close()
    journey.done()

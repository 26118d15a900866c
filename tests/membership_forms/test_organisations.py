"""Organisations with several people: made on approval, colleagues invited by email
(sent by the worker, in the invitee's language), accepted once by the right address,
removed by the primary contact; staff see and change them in the admin."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth.models import Permission, User
from django.shortcuts import resolve_url
from django.test import Client
from django.utils import translation

from membership_forms.models import (
    Invitation,
    Organisation,
    OrganisationContact,
    OrganisationStatus,
    Submission,
)
from membership_forms.services import reviews as services
from tests.conftest import wait_for
from tests.smtp import subject, text

from .conftest import submit_url, valid_payload
from .reviewing import member_of, screen

ORGANISATION = "/members/organisation/"


def organisations_secretariat(*extra: str) -> User:
    """A Secretariat member whose group may also see and change organisations (and the
    `extra` permissions of the plugin's models)."""
    secretariat = member_of("Secretariat", "secretariat")
    secretariat.groups.get().permissions.add(
        *Permission.objects.filter(
            content_type__app_label="membership_forms",
            codename__in=["view_organisation", "change_organisation", *extra],
        )
    )
    return secretariat


def approved_supporter(pages, api, secretariat, language="fr", **changes) -> Organisation:
    """A supporter application sent (from the form's page in `language`), screened,
    approved by the Secretariat."""
    payload = valid_payload("supporter") | changes
    response = api.post(
        submit_url(pages["supporter"][language]),
        json.dumps(payload),
        content_type="application/json",
    )
    assert response.status_code == 202, response.content
    submission = Submission.objects.get(reference=response.json()["reference"])
    if not hasattr(submission, "review"):
        screen(submission)
    submission.refresh_from_db()
    services.approve_review(submission.review.pk, secretariat)
    return Organisation.objects.get(submission=submission)


def test_approval_creates_the_organisation_and_its_primary_contact(form_pages, api, client):
    secretariat = member_of("Secretariat", "secretariat")
    organisation = approved_supporter(form_pages, api, secretariat)
    assert organisation.name == "Peace Works <b>Network</b>"
    assert organisation.status == OrganisationStatus.ACTIVE
    assert organisation.entry.category == "supporter"
    (primary,) = organisation.contacts.all()
    assert (primary.role, primary.user.email, primary.language) == (
        "primary",
        "amina@example.org",
        "fr",
    )
    assert not primary.user.has_usable_password()

    # Signed in (however the site signs people in), the contact sees the organisation.
    client.force_login(primary.user)
    page = client.get("/fr" + ORGANISATION)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Mon organisation" in html and "Peace Works &lt;b&gt;Network&lt;/b&gt;" in html
    assert "Inviter un collègue" in html
    arabic = client.get("/ar" + ORGANISATION).content.decode()
    assert 'dir="rtl"' in arabic and "منظمتي" in arabic


MY_ORGANISATION = {
    "": "My organisation",
    "/fr": "Mon organisation",
    "/es": "Mi organización",
    "/ar": "منظمتي",
}


def test_my_organisation_is_linked_from_the_header_and_my_applications(form_pages, api):
    """A contact reaches the organisation from every page's header and from /my/, in each
    language; someone signed in who belongs to no organisation sees no such link."""
    secretariat = member_of("Secretariat", "secretariat")
    organisation = approved_supporter(form_pages, api, secretariat)
    contact = Client()
    contact.force_login(organisation.contacts.get().user)
    for prefix, words in MY_ORGANISATION.items():
        html = contact.get(f"{prefix}/my/").content.decode()
        link = f'href="{prefix}{ORGANISATION}"'
        assert html.count(link) == 2, (prefix, html.count(link))  # the header and the page
        assert f">{words}</a>" in html, prefix
    applicant = User.objects.create_user("applicant", "someone@example.org")
    applicant.set_unusable_password()
    applicant.save()
    other = Client()
    other.force_login(applicant)
    html = other.get("/fr/my/").content.decode()
    assert "Mon organisation" not in html and ORGANISATION not in html
    assert "Mes demandes" in html


def test_an_existing_account_with_that_address_becomes_the_primary_contact(form_pages, api):
    secretariat = member_of("Secretariat", "secretariat")
    existing = User.objects.create_user("amina", "Amina@Example.org", "x" * 12)
    organisation = approved_supporter(form_pages, api, secretariat)
    assert organisation.contacts.get().user == existing
    assert existing.has_usable_password()  # untouched


def test_visitors_not_signed_in_go_to_the_sign_in_page(client, settings):
    with translation.override("es"):
        sign_in = resolve_url(settings.LOGIN_URL)  # in the language of the page asked for
    assert sign_in.startswith("/es/")
    for path in (ORGANISATION, "/members/invitations/abc/"):
        response = client.get("/es" + path)
        assert response.status_code == 302
        assert response["Location"].startswith(sign_in + "?")
        assert f"next=/es{path}" in response["Location"].replace("%2F", "/")


@pytest.mark.django_db(transaction=True)
def test_the_primary_invites_a_colleague_who_accepts_once_then_is_removed(
    live_form_pages, celery_worker, smtp_server, api
):
    secretariat = member_of("Secretariat", "secretariat")
    organisation = approved_supporter(live_form_pages, api, secretariat)
    primary = organisation.contacts.get()
    browser = Client()
    browser.force_login(primary.user)
    browser.get("/es" + ORGANISATION)  # the invitee reads Spanish: the primary's page language
    sent = browser.post(
        f"/es/members/organisation/{organisation.pk}/invite/",
        {f"org{organisation.pk}-email": "Luis@Example.org", f"org{organisation.pk}-role": "editor"},
        follow=True,
    )
    assert "Enviamos una invitación a Luis@Example.org." in sent.content.decode()

    def mailed():
        """the invitation email arrived"""
        return smtp_server.to("Luis@example.org")

    message = wait_for(mailed, timeout=30)[0]
    assert subject(message) == "Una invitación para unirse a Peace Works <b>Network</b>"
    link = re.search(r"https?://\S+/es/members/invitations/\S+/", text(message))[0]
    path = "/" + link.split("/", 3)[3]

    # Someone else, signed in with another address, cannot use it.
    stranger = User.objects.create_user("other", "other@example.org", "x" * 12)
    other = Client()
    other.force_login(stranger)
    refused = other.post(path)
    assert refused.status_code == 403
    assert "luis@example.org" in refused.content.decode().lower()
    assert not organisation.contacts.filter(user=stranger).exists()

    luis = User.objects.create_user("luis", "luis@example.org", "x" * 12)
    colleague = Client()
    colleague.force_login(luis)
    shown = colleague.get(path)
    assert shown.status_code == 200 and "Aceptar la invitación" in shown.content.decode()
    assert not organisation.contacts.filter(user=luis).exists()  # a GET accepts nothing
    accepted = colleague.post(path, follow=True)
    assert "Peace Works" in accepted.content.decode()
    contact = organisation.contacts.get(user=luis)
    assert contact.role == "editor"
    assert colleague.post(path).status_code == 404  # single use
    assert Invitation.objects.get().accepted_at is not None

    # An editor sees the organisation, not the primary's tools.
    page = colleague.get(ORGANISATION).content.decode()
    assert "amina@example.org" in page and "Invite a colleague" not in page
    assert (
        colleague.post(f"/members/organisation/{organisation.pk}/contacts/{primary.pk}/remove/")
    ).status_code == 403
    assert organisation.contacts.count() == 2

    browser.post(f"/members/organisation/{organisation.pk}/contacts/{contact.pk}/remove/")
    assert not OrganisationContact.objects.filter(user=luis).exists()
    assert "Peace Works" not in colleague.get(ORGANISATION).content.decode()


def test_the_secretariat_sees_and_changes_organisations_in_the_admin(form_pages, api, client):
    secretariat = organisations_secretariat("view_organisationcontact")
    organisation = approved_supporter(form_pages, api, secretariat)
    approved_supporter(
        form_pages, api, secretariat, organisation_name="Other Org", contact_email="b@example.org"
    )
    Organisation.objects.exclude(pk=organisation.pk).update(status=OrganisationStatus.SUSPENDED)
    client.force_login(secretariat)
    listing = client.get("/admin/membership-forms/organisations/?status=active").content.decode()
    assert "Peace Works" in listing and "Other Org" not in listing
    contacts = client.get("/admin/membership-forms/organisation-contacts/?role=primary")
    assert "amina@example.org" in contacts.content.decode()
    edit = f"/admin/membership-forms/organisations/edit/{organisation.pk}/"
    response = client.post(edit, {"status": "suspended", "anniversary": "2027-01-31"})
    assert response.status_code == 302, response.content.decode()[:2000]
    organisation.refresh_from_db()
    assert organisation.status == "suspended"
    assert str(organisation.anniversary) == "2027-01-31"

    reader = User.objects.create_user("nobody", "nobody@example.org", "x" * 12, is_staff=True)
    client.force_login(reader)
    assert client.get("/admin/membership-forms/organisations/").status_code == 302


# Listings ------------------------------------------------------------------------------


def png() -> bytes:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (40, 20), "navy").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_listing_change_waits_for_the_secretariat_then_appears_or_is_rejected(
    live_form_pages, celery_worker, smtp_server, api
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cms.demo.directory import build_directory_page
    from membership_forms.models import DirectoryPage, ListingChange

    build_directory_page()
    directory = DirectoryPage.objects.get(locale__language_code="fr").url
    secretariat = member_of("Secretariat", "secretariat")
    secretariat.groups.get().permissions.add(
        *Permission.objects.filter(
            content_type__app_label="membership_forms",
            codename__in=["view_listingchange", "change_listingchange"],
        )
    )
    organisation = approved_supporter(live_form_pages, api, secretariat)
    member = Client()
    member.force_login(organisation.contacts.get().user)
    edit = f"/fr/members/organisation/{organisation.pk}/listing/"
    form = member.get(edit).content.decode()
    assert "Description en العربية" in form or "Description en" in form
    sent = member.post(
        edit,
        {
            "regions": ["africa", "europe"],
            "mandate": "Alerte précoce",
            "website": "https://paix.example.org",
            "description_fr": "Nous prévenons les atrocités criminelles.",
            "description_ar": "نعمل على منع الجرائم الفظيعة.",
            "logo": SimpleUploadedFile("logo.png", png(), "image/png"),
        },
        follow=True,
    )
    assert "le Secrétariat examinera vos modifications" in sent.content.decode()
    change = ListingChange.objects.get()
    # Nothing public changed yet.
    public = Client().get(directory).content.decode()
    assert "Nous prévenons" not in public and "Alerte précoce" not in public

    staff = Client()
    staff.force_login(secretariat)
    listing = staff.get("/admin/membership-forms/listing-changes/?status=pending")
    assert "Peace Works" in listing.content.decode()
    review = staff.get(
        f"/admin/membership-forms/listing-changes/edit/{change.pk}/"
    ).content.decode()
    assert "<ins>Alerte précoce</ins>" in review and "<del></del>" in review  # new, old
    assert "https://peace.example.org" in review and "https://paix.example.org" in review
    # A reader of the site cannot moderate.
    reader = Client()
    reader.force_login(User.objects.create_user("r", "r@example.org", "x" * 12, is_staff=True))
    assert (
        reader.get(f"/admin/membership-forms/listing-changes/edit/{change.pk}/").status_code == 302
    )

    decided = staff.post(
        f"/admin/membership-forms/listing-changes/edit/{change.pk}/",
        {"decision": "approve", "rejection_reason": ""},
    )
    assert decided.status_code == 302, decided.content.decode()[:3000]
    public = Client().get(directory).content.decode()
    assert "Nous prévenons les atrocités criminelles." in public and "Alerte précoce" in public
    assert "<img" in public and "Afrique" in public
    arabic = Client().get(DirectoryPage.objects.get(locale__language_code="ar").url)
    assert "نعمل على منع الجرائم الفظيعة." in arabic.content.decode()

    # A second change, rejected: the reason reaches the proposer, the directory stays.
    member.post(edit, {"regions": ["africa"], "mandate": "Autre chose", "website": ""})
    second = ListingChange.objects.get(status="pending")
    missing = staff.post(
        f"/admin/membership-forms/listing-changes/edit/{second.pk}/", {"decision": "reject"}
    )
    assert missing.status_code == 200  # a rejection needs its reason
    staff.post(
        f"/admin/membership-forms/listing-changes/edit/{second.pk}/",
        {"decision": "reject", "rejection_reason": "Le site web doit rester indiqué."},
    )

    def mailed():
        """the rejection email arrived"""
        return smtp_server.to("amina@example.org") and [
            m for m in smtp_server.to("amina@example.org") if "fiche" in subject(m)
        ]

    message = wait_for(mailed, timeout=30)[0]
    assert "Le site web doit rester indiqué." in text(message)
    assert "Autre chose" not in Client().get(directory).content.decode()


# Member-only pages and documents -------------------------------------------------------


def in_group(user, name: str) -> bool:
    return user.groups.filter(name=name).exists()


@pytest.mark.django_db(transaction=True)
def test_member_only_page_and_document_follow_the_organisation_status_through_the_worker(
    live_form_pages, celery_worker, api
):
    from cms.demo.members_only import build_members_only, ensure_private_document
    from membership_forms.tasks import sync_member_groups

    page = build_members_only()
    build_members_only()  # idempotent
    document = ensure_private_document()
    arabic = page.get_translation(page.locale.__class__.objects.get(language_code="ar"))
    secretariat = organisations_secretariat()
    organisation = approved_supporter(live_form_pages, api, secretariat)
    user = organisation.contacts.get().user

    def admitted():
        """the worker put the contact in the NGO Supporters group"""
        return in_group(user, "NGO Supporters") and not in_group(user, "Members")

    wait_for(admitted, timeout=30)
    member = Client()
    member.force_login(user)
    shown = member.get(arabic.url)
    assert shown.status_code == 200 and "حملة الأعضاء" in shown.content.decode()
    assert member.get(document.url).status_code == 200
    assert member.get(document.url).getvalue().startswith(b"%PDF")

    # Anyone not signed in is sent to sign in, for the page and the document alike.
    for url in (page.url, arabic.url, document.url):
        response = Client().get(url, follow=True)
        (location, status), *_ = response.redirect_chain
        assert status == 302 and f"next={url}" in location.replace("%2F", "/"), url
        html = response.content.decode()
        assert response.status_code == 200 and "<form" in html
        assert 'type="password"' in html or 'type="email"' in html
        assert "حملة الأعضاء" not in html and "%PDF" not in html

    # The Secretariat marks the organisation lapsed: the worker takes its people out.
    staff = Client()
    staff.force_login(secretariat)
    staff.post(
        f"/admin/membership-forms/organisations/edit/{organisation.pk}/",
        {"status": "lapsed", "anniversary": str(organisation.anniversary)},
    )

    def left():
        """the worker took the contact out of the group"""
        return not in_group(user, "NGO Supporters")

    wait_for(left, timeout=30)
    assert member.get(arabic.url).status_code == 302
    assert member.get(document.url).status_code == 302

    # Whatever changed the status (here the database itself), the hourly task catches up.
    Organisation.objects.filter(pk=organisation.pk).update(status=OrganisationStatus.ACTIVE)
    assert not in_group(user, "NGO Supporters")
    for _ in range(2):  # a second run changes nothing
        sync_member_groups.delay()

    def back():
        """the hourly task put the contact back in the group"""
        return in_group(user, "NGO Supporters")

    wait_for(back, timeout=30)
    assert member.get(arabic.url).status_code == 200


def test_a_private_document_sends_visitors_to_sign_in_in_their_language(db):
    """A document's address has no language prefix: a visitor whose browser asks for Arabic
    is sent to the Arabic sign-in page, and comes back to the document once signed in."""
    from cms.demo.members_only import ensure_private_document

    document = ensure_private_document()
    for language, prefix in (("ar", "/ar"), ("es", "/es"), ("en", "")):
        response = Client(HTTP_ACCEPT_LANGUAGE=language).get(document.url)
        assert response.status_code == 302
        location = response["Location"].replace("%2F", "/")
        assert location.startswith(f"{prefix}/account/sign-in/?next={document.url}"), location


# Staying a member ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_yearly_confirmation_reminders_and_lapse_through_the_worker(
    live_form_pages, celery_worker, smtp_server, api
):
    """The worker runs the renewal task on the days given to it (the clock moved by
    passing the day, not by mocking): 30 and 14 days before, the anniversary, and a
    confirmation by the link."""
    from datetime import timedelta

    from membership_forms.tasks import run_renewals

    secretariat = organisations_secretariat()
    lapsing = approved_supporter(live_form_pages, api, secretariat)
    renewing = approved_supporter(
        live_form_pages,
        api,
        secretariat,
        organisation_name="Renew Org",
        contact_email="r@example.org",
    )
    anniversary = lapsing.anniversary
    assert renewing.anniversary == anniversary  # a year after approval

    def day(offset: int) -> str:
        return (anniversary + timedelta(days=offset)).isoformat()

    def renewal_emails(address: str):
        return [m for m in smtp_server.to(address) if "Confirm" in subject(m) or "?" in subject(m)]

    for _ in range(2):  # run twice on the day: one email
        run_renewals.delay(day(-30))
    wait_for(lambda: len(renewal_emails("r@example.org")) == 1, timeout=30)
    wait_for(lambda: len(renewal_emails("amina@example.org")) == 1, timeout=30)
    message = renewal_emails("amina@example.org")[0]
    assert subject(message).startswith("Peace Works <b>Network</b> remplit-elle toujours")
    run_renewals.delay(day(-14))
    wait_for(lambda: len(renewal_emails("amina@example.org")) == 2, timeout=30)
    assert len(smtp_server.settle()) and len(renewal_emails("amina@example.org")) == 2

    # The other organisation confirms with one click from its email (GET shows the button).
    link = re.search(
        r"https?://\S+/members/renewal/\S+/", text(renewal_emails("r@example.org")[0])
    )[0]
    path = "/" + link.split("/", 3)[3]
    browser = Client()
    assert "Confirmer" in browser.get(path).content.decode()
    renewing.refresh_from_db()
    assert renewing.renewed_at is None  # a GET confirms nothing
    assert "confirmée" in browser.post(path).content.decode()
    renewing.refresh_from_db()
    assert renewing.anniversary.year == anniversary.year + 1 and renewing.renewed_at
    assert browser.post(path).status_code == 404  # the link works once

    # The anniversary passes without confirmation: lapse pending, for the Secretariat.
    run_renewals.delay(day(0))
    wait_for(lambda: Organisation.objects.get(pk=lapsing.pk).status == "lapse_pending", timeout=30)
    assert Organisation.objects.get(pk=renewing.pk).status == "active"
    staff = Client()
    staff.force_login(secretariat)
    waiting = staff.get("/admin/membership-forms/organisations/?status=lapse_pending")
    assert "Peace Works" in waiting.content.decode() and "Renew Org" not in waiting.content.decode()
    staff.post(
        f"/admin/membership-forms/organisations/edit/{lapsing.pk}/",
        {"status": "lapsed", "anniversary": str(anniversary)},
    )
    items = Client().get("/api/v3/forms/directory/").json()["items"]
    assert [item["organisation_name"] for item in items] == ["Renew Org"]
    assert items[0]["status"] == "active"
    assert items[0]["renewed_at"] == renewing.renewed_at.date().isoformat()

"""The applicant's page, /my/: every submission of the signed-in address, where each
stands, its answers and files, gifts and receipts, the newsletter; nothing of anyone else's."""

import uuid
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from membership_forms.models import Donation, Receipt, Review, Submission, SubmissionFile
from membership_forms.models.audit import SubmissionLogEntry
from membership_forms.models.submissions import SubmissionStatus
from membership_forms.services.submissions import private_storage

pytestmark = pytest.mark.django_db

MINE = "amina@example.org"
THEIRS = "lucia@example.org"
EMAIL_FIELD = {
    "membership": "contact_email",
    "supporter": "contact_email",
    "internship": "email",
    "donation": "donor_email",
    "newsletter": "email",
}


def submission(kind: str, email: str, status: str = "in_review", page=None, **answers):
    return Submission.objects.create(
        reference=f"{kind[:3].upper()}-2026-{uuid.uuid4().int % 100000:05d}",
        kind=kind,
        form_key=page.translation_key if page else uuid.uuid4(),
        page=page,
        locale="en",
        status=status,
        payload={EMAIL_FIELD[kind]: email, **answers},
    )


def review(of: Submission, queue: str, status: str) -> Review:
    now = timezone.now()
    return Review.objects.create(
        submission=of, queue=queue, status=status, status_changed_at=now, submitted_at=now
    )


def stored_file(of: Submission, name: str, content: bytes) -> SubmissionFile:
    stored_name = private_storage().save(f"test/{uuid.uuid4().hex}", ContentFile(content))
    return SubmissionFile.objects.create(
        submission=of,
        field_key="cover_letter",
        original_name=name,
        stored_name=stored_name,
        content_type="application/pdf",
        size=len(content),
        sha256="0" * 64,
    )


@pytest.fixture
def me(django_user_model):
    user = django_user_model.objects.create_user("visitor-amina", MINE)
    user.set_unusable_password()
    user.save()
    browser = Client()
    browser.force_login(user)
    return browser


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client):
    response = client.get("/my/")
    assert response.status_code == 302
    assert response["Location"] == "/account/sign-in/?next=/my/"
    arabic = client.get("/ar/my/")
    assert arabic["Location"] == "/ar/account/sign-in/?next=/ar/my/"


def test_my_page_shows_only_my_applications_with_where_they_stand(me, form_pages):
    membership = submission(
        "membership", MINE.upper(), page=form_pages["membership"]["en"], organisation_name="Peace"
    )
    review(membership, "membership", "committee_vote")
    internship = submission("internship", MINE, status=SubmissionStatus.DECLINED)
    review(internship, "internship", "declined")
    newcomer = submission("supporter", MINE, status=SubmissionStatus.RECEIVED)
    others = submission("membership", THEIRS, organisation_name="Someone else's")

    page = me.get("/my/").content.decode()
    for mine in (membership, internship, newcomer):
        assert mine.reference in page
    assert others.reference not in page
    assert "Someone else" not in page
    # Where each stands: the membership application is with the Steering Committee, the
    # internship (no committee vote on internships) decided, the supporter just received.
    assert page.count('aria-current="step">With the Steering Committee<') == 1
    assert page.count('aria-current="step">Decided<') == 1
    assert page.count('aria-current="step">Received<') == 1
    assert "Declined" in page
    # Only kinds the committee votes on have that step.
    assert page.count(">With the Steering Committee<") == 1
    # The answers, labelled as the form asked them.
    assert "Peace" in page


def test_my_page_in_arabic_is_right_to_left(me):
    submission("membership", MINE)
    page = me.get("/ar/my/").content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert "طلباتي" in page
    assert "تم الاستلام" in page


def test_i_download_my_files_and_only_mine(me, django_user_model):
    mine = submission("internship", MINE)
    theirs = submission("internship", THEIRS)
    my_file = stored_file(mine, "cover-letter.pdf", b"%PDF-1.4 mine")
    their_file = stored_file(theirs, "their-letter.pdf", b"%PDF-1.4 theirs")

    page = me.get("/my/").content.decode()
    assert f"/my/files/{my_file.pk}/" in page
    assert f"/my/files/{their_file.pk}/" not in page
    response = me.get(f"/my/files/{my_file.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 mine"
    assert "cover-letter.pdf" in response["Content-Disposition"]
    assert me.get(f"/my/files/{their_file.pk}/").status_code == 404
    # The download is on the submission's record, for staff to see.
    entry = SubmissionLogEntry.objects.get(action="membership_forms.submission.applicant_download")
    assert entry.object_id == str(mine.pk)
    assert entry.user.email == MINE


def test_my_gifts_with_their_receipts(me):
    gift = submission("donation", MINE, status=SubmissionStatus.PROCESSED)
    paid = Donation.objects.create(
        submission=gift,
        method="stripe",
        frequency="one_time",
        amount=Decimal("50.00"),
        currency="USD",
        donor_name="Amina",
        donor_email=MINE,
        locale="en",
        status="paid",
    )
    Receipt.objects.create(donation=paid, number="R-2026-00007", year=2026, sequence=7)
    page = me.get("/my/").content.decode()
    assert "50.00 USD" in page
    assert "R-2026-00007" in page


def test_i_unsubscribe_from_the_newsletter_in_one_click(me):
    signup = submission("newsletter", MINE, status=SubmissionStatus.CONFIRMED)
    theirs = submission("newsletter", THEIRS, status=SubmissionStatus.CONFIRMED)
    page = me.get("/my/").content.decode()
    assert f"/my/newsletter/{signup.pk}/unsubscribe/" in page
    response = me.post(f"/my/newsletter/{signup.pk}/unsubscribe/", follow=True)
    assert "You are unsubscribed" in response.content.decode()
    signup.refresh_from_db()
    assert signup.status == SubmissionStatus.UNSUBSCRIBED
    # Nobody else's.
    assert me.post(f"/my/newsletter/{theirs.pk}/unsubscribe/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == SubmissionStatus.CONFIRMED


def test_the_api_lists_my_applications_for_my_session_only(me, client):
    mine = submission("membership", MINE)
    review(mine, "membership", "screening")
    submission("membership", THEIRS)
    assert client.get("/api/v3/forms/my/applications/").status_code == 401
    response = me.get("/api/v3/forms/my/applications/?locale=fr")
    assert response.status_code == 200
    [item] = response.json()["items"]
    assert item["reference"] == mine.reference
    assert item["status"] == "in_review"
    current = [step for step in item["progress"] if step["current"]]
    assert current == [
        {"key": "secretariat", "name": "Au Secrétariat", "done": True, "current": True}
    ]
    assert [step["key"] for step in item["progress"]] == [
        "received",
        "screened",
        "secretariat",
        "committee",
        "decided",
    ]

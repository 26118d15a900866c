"""Each group sees its own queues only: menus, listings, details and files."""

import pytest
from django.contrib.auth.models import Group

from membership_forms.models import Review, ReviewLogEntry, Submission, SubmissionFile
from tests.conftest import assert_permission_denied
from tests.documents import good_internship_files

from .conftest import multipart, submit_url, valid_payload
from .reviewing import member_of, screen


@pytest.fixture
def internship_review(form_pages, api):
    page = form_pages["internship"]["en"]
    response = api.post(
        submit_url(page), multipart(valid_payload("internship"), good_internship_files())
    )
    assert response.status_code == 202
    submission = Submission.objects.get(reference=response.json()["reference"])
    screen(submission, "eligible")
    return Review.objects.get(submission=submission)


@pytest.fixture
def membership_review(form_pages, api):
    page = form_pages["membership"]["en"]
    response = api.post(
        submit_url(page), valid_payload("membership"), content_type="application/json"
    )
    submission = Submission.objects.get(reference=response.json()["reference"])
    screen(submission, "eligible")
    return Review.objects.get(submission=submission)


def test_groups_exist_with_their_permissions(db):
    perms = {
        group.name: set(group.permissions.values_list("codename", flat=True))
        for group in Group.objects.filter(
            name__in=["Secretariat", "Steering Committee", "Internship coordinator"]
        )
    }
    assert {"review_membership", "review_supporter", "review_donation", "access_admin"} <= perms[
        "Secretariat"
    ]
    assert {"vote_membership", "access_admin"} <= perms["Steering Committee"]
    assert "review_internship" not in perms["Steering Committee"]
    assert {"review_internship", "access_admin"} <= perms["Internship coordinator"]
    assert "review_membership" not in perms["Internship coordinator"]


def test_committee_member_cannot_see_internship_applicants(internship_review, client):
    client.force_login(member_of("Steering Committee", "member"))
    home = client.get("/admin/").content.decode()
    assert "/admin/membership-forms/reviews/membership/" in home
    assert "/admin/membership-forms/reviews/internship/" not in home
    assert_permission_denied(client.get("/admin/membership-forms/reviews/internship/"))
    assert_permission_denied(client.get(f"/admin/membership-forms/review/{internship_review.pk}/"))
    assert client.get("/admin/membership-forms/review/999999/").status_code == 404
    stored = SubmissionFile.objects.filter(submission=internship_review.submission).first()
    assert_permission_denied(client.get(f"/admin/membership-forms/files/{stored.pk}/"))
    assert not ReviewLogEntry.objects.filter(action="membership_forms.review.download").exists()


def test_coordinator_sees_internships_and_not_membership(
    internship_review, membership_review, client
):
    client.force_login(member_of("Internship coordinator", "coord"))
    home = client.get("/admin/").content.decode()
    assert "/admin/membership-forms/reviews/internship/" in home
    assert "/admin/membership-forms/reviews/membership/" not in home
    listing = client.get("/admin/membership-forms/reviews/internship/")
    assert internship_review.submission.reference in listing.content.decode()
    assert_permission_denied(client.get("/admin/membership-forms/reviews/membership/"))
    assert_permission_denied(client.get(f"/admin/membership-forms/review/{membership_review.pk}/"))
    ok = client.get(f"/admin/membership-forms/review/{internship_review.pk}/")
    assert ok.status_code == 200 and "Lucía Pérez" in ok.content.decode()
    stored = SubmissionFile.objects.filter(submission=internship_review.submission).first()
    response = client.get(f"/admin/membership-forms/files/{stored.pk}/")
    assert response.status_code == 200
    b"".join(response.streaming_content)
    logged = set(
        ReviewLogEntry.objects.filter(object_id=str(internship_review.pk)).values_list(
            "action", flat=True
        )
    )
    assert {"membership_forms.review.view", "membership_forms.review.download"} <= logged


def test_coordinator_cannot_download_membership_files(form_pages, api, client):
    """Membership forms carry no files by default: give one to check the queue is enforced."""
    page = form_pages["membership"]["en"]
    response = api.post(
        submit_url(page), valid_payload("membership"), content_type="application/json"
    )
    submission = Submission.objects.get(reference=response.json()["reference"])
    stored = SubmissionFile.objects.create(
        submission=submission,
        field_key="statutes",
        original_name="statutes.pdf",
        stored_name="test-statutes.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
    )
    client.force_login(member_of("Internship coordinator", "coord"))
    assert_permission_denied(client.get(f"/admin/membership-forms/files/{stored.pk}/"))


def test_committee_member_cannot_take_secretariat_actions(membership_review, client):
    client.force_login(member_of("Steering Committee", "member"))
    detail = client.get(f"/admin/membership-forms/review/{membership_review.pk}/")
    assert detail.status_code == 200
    assert_permission_denied(
        client.post(f"/admin/membership-forms/review/{membership_review.pk}/approve/")
    )
    membership_review.refresh_from_db()
    assert membership_review.status == "screening"


def test_queue_country_filter_uses_the_shared_country_definition(membership_review, client):
    """Lower case finds the organisation; a NUL byte or a non-country is ignored, never a 500."""
    client.force_login(member_of("Secretariat", "sec"))
    url = "/admin/membership-forms/reviews/membership/"
    reference = membership_review.submission.reference
    assert reference in client.get(url, {"country": "ke"}).content.decode()
    assert reference not in client.get(url, {"country": "FR"}).content.decode()
    for bad in ("\x00", "K\x00", "ZZ"):
        response = client.get(url, {"country": bad})
        assert response.status_code == 200 and reference in response.content.decode()

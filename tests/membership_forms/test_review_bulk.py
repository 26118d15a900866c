"""Bulk actions on a review queue's listing (Wagtail's bulk-action footer) and a reviewer
taking back their own comment within ten minutes."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Locale

from membership_forms.models import (
    DeclineReason,
    Notification,
    Review,
    ReviewComment,
    ReviewLogEntry,
    ReviewQueue,
    ReviewStatus,
)
from membership_forms.services import reviews as services
from membership_forms.services.notifications import deliver_notifications
from tests.conftest import assert_permission_denied
from tests.smtp import subject

from .conftest import submit_url, valid_payload
from .reviewing import member_of, screen
from .test_queue_listing import fill_queue

LISTING = "/admin/membership-forms/reviews/membership/"


def bulk_url(action: str, reviews, next_url: str = LISTING) -> str:
    query = urlencode([*(("id", review.pk) for review in reviews), ("next", next_url)])
    return f"{reverse('wagtail_bulk_action', args=['membership_forms', 'review', action])}?{query}"


def said(response) -> list[str]:
    return [str(message).strip() for message in get_messages(response.wsgi_request)]


@pytest.fixture
def secretariat(db):
    return member_of("Secretariat", "sec", first_name="Amina", last_name="Diallo")


def test_listing_offers_the_footer_and_a_checkbox_per_row_to_reviewers(secretariat, client):
    fill_queue("membership", 4)
    client.force_login(secretariat)
    html = client.get(LISTING, {"status": "screening"}).content.decode()
    assert "data-bulk-action-footer" in html and "Decline with a reason" in html
    screening = Review.objects.get(status="screening")
    assert f'data-object-id="{screening.pk}"' in html


def test_bulk_assign_to_me_and_unassign_skip_what_does_not_apply(secretariat, client):
    reviews = fill_queue("membership", 12, reviewer=secretariat)
    client.force_login(secretariat)
    open_ = [review for review in reviews if review.status in ("screening", "affiliation")]
    closed = [review for review in reviews if review.status in ("declined", "approved")]
    mine = [review for review in open_ if review.assigned_to_id == secretariat.pk]
    chosen = [*open_, *closed]
    response = client.post(bulk_url("assign_to_me", chosen))
    assert response.status_code == 302 and response["Location"] == LISTING
    assigned = len(open_) - len(mine)
    [message] = said(response)
    assert message.startswith(
        f"{assigned} application{'s' if assigned != 1 else ''} assigned to you."
    ), message
    assert f"{len(mine)} skipped: already assigned to you" in message
    assert "skipped: its status, Declined, does not allow this step" in message
    assert "skipped: its status, Approved, does not allow this step" in message
    for review in open_:
        review.refresh_from_db()
        assert review.assigned_to == secretariat
    logged = ReviewLogEntry.objects.filter(action="membership_forms.review.assign")
    assert logged.count() == assigned

    response = client.post(bulk_url("unassign", open_))
    assert said(response)[-1] == f"{len(open_)} applications unassigned."
    assert not Review.objects.filter(pk__in=[r.pk for r in open_], assigned_to__isnull=False)


def test_bulk_decline_asks_a_reason_confirms_and_emails_each_applicant_in_their_language(
    form_pages, api, secretariat, client, smtp_server
):
    reason = DeclineReason.objects.create(
        queue=ReviewQueue.SUPPORTER,
        code="scope",
        title="Out of scope",
        text="Your work is outside our scope.",
        locale=Locale.get_default(),
    )
    submissions = []
    for language in ("en", "fr", "en"):
        page = form_pages["supporter"][language]
        payload = valid_payload("supporter") | {"legally_registered": False}
        answer = api.post(submit_url(page), payload, content_type="application/json")
        assert answer.status_code == 202, answer.content
        submission = Review.submission.field.related_model.objects.get(
            reference=answer.json()["reference"]
        )
        screen(submission, "needs_review")
        submissions.append(submission)
    services.withdraw_review(submissions[2].review.pk, secretariat)  # closed: skipped
    reviews = [submission.review for submission in submissions]
    listing = "/admin/membership-forms/reviews/supporter/"
    url = bulk_url("decline", reviews, listing)
    client.force_login(secretariat)

    form = client.get(url)
    assert form.status_code == 200
    html = form.content.decode()
    assert "Decline reason" in html and "Out of scope" in html
    assert all(s.reference in html for s in submissions)

    missing = client.post(url, {"reason": ""})
    assert missing.status_code == 200 and "This field is required." in missing.content.decode()
    assert not Notification.objects.filter(kind="decision").exists()

    confirm = client.post(url, {"reason": reason.pk})
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "Each applicant is emailed at once" in html and "Reason: Out of scope." in html
    assert Review.objects.filter(status="declined").count() == 0

    done = client.post(url, {"reason": reason.pk, "confirmed": "1"})
    assert done.status_code == 302 and done["Location"] == listing
    [message] = said(done)
    assert message == (
        "2 applications declined; their applicants are emailed. "
        "1 skipped: its status, Withdrawn, does not allow this step."
    )
    emails = Notification.objects.filter(kind="decision").order_by("submission_id")
    assert [(e.submission_id, e.language) for e in emails] == [
        (submissions[0].pk, "en"),
        (submissions[1].pk, "fr"),
    ]
    assert deliver_notifications(list(emails.values_list("pk", flat=True))) == 2
    subjects = sorted(subject(message) for message in smtp_server.messages)
    assert subjects == sorted(
        [
            f"Your application {submissions[0].reference}: our decision",
            f"Votre demande {submissions[1].reference} : notre décision",
        ]
    )
    for submission in submissions[:2]:
        review = Review.objects.get(submission=submission)
        assert review.status == ReviewStatus.DECLINED and review.decline_reason == reason


def test_a_committee_member_cannot_use_bulk_actions(secretariat, client):
    reviews = fill_queue("membership", 4)
    member = member_of("Steering Committee", "member")
    client.force_login(member)
    html = client.get(LISTING).content.decode()
    assert "data-bulk-action-footer" not in html and "data-bulk-action-checkbox" not in html
    for action in ("assign_to_me", "unassign", "decline", "export_csv"):
        assert_permission_denied(client.get(bulk_url(action, reviews)), action)
        assert_permission_denied(client.post(bulk_url(action, reviews)), action)
    assert not Review.objects.filter(assigned_to=member).exists()
    assert not ReviewLogEntry.objects.filter(action="membership_forms.review.assign").exists()


def test_export_selected_exports_only_the_ticked_items(secretariat, client):
    reviews = fill_queue("membership", 8)
    client.force_login(secretariat)
    chosen = reviews[:3]
    response = client.get(bulk_url("export_csv", chosen))
    assert response.status_code == 302
    export = client.get(response["Location"])
    content = b"".join(export.streaming_content) if export.streaming else export.content
    lines = content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 4  # the heading and the three ticked items, open or closed
    assert {line.split(",")[0] for line in lines[1:]} == {r.submission.reference for r in chosen}
    logged = ReviewLogEntry.objects.filter(action="membership_forms.review.export")
    assert sorted(int(entry.object_id) for entry in logged) == sorted(r.pk for r in chosen)


# --- Comments taken back -----------------------------------------------------------------


def comment_written(review, author, minutes_ago: float) -> ReviewComment:
    comment = services.comment_on_review(review.pk, author, "Check the statutes again.")
    written = timezone.now() - timedelta(minutes=minutes_ago)
    ReviewComment.objects.filter(pk=comment.pk).update(created_at=written)
    return comment


def delete_url(comment) -> str:
    return reverse("membership_forms_comment_delete", args=[comment.pk])


def test_a_reviewer_deletes_their_comment_within_ten_minutes(secretariat, client):
    [review] = fill_queue("membership", 1)
    comment = comment_written(review, secretariat, minutes_ago=9.5)
    client.force_login(secretariat)
    detail = client.get(f"/admin/membership-forms/review/{review.pk}/").content.decode()
    assert "Delete my comment" in detail and delete_url(comment) in detail
    response = client.post(delete_url(comment))
    assert response.status_code == 302 and said(response) == ["Comment deleted."]
    assert not ReviewComment.objects.filter(pk=comment.pk).exists()
    [entry] = ReviewLogEntry.objects.filter(action="membership_forms.review.comment_deleted")
    assert entry.data["text"] == "Check the statutes again." and entry.user == secretariat
    history = client.get(f"/admin/membership-forms/review/{review.pk}/").content.decode()
    assert "Comment deleted" in history


def test_a_comment_older_than_ten_minutes_stays(secretariat, client):
    [review] = fill_queue("membership", 1)
    comment = comment_written(review, secretariat, minutes_ago=10.5)
    client.force_login(secretariat)
    detail = client.get(f"/admin/membership-forms/review/{review.pk}/").content.decode()
    assert "Delete my comment" not in detail
    response = client.post(delete_url(comment))
    assert response.status_code == 403
    assert "only within 10 minutes of writing it" in response.content.decode()
    assert ReviewComment.objects.filter(pk=comment.pk).exists()
    assert not ReviewLogEntry.objects.filter(action="membership_forms.review.comment_deleted")


def test_someone_elses_comment_cannot_be_deleted(secretariat, client):
    [review] = fill_queue("membership", 1)
    colleague = member_of("Secretariat", "colleague")
    comment = comment_written(review, colleague, minutes_ago=1)
    client.force_login(secretariat)
    detail = client.get(f"/admin/membership-forms/review/{review.pk}/").content.decode()
    assert "Delete my comment" not in detail
    response = client.post(delete_url(comment))
    assert response.status_code == 403
    assert "Only the person who wrote a comment may delete it." in response.content.decode()
    assert ReviewComment.objects.filter(pk=comment.pk).exists()
    assert client.get(delete_url(comment)).status_code == 405

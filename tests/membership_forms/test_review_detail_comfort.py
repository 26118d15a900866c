"""The review detail's comforts: files shown in the browser (checked and logged), possible
duplicates side by side, the queue's previous and next items, and undoing an assignment."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from membership_forms.models import (
    Review,
    ReviewLogEntry,
    ReviewQueue,
    ReviewStatus,
    Submission,
    SubmissionFile,
)
from tests.conftest import assert_permission_denied
from tests.documents import real_pdf

from .conftest import internship_files, multipart, submit_url, valid_payload
from .reviewing import member_of, screen
from .test_reviews import submitted

REVIEW = "/admin/membership-forms/review/{}/"
FILE = "/admin/membership-forms/files/{}/"


@pytest.fixture
def internship(form_pages, api) -> Submission:
    url = submit_url(form_pages["internship"]["en"])
    files = internship_files() | {"cover_letter": ("cover.pdf", real_pdf(1), "application/pdf")}
    response = api.post(url, multipart(valid_payload("internship"), files))
    assert response.status_code == 202, response.content
    submission = Submission.objects.get(reference=response.json()["reference"])
    assert screen(submission)
    return submission


def file_of(submission, field: str) -> SubmissionFile:
    return SubmissionFile.objects.get(submission=submission, field_key=field)


# --- Files in the browser -----------------------------------------------------------------


def test_a_verified_pdf_is_shown_inline_under_its_own_policy_and_logged(internship, client):
    coordinator = member_of("Internship coordinator", "coord")
    client.force_login(coordinator)
    cover = file_of(internship, "cover_letter")
    page = client.get(REVIEW.format(internship.review.pk)).content.decode()
    assert f'href="{FILE.format(cover.pk)}view/"' in page
    assert "View in the browser" in page

    response = client.get(f"{FILE.format(cover.pk)}view/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="cover.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = response["Content-Security-Policy"]
    assert policy.startswith("sandbox;") and "default-src 'none'" in policy
    assert "frame-ancestors 'self'" in policy

    entries = ReviewLogEntry.objects.for_instance(internship.review).filter(user=coordinator)
    viewed = entries.get(action="membership_forms.review.view_file")
    assert viewed.data == {"file": cover.pk, "field": "cover_letter", "sha256": cover.sha256}
    assert not entries.filter(action="membership_forms.review.download").exists()
    # The queue's History says it in words, apart from a download.
    history = client.get(f"/admin/membership-forms/reviews/{ReviewQueue.INTERNSHIP}/history/")
    assert "File viewed in the browser" in history.content.decode()


def test_a_file_the_screening_did_not_verify_as_pdf_is_only_downloaded(internship, client):
    client.force_login(member_of("Internship coordinator", "coord"))
    resume = file_of(internship, "resume")  # a Word document
    page = client.get(REVIEW.format(internship.review.pk)).content.decode()
    assert f'href="{FILE.format(resume.pk)}view/"' not in page
    assert f'href="{FILE.format(resume.pk)}"' in page
    assert client.get(f"{FILE.format(resume.pk)}view/").status_code == 404

    # Nor a PDF the screening found unreadable (this writing sample pypdf cannot parse).
    sample = file_of(internship, "writing_sample")
    assert sample.content_type == "application/pdf"
    assert {"field": "writing_sample", "valid": False, "problem": "unreadable"}.items() <= next(
        report for report in internship.screening["files"] if report["field"] == "writing_sample"
    ).items()
    assert client.get(f"{FILE.format(sample.pk)}view/").status_code == 404
    assert not ReviewLogEntry.objects.filter(action__endswith=".view_file").exists()


def test_the_files_of_another_queue_are_not_shown(internship, client):
    client.force_login(member_of("Secretariat", "sec"))  # may download, not this queue
    cover = file_of(internship, "cover_letter")
    assert_permission_denied(client.get(f"{FILE.format(cover.pk)}view/"))
    assert_permission_denied(client.get(REVIEW.format(internship.review.pk)))
    assert client.get(f"{FILE}view/".format(999999)).status_code == 404
    assert not ReviewLogEntry.objects.filter(action__endswith=".view_file").exists()


# --- Possible duplicates ------------------------------------------------------------------


def test_a_possible_duplicate_is_shown_beside_it_to_who_may_open_it(form_pages, api, client):
    earlier = submitted(form_pages, api, "supporter", legally_registered=False)
    assert screen(earlier)
    later = submitted(form_pages, api, "membership")
    assert screen(later)
    assert [row["id"] for row in later.screening["duplicates"]] == [earlier.pk]

    client.force_login(member_of("Secretariat", "sec"))
    page = client.get(REVIEW.format(later.review.pk)).content.decode()
    assert "Possible duplicates" in page
    link = f'<a href="{REVIEW.format(earlier.review.pk)}"><bdi class="mf-reference" dir="ltr">'
    assert f"{link}{earlier.reference}</bdi></a>" in page
    assert "the same email address" in page
    caption = page.split("<caption>")[1].split("</caption>")[0]
    assert caption.startswith("Found because of "), caption
    assert "the same email address" in caption and "the same organisation name" in caption

    # A committee member reads the membership queue, not the supporters': neither the
    # other's reference nor its link, only that one exists where they cannot look.
    client.force_login(member_of("Steering Committee", "member"))
    page = client.get(REVIEW.format(later.review.pk)).content.decode()
    assert earlier.reference not in page
    assert REVIEW.format(earlier.review.pk) not in page
    assert "One more possible duplicate is in a queue you cannot open." in page


# --- Previous and next --------------------------------------------------------------------


def test_previous_and_next_follow_the_queues_default_order(form_pages, api, client):
    made = [submitted(form_pages, api, "supporter", legally_registered=False) for _ in range(4)]
    for submission in made:
        assert screen(submission)
    other_queue = submitted(form_pages, api, "membership")
    assert screen(other_queue)
    reviews = [submission.review for submission in made]
    start = timezone.now() - timedelta(days=10)
    # Received in the order 2, 0, 3, 1; review 3 is closed, so not in the listing.
    for review, days in zip(reviews, (1, 3, 0, 2), strict=True):
        Review.objects.filter(pk=review.pk).update(submitted_at=start + timedelta(days=days))
    Review.objects.filter(pk=reviews[3].pk).update(status=ReviewStatus.DECLINED)
    Review.objects.filter(pk=other_queue.review.pk).update(submitted_at=start + timedelta(days=1))

    client.force_login(member_of("Secretariat", "sec"))

    def links(review) -> tuple[str | None, str | None]:
        page = client.get(REVIEW.format(review.pk)).content.decode()
        found = []
        for rel in ("prev", "next"):
            marker = f'rel="{rel}" href="'
            at = page.find(marker)
            found.append(page[at + len(marker) :].split('"')[0] if at >= 0 else None)
        return found[0], found[1]

    url = REVIEW.format
    assert links(reviews[2]) == (None, url(reviews[0].pk))
    assert links(reviews[0]) == (url(reviews[2].pk), url(reviews[1].pk))
    assert links(reviews[1]) == (url(reviews[0].pk), None)
    page = client.get(url(reviews[0].pk)).content.decode()
    assert 'aria-keyshortcuts="j"' in page and 'aria-keyshortcuts="k"' in page
    assert "membership_forms/review_detail.js" in page


# --- Undoing an assignment ----------------------------------------------------------------


def test_undoing_an_assignment_gives_the_review_back_and_is_logged(form_pages, api, client):
    submission = submitted(form_pages, api, "supporter", legally_registered=False)
    assert screen(submission)
    review = submission.review
    first, second = member_of("Secretariat", "first"), member_of("Secretariat", "second")
    Review.objects.filter(pk=review.pk).update(assigned_to=first)
    client.force_login(second)
    url = REVIEW.format(review.pk)

    done = client.post(f"{url}assign/", {"me": "1"})
    review.refresh_from_db()
    assert review.assigned_to == second
    said = [str(message) for message in get_messages(done.wsgi_request)]
    assert said[0].startswith("Assigned to you:")
    assert "Undo this assignment" in client.get(url).content.decode()

    assert client.get(f"{url}undo-assignment/").status_code == 405  # POST only
    undone = client.post(f"{url}undo-assignment/")
    assert undone.status_code == 302
    review.refresh_from_db()
    assert review.assigned_to == first
    entry = ReviewLogEntry.objects.for_instance(review).get(
        action="membership_forms.review.assign_undone"
    )
    assert (entry.user, entry.data) == (second, {"assignee": first.pk, "undone": second.pk})
    assert "Undo this assignment" not in client.get(url).content.decode()
    # Once is enough: a second undo changes nothing.
    client.post(f"{url}undo-assignment/")
    review.refresh_from_db()
    assert review.assigned_to == first


def test_an_assignment_changed_since_is_not_undone(form_pages, api, client):
    submission = submitted(form_pages, api, "supporter", legally_registered=False)
    assert screen(submission)
    review = submission.review
    me, other = member_of("Secretariat", "me"), member_of("Secretariat", "other")
    client.force_login(me)
    url = REVIEW.format(review.pk)
    client.post(f"{url}assign/", {"me": "1"})
    Review.objects.filter(pk=review.pk).update(assigned_to=other)  # someone else took it

    answer = client.post(f"{url}undo-assignment/")
    review.refresh_from_db()
    assert review.assigned_to == other
    said = [str(message) for message in get_messages(answer.wsgi_request)]
    assert said[-1] == "This assignment can no longer be undone."
    assert not ReviewLogEntry.objects.filter(action__endswith=".assign_undone").exists()


def test_undo_is_refused_to_who_cannot_review_the_queue(form_pages, api, client):
    submission = submitted(form_pages, api, "membership")
    assert screen(submission)
    client.force_login(member_of("Steering Committee", "member"))  # reads it, cannot review
    url = REVIEW.format(submission.review.pk)
    assert_permission_denied(client.post(f"{url}undo-assignment/"))
    client.force_login(member_of("Internship coordinator", "coord"))
    assert_permission_denied(client.post(f"{url}undo-assignment/"))

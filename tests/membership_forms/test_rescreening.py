"""Answers to an information request are screened again by the worker, with the real rules."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from membership_forms.models import Review, ReviewLogEntry, Submission
from membership_forms.services import reviews as services
from tests.conftest import wait_for

from .conftest import submit_url, valid_payload
from .reviewing import member_of


def screened_review(api, page, **changes) -> Review:
    payload = {**valid_payload(page.kind), **changes}
    response = api.post(submit_url(page), json.dumps(payload), content_type="application/json")
    assert response.status_code == 202, response.content
    submission = Submission.objects.get(reference=response.json()["reference"])

    def in_review():
        """screened by the worker and waiting in its queue"""
        return Review.objects.filter(submission=submission).first()

    return wait_for(in_review, timeout=30)


def codes(review: Review) -> set[str]:
    review.refresh_from_db()
    return set(review.reason_codes)


@pytest.mark.parametrize(
    ("field", "first", "corrected", "before", "after"),
    [
        # Registered after all: the rule that wanted a person's look no longer fires.
        ("legally_registered", False, "true", ("needs_review", "NOT_REGISTERED"), "eligible"),
        # Not independent after all: a rule that now fails.
        ("independent", True, "false", ("eligible", None), ("ineligible", "NOT_INDEPENDENT")),
    ],
)
@pytest.mark.django_db(transaction=True)
def test_a_corrected_answer_is_screened_again(
    live_form_pages, celery_worker, smtp_server, api, field, first, corrected, before, after
):
    page = live_form_pages["membership"]["en"]
    review = screened_review(api, page, **{field: first})
    outcome, code = before
    assert review.outcome == outcome
    assert code is None or code in review.reason_codes
    user = member_of("Secretariat", "sec")
    _request, token = services.request_information(
        review.pk, user, "Please check this answer.", [field]
    )

    applicant = Client(HTTP_ACCEPT_LANGUAGE="en")
    url = f"/forms/more-information/{token}/"
    form = applicant.get(url).content.decode()
    assert f'name="{field}"' in form and "<textarea" not in form  # the field's own input
    assert applicant.post(url, {field: "maybe"}).status_code == 400  # not yes or no
    review.refresh_from_db()
    assert review.status == "info_requested"
    assert applicant.post(url, {field: corrected}).status_code == 200

    new_outcome, new_code = after if isinstance(after, tuple) else (after, None)

    def rescreened():
        """the worker screened the corrected application again"""
        review.refresh_from_db()
        return review.outcome == new_outcome

    wait_for(rescreened, timeout=30)
    submission = review.submission
    submission.refresh_from_db()
    assert submission.payload[field] is (corrected == "true")
    assert submission.screening["outcome"] == new_outcome
    screened_codes = {reason["code"] for reason in submission.screening["reasons"]}
    assert screened_codes == codes(review)
    if code:
        assert code not in screened_codes
    if new_code:
        assert new_code in screened_codes
    assert submission.status == "in_review" and review.status == "screening"
    entry = ReviewLogEntry.objects.get(object_id=str(review.pk), action__endswith=".rescreen")
    assert entry.data["outcome"] == new_outcome and entry.data["previous_outcome"] == outcome

    staff = Client()
    staff.force_login(user)
    detail = staff.get(f"/admin/membership-forms/review/{review.pk}/").content.decode()
    for reason in submission.screening["reasons"]:
        assert reason["code"] in detail
    if code:
        assert code not in detail


def test_a_lost_rescreening_is_queued_again_by_the_sweep(form_pages, api, settings):
    """The task's message never reached the broker (here: the commit hook never runs)."""
    from membership_forms.services.submissions import stalled_rescreen_ids
    from membership_forms.tasks import process_submission, rescreen_submission

    page = form_pages["membership"]["en"]
    payload = {**valid_payload("membership"), "legally_registered": False}
    response = api.post(submit_url(page), json.dumps(payload), content_type="application/json")
    submission = Submission.objects.get(reference=response.json()["reference"])
    assert process_submission(submission.pk) is True  # the real screening, in this process
    review = Review.objects.get(submission=submission)
    assert "NOT_REGISTERED" in review.reason_codes
    user = member_of("Secretariat", "sec")
    _request, token = services.request_information(review.pk, user, "Registered?", [])
    services.answer_information_request(token, {}, {"legally_registered": True})

    settings.MEMBERSHIP_FORMS = {**settings.MEMBERSHIP_FORMS, "REQUEUE_AFTER": 0}
    assert stalled_rescreen_ids() == [submission.pk]
    assert rescreen_submission(submission.pk) is True
    assert rescreen_submission(submission.pk) is False  # a second delivery does nothing
    assert "NOT_REGISTERED" not in codes(review) and review.outcome == "eligible"
    assert stalled_rescreen_ids() == []


@pytest.mark.django_db(transaction=True)
def test_a_rescreening_that_keeps_failing_is_left_for_staff(
    live_form_pages, celery_worker, smtp_server, api, settings, monkeypatch
):
    """The scanner is down for every attempt at screening the corrected application: the
    workers stop after their retries (the sweep too), and the review says so."""
    from membership_forms.services.submissions import stalled_rescreen_ids
    from membership_forms.tasks import rescreen_submission
    from tests.documents import good_internship_files

    from .conftest import multipart

    monkeypatch.setattr(rescreen_submission, "max_retries", 0)
    page = live_form_pages["internship"]["en"]
    response = api.post(
        submit_url(page), multipart(valid_payload("internship"), good_internship_files())
    )
    assert response.status_code == 202, response.content
    submission = Submission.objects.get(reference=response.json()["reference"])
    review = wait_for(lambda: Review.objects.filter(submission=submission).first(), timeout=30)
    user = member_of("Internship coordinator", "coordinator")
    _request, token = services.request_information(review.pk, user, "Your level?", [])
    settings.MEMBERSHIP_FORMS = {**settings.MEMBERSHIP_FORMS, "CLAMD_SOCKET": "/nonexistent.sock"}
    services.answer_information_request(token, {}, {"study_level": "advanced_undergraduate"})

    def given_up():
        """the workers gave up screening the corrected application"""
        submission.refresh_from_db()
        return submission.rescreen_requested_at is None

    wait_for(given_up, timeout=30)
    review.refresh_from_db()
    assert review.outcome == "needs_review" and "RESCREEN_FAILED" in review.reason_codes
    assert "ScanUnavailable" in submission.screening["error"]
    assert submission.payload["study_level"] == "advanced_undergraduate"  # the correction is kept
    settings.MEMBERSHIP_FORMS = {**settings.MEMBERSHIP_FORMS, "REQUEUE_AFTER": 0}
    assert stalled_rescreen_ids() == []  # the sweep does not start again
    staff = Client()
    staff.force_login(user)
    detail = staff.get(f"/admin/membership-forms/review/{review.pk}/").content.decode()
    assert "RESCREEN_FAILED" in detail

"""Review services: queues, the transition table, votes, information requests, decisions."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation
from django.utils.html import escape
from wagtail.models import Locale

from membership_forms import workflow
from membership_forms.models import (
    CLOSED_STATUSES,
    Ballot,
    CommitteeRules,
    DeclineReason,
    DirectoryEntry,
    Notification,
    Review,
    ReviewLogEntry,
    ReviewQueue,
    ReviewStatus,
    Submission,
)
from membership_forms.services import reviews as services
from membership_forms.services.notifications import deliver_notifications
from membership_forms.services.reviews import TransitionNotAllowed
from tests.smtp import subject, text

from .conftest import submit_url, valid_payload
from .reviewing import member_of, screen


def submitted(form_pages, api, kind: str, **changes) -> Submission:
    page = form_pages[kind]["en"]
    payload = valid_payload(kind) | changes
    response = api.post(submit_url(page), payload, content_type="application/json")
    assert response.status_code == 202, response.content
    return Submission.objects.get(reference=response.json()["reference"])


@pytest.fixture
def secretariat(db):
    return member_of("Secretariat", "sec")


@pytest.fixture
def committee(db):
    return [member_of("Steering Committee", f"member{i}") for i in range(5)]


@pytest.fixture
def reason(db):
    return DeclineReason.objects.create(
        queue=ReviewQueue.SUPPORTER,
        code="scope",
        title="Out of scope",
        text="Your work is outside our scope.",
        locale=Locale.get_default(),
    )


# --- The workflow ------------------------------------------------------------------------

S = ReviewStatus
OPEN_BUTTONS = {"decline", "request_info", "withdraw"}
# What the queue's reviewer may do from each state, as docs/review-design.md states it,
# written out by hand: the workflow rows must give exactly this.
MEMBERSHIP_STEPS = {
    S.AFFILIATION: {"approve_affiliation", *OPEN_BUTTONS},
    S.SCREENING: {"approve", *OPEN_BUTTONS},
    S.COMMITTEE_VOTE: {"request_info", "withdraw"},
    S.NO_QUORUM: {"reopen_vote", "request_info", "withdraw"},
    S.INFO_REQUESTED: {"withdraw"},
}
DECIDED_STEPS = {  # supporters, internships, donations: the reviewer decides alone
    S.AFFILIATION: OPEN_BUTTONS,
    S.SCREENING: {"approve", *OPEN_BUTTONS},
    S.COMMITTEE_VOTE: {"request_info", "withdraw"},
    S.NO_QUORUM: {"request_info", "withdraw"},
    S.INFO_REQUESTED: {"withdraw"},
}


@pytest.mark.parametrize("queue", list(ReviewQueue))
def test_what_a_reviewer_may_do_from_each_state(db, queue):
    reviewer = User.objects.create_superuser("boss", "boss@example.org", "x" * 12)
    expected = MEMBERSHIP_STEPS if queue == ReviewQueue.MEMBERSHIP else DECIDED_STEPS
    for status in ReviewStatus:
        review = Review(status=status, queue=queue, resume_status=S.SCREENING)
        actions = {str(step.action) for step in services.allowed_steps(review, reviewer)}
        assert actions == set(expected.get(status, ())), (queue, status)
        # Anything else is refused, or taken only by the system (a ballot's result).
        for action in workflow.actions() - actions:
            try:
                step = services.step_for(review, action)
            except TransitionNotAllowed:
                continue
            assert step.who == "system" and status not in CLOSED_STATUSES, (status, action)


def test_approval_leads_where_the_queue_says(db):
    approvals = {
        queue: services.next_status(Review(status=S.SCREENING, queue=queue), "approve")
        for queue in ReviewQueue
    }
    assert approvals == {
        "membership": S.COMMITTEE_VOTE,  # membership reaches approved only through a ballot
        "supporter": S.APPROVED,
        "internship": S.APPROVED,
        "donation": S.APPROVED,
    }
    answered = Review(status=S.INFO_REQUESTED, queue="membership", resume_status=S.NO_QUORUM)
    assert services.next_status(answered, "info_received") == S.NO_QUORUM


def test_someone_outside_the_queue_has_no_buttons(db, committee):
    review = Review(status=S.SCREENING, queue=ReviewQueue.MEMBERSHIP)
    assert services.allowed_steps(review, committee[0]) == []


# --- Opening ----------------------------------------------------------------------------


def test_queues_by_kind(form_pages, api):
    assert screen(submitted(form_pages, api, "membership"), "eligible")
    network = submitted(form_pages, api, "membership", organisation_type="network")
    assert screen(network, "needs_review", ("NETWORK_AFFILIATION",))
    assert Review.objects.get(submission=network).status == ReviewStatus.AFFILIATION
    assert screen(submitted(form_pages, api, "supporter"), "eligible")
    assert not screen(submitted(form_pages, api, "donation"), "eligible")
    large = submitted(form_pages, api, "donation", amount="6000.00")
    assert screen(large, "needs_review", ("AMOUNT_REVIEW",))
    assert not screen(submitted(form_pages, api, "newsletter"), "eligible")
    assert Review.objects.count() == 4
    assert set(
        Submission.objects.filter(review__isnull=False).values_list("status", flat=True)
    ) == {"in_review"}


def test_eligible_supporters_approved_automatically_when_the_page_says_so(form_pages, api):
    page = form_pages["supporter"]["en"]
    page.auto_approve_eligible = True
    page.save()
    submission = submitted(form_pages, api, "supporter")
    assert screen(submission, "eligible")
    review = Review.objects.get(submission=submission)
    assert review.status == ReviewStatus.APPROVED and review.decided_by is None
    assert DirectoryEntry.objects.get(submission=submission).category == "supporter"
    other = submitted(form_pages, api, "supporter", legally_registered=False)
    assert screen(other, "needs_review", ("NOT_REGISTERED",))
    assert Review.objects.get(submission=other).status == ReviewStatus.SCREENING


# --- Actions ----------------------------------------------------------------------------


def test_network_needs_affiliation_before_the_vote(form_pages, api, secretariat, committee):
    submission = submitted(form_pages, api, "membership", organisation_type="network")
    screen(submission, "needs_review", ("NETWORK_AFFILIATION",))
    review = submission.review
    with pytest.raises(TransitionNotAllowed):
        services.approve_review(review.pk, secretariat)
    services.approve_affiliation(review.pk, secretariat)
    assert services.approve_review(review.pk, secretariat).status == ReviewStatus.COMMITTEE_VOTE


def test_committee_cannot_approve_and_outsiders_cannot_vote(
    form_pages, api, secretariat, committee
):
    submission = submitted(form_pages, api, "membership")
    screen(submission, "eligible")
    review = submission.review
    with pytest.raises(PermissionDenied):
        services.approve_review(review.pk, committee[0])
    services.approve_review(review.pk, secretariat)
    with pytest.raises(PermissionDenied):
        services.cast_vote(review.pk, secretariat, "approve")
    late = member_of("Steering Committee", "late")  # joined after the vote opened
    with pytest.raises(PermissionDenied):
        services.cast_vote(review.pk, late, "approve")


def test_votes_quorum_and_majority(form_pages, api, secretariat, committee):
    CommitteeRules.objects.update_or_create(
        pk=CommitteeRules.load().pk, defaults={"quorum": 3, "majority": "two_thirds"}
    )
    submission = submitted(form_pages, api, "membership")
    screen(submission, "eligible")
    review = services.approve_review(submission.review.pk, secretariat)
    services.cast_vote(review.pk, committee[0], "approve")
    services.cast_vote(review.pk, committee[0], "decline")  # a member may change their vote
    services.cast_vote(review.pk, committee[1], "approve")
    services.cast_vote(review.pk, committee[2], "approve")
    review.refresh_from_db()
    assert review.status == ReviewStatus.COMMITTEE_VOTE  # 2 of 3 for: two thirds still open
    services.cast_vote(review.pk, committee[3], "approve")
    review.refresh_from_db()
    assert review.status == ReviewStatus.COMMITTEE_VOTE  # 3 for, 1 against, 1 to vote
    services.cast_vote(review.pk, committee[4], "decline")  # 3 of 5: short of two thirds
    review.refresh_from_db()
    assert review.status == ReviewStatus.DECLINED
    assert Submission.objects.get(pk=submission.pk).status == "declined"
    assert not DirectoryEntry.objects.exists()
    with pytest.raises(TransitionNotAllowed):
        services.cast_vote(review.pk, committee[0], "approve")


def test_deadline_without_quorum_then_a_new_vote(form_pages, api, secretariat, committee):
    submission = submitted(form_pages, api, "membership")
    screen(submission, "eligible")
    review = services.approve_review(submission.review.pk, secretariat)
    services.cast_vote(review.pk, committee[0], "approve")
    later = timezone.now() + timedelta(days=CommitteeRules.load().vote_days + 1)
    assert services.close_expired_ballots(now=later) == 1
    assert services.close_expired_ballots(now=later) == 0  # a rerun changes nothing
    review.refresh_from_db()
    assert review.status == ReviewStatus.NO_QUORUM
    services.reopen_vote(review.pk, secretariat)
    assert Ballot.objects.filter(review=review, closed_at__isnull=True).count() == 1
    for member in committee[:3]:
        services.cast_vote(review.pk, member, "approve")
    review.refresh_from_db()
    assert review.status == ReviewStatus.APPROVED
    assert DirectoryEntry.objects.filter(submission=submission).exists()


def _mail(submission, kind: str, smtp_server):
    """Send the submission's recorded `kind` emails over SMTP, as the worker does; what the
    SMTP server received."""
    emails = Notification.objects.filter(submission=submission, kind=kind)
    assert deliver_notifications(list(emails.values_list("pk", flat=True))) == emails.count()
    return smtp_server.messages


def test_decline_and_withdraw(form_pages, api, secretariat, reason, smtp_server):
    submission = submitted(form_pages, api, "supporter", legally_registered=False)
    screen(submission, "needs_review", ("NOT_REGISTERED",))
    review = services.decline_review(submission.review.pk, secretariat, reason.pk)
    assert review.status == ReviewStatus.DECLINED and review.decided_by == secretariat
    [decision] = _mail(submission, "decision", smtp_server)
    assert decision["To"] == "amina@example.org"
    assert subject(decision) == f"Your application {submission.reference}: our decision"
    assert "Your work is outside our scope." in text(decision)
    other = submitted(form_pages, api, "supporter")
    screen(other, "eligible")
    assert services.withdraw_review(other.review.pk, secretariat).status == "withdrawn"
    assert Submission.objects.get(pk=other.pk).status == "withdrawn"
    with pytest.raises(TransitionNotAllowed):
        services.withdraw_review(other.review.pk, secretariat)


def test_decisions_are_logged_and_signalled(
    form_pages, api, secretariat, django_capture_on_commit_callbacks
):
    from membership_forms.signals import submission_decided

    received = []

    def handler(sender, submission_id, status, **kwargs):
        received.append((submission_id, status))

    submission_decided.connect(handler)
    try:
        submission = submitted(form_pages, api, "supporter")
        screen(submission, "eligible")
        with django_capture_on_commit_callbacks(execute=True):
            services.approve_review(submission.review.pk, secretariat)
    finally:
        submission_decided.disconnect(handler)
    assert received == [(submission.pk, "approved")]
    actions = set(
        ReviewLogEntry.objects.filter(object_id=str(submission.review.pk)).values_list(
            "action", flat=True
        )
    )
    assert {"membership_forms.review.open", "membership_forms.review.approve"} <= actions


@pytest.mark.parametrize("language", ["en", "fr"])
def test_an_information_request_closes_with_its_application(
    form_pages, api, secretariat, client, language
):
    """Withdrawn (or otherwise decided) while the applicant had the link: the page says
    the request is closed, and answers sent anyway are not stored."""
    page = form_pages["membership"][language]
    payload = valid_payload("membership") | {"legally_registered": False}
    response = api.post(submit_url(page), payload, "application/json")
    submission = Submission.objects.get(reference=response.json()["reference"])
    screen(submission, "needs_review", ("NOT_REGISTERED",))
    _request, token = services.request_information(
        submission.review.pk, secretariat, "Please describe your registration.", ["mandate"]
    )
    services.withdraw_review(submission.review.pk, secretariat)
    url = f"/forms/more-information/{token}/"
    with translation.override(language):
        closed = translation.gettext(
            "This request for information is closed: your application has already been "
            "decided or withdrawn, so no answers can be added to it."
        )
    shown = client.get(url)
    assert shown.status_code == 410
    html = shown.content.decode()
    assert escape(closed) in html and "<form" not in html.split("<main", 1)[-1]
    sent = client.post(url, {"mandate": "Registered in 2001."})
    assert sent.status_code == 410 and escape(closed) in sent.content.decode()
    submission.refresh_from_db()
    assert "additional" not in submission.payload and submission.rescreen_requested_at is None
    review = Review.objects.get(pk=submission.review.pk)
    assert review.status == ReviewStatus.WITHDRAWN
    assert services.answer_information_request(token, {"mandate": "x"}) is None


def test_information_request_round_trip(form_pages, api, secretariat, client, smtp_server):
    submission = submitted(form_pages, api, "membership", legally_registered=False)
    screen(submission, "needs_review", ("NOT_REGISTERED",))
    request, token = services.request_information(
        submission.review.pk, secretariat, "Please describe your registration.", ["mandate"]
    )
    assert Review.objects.get(pk=submission.review.pk).status == ReviewStatus.INFO_REQUESTED
    # The applicant's email asks the question and links to where they answer it.
    [asked] = _mail(submission, "info_request", smtp_server)
    assert asked["To"] == "amina@example.org"
    assert "Please describe your registration." in text(asked)
    url = f"/forms/more-information/{token}/"
    assert f"http://testserver{url}" in text(asked)
    page = client.get(url)
    assert page.status_code == 200 and "Please describe your registration." in page.content.decode()
    assert client.post(url, {"mandate": "Registered in 2001."}).status_code == 200
    submission.refresh_from_db()
    assert submission.payload["additional"][str(request.pk)] == {"mandate": "Registered in 2001."}
    assert submission.review.status == ReviewStatus.SCREENING
    assert client.get(url).status_code == 404  # single use
    assert client.get("/forms/more-information/forged/").status_code == 404

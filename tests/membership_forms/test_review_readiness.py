"""Ready out of the box: decline reasons per queue, and no committee vote without enough
voters for the quorum (docs/reviewers.md)."""

import pytest
from django.contrib.auth.models import Permission
from django.utils import translation
from wagtail.models import Locale

from membership_forms.models import (
    Ballot,
    CommitteeRules,
    DeclineReason,
    Review,
    ReviewLogEntry,
    ReviewQueue,
    ReviewStatus,
    Submission,
)
from membership_forms.services import reviews as services
from membership_forms.services.reviews import TransitionNotAllowed
from tests.documents import good_internship_files

from .conftest import multipart, submit_url, valid_payload
from .reviewing import member_of, screen
from .test_reviews import submitted


@pytest.fixture
def secretariat(db):
    return member_of("Secretariat", "sec")


def reason(queue: str, code: str, title: str, **translations: str) -> DeclineReason:
    """A reason in English, and its translations' titles by language code."""
    source = DeclineReason.objects.create(
        queue=queue, code=code, title=title, text=f"{title}.", locale=Locale.get_default()
    )
    for language, translated in translations.items():
        copy = source.copy_for_translation(Locale.objects.get(language_code=language))
        copy.title = translated
        copy.save()
    return source


@pytest.fixture
def reasons(form_pages):
    return {
        "scope": reason(ReviewQueue.SUPPORTER, "scope", "Out of scope", fr="Hors mandat"),
        "company": reason(ReviewQueue.SUPPORTER, "company", "Private company"),
        "programme": reason(ReviewQueue.MEMBERSHIP, "programme", "No RtoP programme"),
    }


def decline_options(client, review: Review) -> list[str]:
    page = client.get(f"/admin/membership-forms/review/{review.pk}/").content.decode()
    form = page.split('name="reason"', 1)[1].split("</select>", 1)[0]
    return [option.split(">", 1)[1] for option in form.split("<option ")[1:]]


# --- Decline reasons ---------------------------------------------------------------------


def test_the_decline_step_offers_the_queues_reasons_only(
    form_pages, api, client, secretariat, reasons
):
    submission = submitted(form_pages, api, "supporter", legally_registered=False)
    screen(submission, "needs_review", ("NOT_REGISTERED",))
    review = submission.review
    client.force_login(secretariat)
    assert decline_options(client, review) == ["Out of scope</option>", "Private company</option>"]

    # In the staff member's language where translated, else in English; one per reason.
    offered = services.decline_reasons_for(ReviewQueue.SUPPORTER, "fr")
    assert [(r.title, r.locale.language_code) for r in offered] == [
        ("Hors mandat", "fr"),
        ("Private company", "en"),
    ]
    assert [r.title for r in services.decline_reasons_for(ReviewQueue.INTERNSHIP, "en")] == []

    # Another queue's reason is refused, by the service and through the admin.
    with pytest.raises(ValueError, match="another queue"):
        services.decline_review(review.pk, secretariat, reasons["programme"].pk)
    response = client.post(
        f"/admin/membership-forms/review/{review.pk}/decline/",
        {"reason": reasons["programme"].pk, "confirmed": "1"},
        follow=True,
    )
    assert "belongs to another queue" in response.content.decode()
    review.refresh_from_db()
    assert review.status == ReviewStatus.SCREENING and review.decline_reason is None

    client.post(
        f"/admin/membership-forms/review/{review.pk}/decline/",
        {"reason": reasons["company"].pk, "confirmed": "1"},
    )
    review.refresh_from_db()
    assert review.status == ReviewStatus.DECLINED
    assert review.decline_reason == reasons["company"]


def test_a_queue_without_reasons_says_where_to_add_them(form_pages, api, client, reasons):
    page = form_pages["internship"]["en"]
    response = api.post(
        submit_url(page), multipart(valid_payload("internship"), good_internship_files())
    )
    submission = Submission.objects.get(reference=response.json()["reference"])
    screen(submission, "eligible")
    client.force_login(member_of("Internship coordinator", "coord"))
    detail = client.get(f"/admin/membership-forms/review/{submission.review.pk}/")
    content = detail.content.decode()
    assert "This queue has no decline reason yet" in content
    assert 'name="reason"' not in content


def test_staff_see_each_reasons_queue_in_the_snippets_admin(form_pages, client, reasons):
    client.force_login(member_of("Secretariat", "sec"))
    url = "/admin/snippets/membership_forms/declinereason/"
    listing = client.get(url, {"locale": "en"}).content.decode()
    assert "NGO Supporters" in listing and "Membership" in listing
    filtered = client.get(url, {"locale": "en", "queue": "membership"}).content.decode()
    assert "No RtoP programme" in filtered and "Private company" not in filtered
    form = client.get(f"{url}edit/{reasons['scope'].pk}/").content.decode()
    assert 'name="queue"' in form


# --- A vote needs enough voters for its quorum -------------------------------------------


@pytest.fixture
def membership_review(form_pages, api):
    submission = submitted(form_pages, api, "membership")
    screen(submission, "eligible")
    return submission.review


def test_a_vote_does_not_open_below_the_quorum(membership_review, secretariat, client, settings):
    member_of("Steering Committee", "only")
    member_of("Steering Committee", "gone", is_active=False)  # cannot vote: not counted
    assert CommitteeRules.load().quorum == 3
    with pytest.raises(TransitionNotAllowed) as refused:
        services.approve_review(membership_review.pk, secretariat)
    assert str(refused.value) == (
        "A committee vote cannot open: the Steering Committee has 1 member who can vote, and"
        " a vote needs at least 3 (the quorum). Add members to the Steering Committee's group"
        " under Settings → Groups, or lower the quorum under Settings → Committee rules."
    )
    membership_review.refresh_from_db()
    assert membership_review.status == ReviewStatus.SCREENING
    assert not Ballot.objects.exists()
    assert not ReviewLogEntry.objects.filter(action="membership_forms.review.approve").exists()

    # The review screen says so beside a disabled button, in the reviewer's language.
    client.force_login(secretariat)
    page = client.get(f"/admin/membership-forms/review/{membership_review.pk}/").content.decode()
    assert "has 1 member who can vote" in page
    button = page.split("Approve and send to the committee vote", 1)[0].rsplit("<button", 1)[1]
    assert "disabled" in button
    response = client.post(
        f"/admin/membership-forms/review/{membership_review.pk}/approve/",
        {"confirmed": "1"},
        follow=True,
    )
    assert "a vote needs at least 3" in response.content.decode()
    assert not Ballot.objects.exists()
    # The staff API does not offer the step either.
    settings.STAFF_TWO_FACTOR = False
    secretariat.user_permissions.add(Permission.objects.get(codename="view_submission"))
    status = client.get(f"/api/v3/forms/submissions/{membership_review.submission.reference}/")
    assert status.status_code == 200, status.json()
    assert status.json()["actions"] == ["decline", "request_info", "withdraw"]
    with translation.override("fr"):
        assert "Comité directeur" in services.vote_shortfall()


def test_a_vote_opens_at_the_quorum_and_reopens_only_with_enough_voters(
    membership_review, secretariat, client, settings
):
    committee = [member_of("Steering Committee", f"member{i}") for i in range(3)]
    client.force_login(secretariat)
    page = client.get(f"/admin/membership-forms/review/{membership_review.pk}/").content.decode()
    assert "who can vote" not in page
    settings.STAFF_TWO_FACTOR = False
    secretariat.user_permissions.add(Permission.objects.get(codename="view_submission"))
    status = client.get(f"/api/v3/forms/submissions/{membership_review.submission.reference}/")
    assert "approve" in status.json()["actions"]
    review = services.approve_review(membership_review.pk, secretariat)
    assert review.status == ReviewStatus.COMMITTEE_VOTE
    ballot = Ballot.objects.get(review=review)
    assert set(ballot.electorate.all()) == set(committee) and ballot.quorum == 3

    # Closed without quorum; a member leaves: no new vote until the quorum is lowered.
    services.cast_vote(review.pk, committee[0], "approve")
    assert services.close_expired_ballots(now=ballot.closes_at) == 1
    committee[2].is_active = False
    committee[2].save(update_fields=["is_active"])
    with pytest.raises(TransitionNotAllowed, match="has 2 members who can vote"):
        services.reopen_vote(review.pk, secretariat)
    assert Ballot.objects.filter(review=review).count() == 1
    CommitteeRules.objects.filter(pk=CommitteeRules.load().pk).update(quorum=2)
    assert services.reopen_vote(review.pk, secretariat).status == ReviewStatus.COMMITTEE_VOTE
    assert Ballot.objects.filter(review=review, closed_at__isnull=True).count() == 1

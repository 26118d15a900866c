"""A membership application from submission to the public directory, through the admin."""

import pytest
from wagtail.models import Page, Site

from membership_forms.models import (
    Ballot,
    CommitteeRules,
    DirectoryEntry,
    DirectoryPage,
    Review,
    Submission,
)

from .conftest import submit_url, valid_payload
from .reviewing import member_of, screen


@pytest.fixture
def directory_page(form_pages):
    home = Site.objects.get(is_default_site=True).root_page
    page = DirectoryPage(title="Directory", slug="directory")
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


def test_membership_from_submission_to_directory(form_pages, api, client, directory_page):
    # 1. The organisation applies through the JSON API; it is not legally registered, which
    #    the rules leave to a person.
    page = form_pages["membership"]["en"]
    payload = valid_payload("membership") | {"legally_registered": False}
    response = api.post(submit_url(page), payload, content_type="application/json")
    assert response.status_code == 202
    submission = Submission.objects.get(reference=response.json()["reference"])

    # 2. The screening (as the worker runs it) stores its result and opens the review.
    assert screen(submission, "needs_review", ("NOT_REGISTERED",))
    review = Review.objects.get(submission=submission)
    assert review.status == "screening"
    assert (review.queue, review.country, review.region) == ("membership", "KE", "africa")

    secretariat = member_of("Secretariat", "sec")
    committee = [member_of("Steering Committee", f"member{i}") for i in range(3)]
    CommitteeRules.objects.update_or_create(pk=CommitteeRules.load().pk, defaults={"quorum": 3})

    # 3. The Secretariat finds it in the queue, reads it and sends it to the committee.
    client.force_login(secretariat)
    listing = client.get("/admin/membership-forms/reviews/membership/")
    assert listing.status_code == 200
    assert submission.reference in listing.content.decode()
    detail = client.get(f"/admin/membership-forms/review/{review.pk}/")
    assert detail.status_code == 200
    assert "Peace Works &lt;b&gt;Network&lt;/b&gt;" in detail.content.decode()
    response = client.post(
        f"/admin/membership-forms/review/{review.pk}/approve/", {"confirmed": "1"}
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == "committee_vote"
    ballot = Ballot.objects.get(review=review)
    assert set(ballot.electorate.all()) == set(committee)

    # 4. The committee votes; the decision waits for the quorum.
    for member, choice in zip(committee, ("approve", "decline", "approve"), strict=True):
        client.force_login(member)
        response = client.post(
            f"/admin/membership-forms/review/{review.pk}/vote/", {"choice": choice}
        )
        assert response.status_code == 302
        review.refresh_from_db()
        if member is not committee[-1]:
            assert review.status == "committee_vote"
    assert review.status == "approved"
    submission.refresh_from_db()
    assert submission.status == "approved"
    ballot.refresh_from_db()
    assert ballot.result == "approved"

    # 5. The organisation is in the public directory, without its contact data.
    entry = DirectoryEntry.objects.get(submission=submission)
    assert entry.category == "member"
    client.logout()
    html = client.get(Page.objects.get(pk=directory_page.pk).url).content.decode()
    assert "Peace Works &lt;b&gt;Network&lt;/b&gt;" in html
    assert "amina@example.org" not in html and "Amina" not in html
    data = client.get("/api/v3/forms/directory/?region=africa").json()
    names = [item["organisation_name"] for item in data["items"]]
    assert names == ["Peace Works <b>Network</b>"]
    assert "amina" not in str(data).lower()
    assert client.get("/api/v3/forms/directory/?region=europe").json()["items"] == []

"""The reviewers' dashboard panel: what waits for the signed-in user, queue by queue."""

import re

import pytest

from membership_forms.models import Review, Submission
from membership_forms.services import reviews as services

from .conftest import internship_files, multipart, submit_url, valid_payload
from .reviewing import member_of, screen

PANEL = "mf-waiting-reviews-section"


def _submit(form_pages, api, kind: str, **changes) -> Review:
    payload = valid_payload(kind) | changes
    url = submit_url(form_pages[kind]["en"])
    if kind == "internship":
        response = api.post(url, multipart(payload, internship_files()))
    else:
        response = api.post(url, payload, "application/json")
    assert response.status_code == 202, response.content
    submission = Submission.objects.get(reference=response.json()["reference"])
    assert screen(submission)
    return submission.review


@pytest.fixture
def queues(form_pages, api):
    """Two membership applications, one supporter, one internship, all awaiting screening."""
    return {
        "membership": [
            _submit(form_pages, api, "membership", organisation_name=f"Org {i}") for i in (1, 2)
        ],
        "supporter": [_submit(form_pages, api, "supporter")],
        "internship": [_submit(form_pages, api, "internship")],
    }


def dashboard_counts(client) -> dict[str, int] | None:
    """{line class: count} from the admin home page; None when the panel is absent."""
    page = client.get("/admin/")
    assert page.status_code == 200
    html = page.content.decode()
    if PANEL not in html:
        return None
    rows = re.findall(r'mf-waiting--(\w+)">.*?data-mf-count="(\d+)"', html, re.DOTALL)
    labels = re.findall(r'mf-waiting--\w+">\s*<td class="title"><a href="([^"]+)">([^<]+)', html)
    return {
        f"{queue}:{'vote' if 'vote' in url else 'me'}": int(count)
        for (queue, count), (url, _label) in zip(rows, labels, strict=True)
    }


def test_secretariat_sees_its_queues_and_counts_follow_decisions(queues, client):
    secretariat = member_of("Secretariat", "sec")
    colleague = member_of("Secretariat", "sec2")
    client.force_login(secretariat)
    assert dashboard_counts(client) == {
        "membership:me": 2,
        "supporter:me": 1,
        "donation:me": 0,
    }
    # Assigned to a colleague: no longer waiting for this user; approved: in the vote now.
    first, second = queues["membership"]
    services.assign_review(first.pk, secretariat, colleague)
    services.approve_review(queues["supporter"][0].pk, secretariat)
    assert dashboard_counts(client) == {"membership:me": 1, "supporter:me": 0, "donation:me": 0}
    services.assign_review(second.pk, secretariat, secretariat)
    assert dashboard_counts(client)["membership:me"] == 1  # assigned to them: still theirs

    # The line links to the queue filtered the same way.
    listing = client.get("/admin/membership-forms/reviews/membership/?waiting=me").content
    assert second.submission.reference.encode() in listing
    assert first.submission.reference.encode() not in listing


def test_committee_member_sees_the_ballots_awaiting_their_vote(queues, client):
    members = [member_of("Steering Committee", f"member{i}") for i in range(5)]
    secretariat = member_of("Secretariat", "sec")
    client.force_login(members[0])
    assert dashboard_counts(client) == {"membership:vote": 0}
    for review in queues["membership"]:
        services.approve_review(review.pk, secretariat)  # opens a ballot
    assert dashboard_counts(client) == {"membership:vote": 2}

    first, second = queues["membership"]
    services.cast_vote(first.pk, members[0], "approve")
    services.cast_vote(second.pk, members[1], "approve")  # another member's vote
    assert dashboard_counts(client) == {"membership:vote": 1}

    listing = client.get("/admin/membership-forms/reviews/membership/?waiting=vote").content
    assert second.submission.reference.encode() in listing
    assert first.submission.reference.encode() not in listing


def test_coordinator_sees_internships_only(queues, client):
    client.force_login(member_of("Internship coordinator", "coord"))
    assert dashboard_counts(client) == {"internship:me": 1}


def test_user_without_a_queue_sees_no_panel(queues, client):
    from django.contrib.auth.models import Permission, User

    editor = User.objects.create_user("editor", password="x" * 12)
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    assert dashboard_counts(client) is None

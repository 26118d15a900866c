"""The reviewers' dashboard panel: what waits for the signed-in user, queue by queue.

Each queue shows three counts (waiting for a reviewer, past the deadline, assigned to the
user), each a link to the queue filtered to exactly the items it counted.
"""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from membership_forms.models import Review, Submission
from membership_forms.services import reviews as services
from membership_forms.services.dashboard import queue_lines

from .conftest import internship_files, multipart, submit_url, valid_payload
from .reviewing import member_of, screen

PANEL = "mf-waiting-reviews-section"
INTEGRITY = "/admin/membership-forms/integrity/"


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
    """Three membership applications, one supporter, one internship, awaiting screening."""
    return {
        "membership": [
            _submit(form_pages, api, "membership", organisation_name=f"Org {i}") for i in (1, 2, 3)
        ],
        "supporter": [_submit(form_pages, api, "supporter")],
        "internship": [_submit(form_pages, api, "internship")],
    }


def dashboard(client) -> str | None:
    page = client.get("/admin/")
    assert page.status_code == 200
    html = page.content.decode()
    return html if PANEL in html else None


def dashboard_counts(client) -> dict[str, int] | None:
    """{"queue:count name": count} from the admin home page; None when the panel is absent."""
    html = dashboard(client)
    if html is None:
        return None
    counts = {}
    for queue, row in re.findall(r'mf-waiting--(\w+)[^"]*">(.*?)</(?:tr|p)>', html, re.DOTALL):
        for count, name in re.findall(r'data-mf-count="(\d+)" data-mf-name="(\w+)"', row):
            counts[f"{queue}:{name}"] = int(count)
    return counts


def dashboard_links(client) -> dict[str, str]:
    html = dashboard(client) or ""
    links = {}
    for queue, row in re.findall(r'mf-waiting--(\w+)[^"]*">(.*?)</(?:tr|p)>', html, re.DOTALL):
        for url, name in re.findall(
            r'href="([^"]+)" data-mf-count="\d+" data-mf-name="(\w+)"', row
        ):
            links[f"{queue}:{name}"] = url.replace("&amp;", "&")
    return links


def listed(client, url: str) -> set[int]:
    """The reviews a queue listing shows, by their pages' ids (one link per row)."""
    response = client.get(url)
    assert response.status_code == 200
    rows = re.findall(r"<tr\b.*?</tr>", response.content.decode(), re.DOTALL)
    return {
        int(pk)
        for row in rows
        for pk in set(re.findall(r'href="/admin/membership-forms/review/(\d+)/"', row))
    }


def test_counts_per_queue_and_their_links_list_exactly_the_counted_items(queues, client):
    secretariat = member_of("Secretariat", "sec")
    colleague = member_of("Secretariat", "sec2")
    client.force_login(secretariat)
    assert dashboard_counts(client) == {
        "membership:waiting": 3,
        "membership:overdue": 0,
        "membership:mine": 0,
        "supporter:waiting": 1,
        "supporter:overdue": 0,
        "supporter:mine": 0,
        "donation:waiting": 0,
        "donation:overdue": 0,
        "donation:mine": 0,
    }

    first, second, third = queues["membership"]
    services.assign_review(first.pk, secretariat, colleague)
    services.assign_review(second.pk, secretariat, secretariat)
    # In its state for 15 days: past the 14-day deadline (REVIEW_SLA_DAYS).
    Review.objects.filter(pk__in=[first.pk, second.pk]).update(
        status_changed_at=timezone.now() - timedelta(days=15)
    )
    # Approved: the committee votes next, no longer a reviewer's step.
    services.approve_review(queues["supporter"][0].pk, secretariat)
    counts = dashboard_counts(client)
    assert {key: n for key, n in counts.items() if key.startswith("membership")} == {
        "membership:waiting": 3,
        "membership:overdue": 2,
        "membership:mine": 1,
    }
    assert counts["supporter:waiting"] == 0

    expected = {
        "membership:waiting": {first.pk, second.pk, third.pk},
        "membership:overdue": {first.pk, second.pk},
        "membership:mine": {second.pk},
        "supporter:waiting": set(),
    }
    links = dashboard_links(client)
    for key, pks in expected.items():
        assert listed(client, links[key]) == pks, key
        assert counts[key] == len(pks)


def test_the_counts_take_one_query_whatever_the_number_of_queues(queues, form_pages, api):
    secretariat = member_of("Secretariat", "sec")
    services.visible_queues(secretariat)  # the user's permissions, read once and kept
    with CaptureQueriesContext(connection) as queries:
        lines = queue_lines(secretariat)
    assert [line.queue for line in lines] == ["membership", "supporter", "donation"]
    assert len(queries) == 1
    _submit(form_pages, api, "supporter")
    with CaptureQueriesContext(connection) as more:
        assert queue_lines(secretariat)[1].waiting.count == 2
    assert len(more) == 1


def test_committee_member_sees_the_ballots_awaiting_their_vote(queues, client):
    members = [member_of("Steering Committee", f"member{i}") for i in range(5)]
    secretariat = member_of("Secretariat", "sec")
    client.force_login(members[0])
    assert dashboard_counts(client) == {"membership:vote": 0}
    first, second, _third = queues["membership"]
    for review in (first, second):
        services.approve_review(review.pk, secretariat)  # opens a ballot
    assert dashboard_counts(client) == {"membership:vote": 2}

    services.cast_vote(first.pk, members[0], "approve")
    services.cast_vote(second.pk, members[1], "approve")  # another member's vote
    assert dashboard_counts(client) == {"membership:vote": 1}
    assert listed(client, dashboard_links(client)["membership:vote"]) == {second.pk}
    # Not the Secretariat's: no way to the integrity checks.
    assert INTEGRITY not in dashboard(client)


def test_secretariat_finds_the_integrity_checks_on_the_dashboard(queues, client):
    client.force_login(member_of("Secretariat", "sec"))
    assert f'href="{INTEGRITY}"' in dashboard(client)


def test_coordinator_sees_internships_only(queues, client):
    client.force_login(member_of("Internship coordinator", "coord"))
    assert dashboard_counts(client) == {
        "internship:waiting": 1,
        "internship:overdue": 0,
        "internship:mine": 0,
    }


def test_user_without_a_queue_sees_no_panel(queues, client):
    from django.contrib.auth.models import Permission, User

    editor = User.objects.create_user("editor", password="x" * 12)
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    assert dashboard_counts(client) is None

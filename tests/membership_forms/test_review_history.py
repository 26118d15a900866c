"""The queues' audit log: entries carry their queue, and readers see only their queues."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from wagtail.models import ModelLogEntry

from membership_forms.models import Review, ReviewLogEntry, Submission
from tests.conftest import assert_permission_denied

from .conftest import internship_files, multipart, submit_url, valid_payload
from .reviewing import member_of, screen


def _review(form_pages, api, kind: str) -> Review:
    url = submit_url(form_pages[kind]["en"])
    if kind == "internship":
        response = api.post(url, multipart(valid_payload(kind), internship_files()))
    else:
        response = api.post(url, valid_payload(kind), "application/json")
    assert response.status_code == 202, response.content
    submission = Submission.objects.get(reference=response.json()["reference"])
    assert screen(submission)
    return submission.review


@pytest.fixture
def reviews(form_pages, api):
    return {kind: _review(form_pages, api, kind) for kind in ("membership", "internship")}


def history(client, queue: str, query: str = "") -> str:
    response = client.get(f"/admin/membership-forms/reviews/{queue}/history/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_entries_are_written_with_their_queue(reviews, client):
    membership, internship = reviews["membership"], reviews["internship"]
    client.force_login(member_of("Secretariat", "sec"))
    assert client.get(f"/admin/membership-forms/review/{membership.pk}/").status_code == 200
    entries = ReviewLogEntry.objects.for_instance(membership)
    assert set(entries.values_list("action", "queue")) == {
        ("membership_forms.review.open", "membership"),
        ("membership_forms.review.view", "membership"),
    }
    assert entries.get(action="membership_forms.review.view").user.username == "sec"
    assert ReviewLogEntry.objects.for_instance(internship).get().queue == "internship"
    # Nothing about reviews is left in Wagtail's generic table.
    review_type = ContentType.objects.get_for_model(Review)
    assert not ModelLogEntry.objects.filter(content_type=review_type).exists()


def test_coordinator_cannot_see_the_membership_history(reviews, client):
    membership, internship = reviews["membership"], reviews["internship"]
    coordinator = member_of("Internship coordinator", "coord")
    client.force_login(coordinator)
    assert_permission_denied(client.get("/admin/membership-forms/reviews/membership/history/"))
    own = history(client, "internship")
    assert internship.submission.reference in own
    assert membership.submission.reference not in own
    # Nor through Wagtail's site history report, which reads the same entries.
    report = client.get("/admin/reports/site-history/")
    assert report.status_code == 200
    assert internship.submission.reference in report.content.decode()
    assert membership.submission.reference not in report.content.decode()
    visible = ReviewLogEntry.objects.viewable_by_user(coordinator)
    assert set(visible.values_list("queue", flat=True)) == {"internship"}


def test_site_history_report_shows_review_entries_to_their_readers(reviews, client):
    client.force_login(member_of("Secretariat", "sec"))
    report = client.get("/admin/reports/site-history/")
    assert report.status_code == 200
    html = report.content.decode()
    assert reviews["membership"].submission.reference in html
    assert reviews["internship"].submission.reference not in html
    assert f"/admin/membership-forms/review/{reviews['membership'].pk}/" in html


def test_history_filters_by_queue_action_and_date(reviews, form_pages, api, client):
    supporter = _review(form_pages, api, "supporter")
    client.force_login(member_of("Secretariat", "sec"))
    client.get(f"/admin/membership-forms/review/{supporter.pk}/")  # a view, logged

    membership_html = history(client, "membership")
    assert reviews["membership"].submission.reference in membership_html
    assert supporter.submission.reference not in membership_html
    assert reviews["internship"].submission.reference not in membership_html

    views = history(client, "supporter", "?action=membership_forms.review.view")
    assert views.count('data-action="membership_forms.review.view"') == 1
    assert 'data-action="membership_forms.review.open"' not in views
    opens = history(client, "supporter", "?action=membership_forms.review.open")
    assert opens.count('class="mf-log-entry"') == 1

    today = timezone.localdate()
    yesterday = (today - timedelta(days=1)).isoformat()
    assert "mf-log-entry" not in history(client, "supporter", f"?date_to={yesterday}")
    assert (
        history(client, "supporter", f"?date_from={today.isoformat()}").count(
            'class="mf-log-entry"'
        )
        == 2
    )
    by_reference = history(client, "supporter", f"?reference={supporter.submission.reference}")
    assert by_reference.count('class="mf-log-entry"') == 2


def test_existing_entries_move_to_the_queue_table(reviews):
    """The migration moves the review entries written before it into the new table."""
    migration = importlib.import_module("membership_forms.migrations.0010_review_log_entries")
    review = reviews["membership"]
    ReviewLogEntry.objects.all().delete()
    old = ModelLogEntry.objects.log_action(review, "membership_forms.review.view")
    migration.forwards(apps, None)
    assert not ModelLogEntry.objects.filter(pk=old.pk).exists()
    moved = ReviewLogEntry.objects.for_instance(review).get()
    assert (moved.action, moved.queue, moved.timestamp) == (
        "membership_forms.review.view",
        "membership",
        old.timestamp,
    )
    migration.backwards(apps, None)
    assert not ReviewLogEntry.objects.exists()
    assert ModelLogEntry.objects.filter(object_id=str(review.pk)).count() == 1

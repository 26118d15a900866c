"""The submissions inbox and the audit log follow the review queues' permissions.

Each reviewer below holds one group's permissions (and `view_submission`, which opens the
inbox); what they may read there is what their queues may read. A submission outside
them is refused as everything in Wagtail's admin is (a redirect to the dashboard with
"Sorry, you do not have permission"), one that does not exist answers 404.
"""

import pytest
from django.contrib.auth.models import Permission, User

from membership_forms.models import ReviewLogEntry, Submission, SubmissionFile
from tests.conftest import assert_permission_denied

from .conftest import internship_files, multipart, submit_url, valid_payload
from .reviewing import member_of, screen

INBOX = "/admin/membership-forms/submissions/"
HISTORY = "/admin/reports/site-history/"


@pytest.fixture
def submissions(form_pages, api, no_stripe) -> dict[str, Submission]:
    """One submission of each kind; the membership and internship ones are in their queues."""
    made = {}
    for kind in ("membership", "internship", "newsletter", "donation"):
        url = submit_url(form_pages[kind]["en"])
        if kind == "internship":
            response = api.post(url, multipart(valid_payload(kind), internship_files()))
        else:
            response = api.post(url, valid_payload(kind), "application/json")
        assert response.status_code == 202, response.content
        made[kind] = Submission.objects.get(reference=response.json()["reference"])
    assert screen(made["membership"]) and screen(made["internship"])
    return made


def with_inbox(user: User, *codenames: str) -> User:
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_submission", *codenames])
    )
    return User.objects.get(pk=user.pk)  # a fresh permission cache


def listed(client, submissions) -> set[str]:
    response = client.get(INBOX)
    assert response.status_code == 200
    html = response.content.decode()
    return {kind for kind, submission in submissions.items() if submission.reference in html}


def test_the_inbox_lists_only_what_the_users_queues_may_read(submissions, client):
    client.force_login(with_inbox(member_of("Internship coordinator", "coord")))
    assert listed(client, submissions) == {"internship"}
    client.force_login(with_inbox(member_of("Secretariat", "sec")))
    assert listed(client, submissions) == {"membership", "donation"}
    client.force_login(with_inbox(member_of("Steering Committee", "member")))
    assert listed(client, submissions) == {"membership"}
    # Donations also for whoever reads the Donations listing; newsletter sign-ups for
    # whoever holds their own permission.
    treasurer = User.objects.create_user("treasurer", password="x" * 12)
    client.force_login(with_inbox(treasurer, "access_admin", "view_donation"))
    assert listed(client, submissions) == {"donation"}
    editor = User.objects.create_user("editor", password="x" * 12)
    client.force_login(with_inbox(editor, "access_admin", "view_newsletter_signups"))
    assert listed(client, submissions) == {"newsletter"}
    # view_submission alone opens an empty inbox.
    clerk = User.objects.create_user("clerk", password="x" * 12)
    client.force_login(with_inbox(clerk, "access_admin"))
    assert listed(client, submissions) == set()


def test_a_submission_outside_the_users_queues_is_refused(submissions, client):
    coordinator = member_of("Internship coordinator", "coord")
    client.force_login(with_inbox(coordinator, "change_submission"))
    own = client.get(f"{INBOX}{submissions['internship'].pk}/")
    assert own.status_code == 200
    assert "Lucía Pérez" in own.content.decode()
    for kind in ("membership", "newsletter", "donation"):
        assert_permission_denied(client.get(f"{INBOX}{submissions[kind].pk}/"), kind)
    assert client.get(f"{INBOX}999999/").status_code == 404
    assert_permission_denied(client.post(f"{INBOX}{submissions['membership'].pk}/retry/"))


def test_files_of_another_queue_are_refused(submissions, client):
    stored = SubmissionFile.objects.get(submission=submissions["internship"], field_key="resume")
    client.force_login(with_inbox(member_of("Secretariat", "sec")))
    assert_permission_denied(client.get(f"/admin/membership-forms/files/{stored.pk}/"))
    assert client.get("/admin/membership-forms/files/999999/").status_code == 404
    assert not ReviewLogEntry.objects.filter(action__endswith=".download").exists()


def test_every_view_of_personal_data_in_the_inbox_is_audited(submissions, client):
    from membership_forms.models import SubmissionLogEntry

    coordinator = with_inbox(member_of("Internship coordinator", "coord"))
    client.force_login(coordinator)
    internship = submissions["internship"]
    client.get(f"{INBOX}{internship.pk}/")
    stored = SubmissionFile.objects.get(submission=internship, field_key="resume")
    download = client.get(f"/admin/membership-forms/files/{stored.pk}/")
    assert download.status_code == 200
    b"".join(download.streaming_content)
    entries = ReviewLogEntry.objects.for_instance(internship.review).filter(user=coordinator)
    assert sorted(entries.values_list("action", flat=True)) == [
        "membership_forms.review.download",
        "membership_forms.review.view",
    ]
    assert entries.get(action__endswith="download").data["sha256"] == stored.sha256
    # A submission in no queue is logged on its own, with its kind.
    boss = User.objects.create_superuser("boss", "boss@example.org", "x" * 12)
    client.force_login(boss)
    assert client.get(f"{INBOX}{submissions['newsletter'].pk}/").status_code == 200
    entry = SubmissionLogEntry.objects.get(user=boss)
    assert (entry.action, entry.kind, entry.label) == (
        "membership_forms.submission.view",
        "newsletter",
        submissions["newsletter"].reference,
    )


def test_site_history_shows_each_user_only_the_entries_of_their_queues(submissions, client):
    boss = User.objects.create_superuser("boss", "boss@example.org", "x" * 12)
    client.force_login(boss)
    internship = submissions["internship"]
    stored = SubmissionFile.objects.get(submission=internship, field_key="resume")
    b"".join(client.get(f"/admin/membership-forms/files/{stored.pk}/").streaming_content)
    client.get(f"{INBOX}{submissions['newsletter'].pk}/")
    client.get(f"{INBOX}{submissions['donation'].pk}/")

    def history(user) -> set[str]:
        client.force_login(user)
        response = client.get(HISTORY)
        assert response.status_code == 200
        html = response.content.decode()
        return {kind for kind, submission in submissions.items() if submission.reference in html}

    # Secretariat holds the download permission too, but not the internship queue.
    assert history(member_of("Secretariat", "sec")) == {"membership", "donation"}
    assert history(member_of("Internship coordinator", "coord")) == {"internship"}
    assert history(boss) == {"membership", "internship", "newsletter", "donation"}


def test_earlier_download_entries_move_to_the_submissions_log(submissions):
    """The migration moves the entries Wagtail's own table held into the kind-aware one."""
    import importlib

    from django.apps import apps
    from wagtail.models import ModelLogEntry

    from membership_forms.models import SubmissionLogEntry

    migration = importlib.import_module("membership_forms.migrations.0019_access_control")
    internship = submissions["internship"]
    old = ModelLogEntry.objects.log_action(internship, "membership_forms.download_file")
    migration.forwards(apps, None)
    assert not ModelLogEntry.objects.filter(pk=old.pk).exists()
    moved = SubmissionLogEntry.objects.get(action="membership_forms.download_file")
    assert (moved.kind, moved.object_id, moved.timestamp) == (
        "internship",
        str(internship.pk),
        old.timestamp,
    )
    migration.backwards(apps, None)
    assert not SubmissionLogEntry.objects.exists()
    moved_back = ModelLogEntry.objects.filter(object_id=str(internship.pk))
    assert moved_back.filter(action="membership_forms.download_file").count() == 1

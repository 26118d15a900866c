"""The submissions inbox and the newsletter subscribers on Wagtail's generic listing:
filters, search, labels, bulk actions, audited exports, a constant number of queries."""

import io
import re
import uuid

import openpyxl
import pytest
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.users.models import UserProfile

from membership_forms.models import (
    NewsletterConsent,
    ReviewLogEntry,
    Submission,
    SubmissionLogEntry,
)
from tests.conftest import assert_permission_denied

from .reviewing import member_of
from .test_inbox_access import submissions, with_inbox  # noqa: F401 (a fixture)

INBOX = "/admin/membership-forms/submissions/"
SUBSCRIBERS = "/admin/membership-forms/subscribers/"
FORMULA = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture
def boss(client):
    user = User.objects.create_superuser("boss", "boss@example.org", "x" * 12)
    client.force_login(user)
    return user


def waiting(submission: Submission) -> Submission:
    """The sign-up as screening leaves it: waiting for the confirmation link."""
    submission.status = "pending_confirmation"
    submission.save(update_fields=["status"])
    return submission


def listed(client, url: str, submissions) -> set[str]:  # noqa: F811
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    return {kind for kind, submission in submissions.items() if submission.reference in html}


def test_filters_and_search_narrow_the_inbox(submissions, client, boss):  # noqa: F811
    assert listed(client, INBOX, submissions) == {
        "membership",
        "internship",
        "newsletter",
        "donation",
    }
    assert listed(client, f"{INBOX}?kind=internship", submissions) == {"internship"}
    assert listed(client, f"{INBOX}?status=in_review", submissions) == {
        "membership",
        "internship",
    }
    assert listed(client, f"{INBOX}?country=KE", submissions) == {"membership"}
    assert listed(client, f"{INBOX}?q=lucia@example", submissions) == {"internship"}
    assert listed(client, f"{INBOX}?q=Amina", submissions) == {"membership"}
    reference = submissions["donation"].reference
    assert listed(client, f"{INBOX}?q={reference}", submissions) == {"donation"}
    today = timezone.localdate().isoformat()
    assert listed(client, f"{INBOX}?submitted_at_from=2000-01-01", submissions) == set(submissions)
    assert listed(client, f"{INBOX}?submitted_at_to=2000-01-01", submissions) == set()
    assert listed(client, f"{INBOX}?submitted_at_from={today}&kind=donation", submissions) == {
        "donation"
    }
    # The results alone, as the filters refresh them, answer the same.
    assert listed(client, f"{INBOX}results/?kind=newsletter", submissions) == {"newsletter"}
    # Sortable by name.
    html = client.get(f"{INBOX}?ordering=contact_name").content.decode()
    names = [html.index(name) for name in ("Amina Odhiambo", "Lucía Pérez", "Reader", "Sam Lee")]
    assert names == sorted(names)
    html = client.get(f"{INBOX}?ordering=-contact_email").content.decode()
    emails = [html.index(email) for email in ("sam@", "reader@", "lucia@", "amina@")]
    assert emails == sorted(emails)
    for ordering in ("reference", "kind", "-status", "submitted_at"):
        assert client.get(f"{INBOX}?ordering={ordering}").status_code == 200


def test_labels_and_counts_not_codes(submissions, client, boss):  # noqa: F811
    waiting(submissions["newsletter"])
    html = client.get(INBOX).content.decode()
    assert "In review (2)" in html
    assert "Internship (1)" in html
    cells = " ".join(re.findall(r"<td[^>]*>(.*?)</td>", html, re.S))
    for code in ("in_review", "pending_confirmation", "internship", "newsletter"):
        assert not re.search(rf"(?<![\w/=-]){code}(?![\w-])", cells), code
    assert "Waiting for confirmation" in cells and "In review" in cells
    # In the staff member's own admin language.
    profile = UserProfile.get_for_user(boss)
    profile.preferred_language = "fr"
    profile.save()
    html = client.get(INBOX).content.decode()
    assert "En cours d\u2019examen (2)" in html and "Stage (1)" in html


def test_the_inbox_and_its_exports_show_only_the_kinds_the_user_may_read(
    submissions,  # noqa: F811
    client,
):
    coordinator = with_inbox(member_of("Internship coordinator", "coord"))
    client.force_login(coordinator)
    assert listed(client, f"{INBOX}?kind=membership", submissions) == {"internship"}
    response = client.get(f"{INBOX}?export=csv")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert submissions["internship"].reference in body
    assert not any(submissions[kind].reference in body for kind in ("membership", "newsletter"))
    entries = ReviewLogEntry.objects.filter(user=coordinator, action__endswith=".export")
    assert list(entries.values_list("object_id", flat=True)) == [
        str(submissions["internship"].review.pk)
    ]


def test_the_export_is_inert_and_audited(submissions, client, boss):  # noqa: F811
    newsletter = waiting(submissions["newsletter"])
    newsletter.payload["name"] = FORMULA
    newsletter.save(update_fields=["payload"])
    response = client.get(f"{INBOX}?export=xlsx&kind=newsletter")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Reference", "Kind", "Name", "Email", "Status")
    assert rows[1][:5] == (
        newsletter.reference,
        "Newsletter",
        "'" + FORMULA,
        "reader@example.org",
        "Waiting for confirmation",
    )
    assert rows[1][5] == "English"  # the language's name, not its code
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row if cell.value)
    entry = SubmissionLogEntry.objects.get(user=boss)
    assert (entry.action, entry.object_id, entry.data) == (
        "membership_forms.submission.export",
        str(newsletter.pk),
        {"format": "xlsx"},
    )


def test_bulk_export_selected_and_retry_failed(submissions, client, boss):  # noqa: F811
    failed, other = submissions["newsletter"], submissions["membership"]
    Submission.objects.filter(pk=failed.pk).update(status="failed")
    answer = client.post(f"{INBOX}bulk/", {"action": "csv", "selected": [failed.pk, other.pk]})
    assert answer.status_code == 302
    export = client.get(answer["Location"])
    assert export.status_code == 200
    body = b"".join(export.streaming_content).decode()
    assert failed.reference in body and other.reference in body
    assert submissions["internship"].reference not in body

    answer = client.post(f"{INBOX}bulk/", {"action": "retry", "selected": [failed.pk, other.pk]})
    assert (answer.status_code, answer["Location"]) == (302, INBOX)
    failed.refresh_from_db()
    other.refresh_from_db()
    assert failed.status == "received" and other.status != "received"
    assert client.post(f"{INBOX}bulk/").status_code == 302
    assert client.get(f"{INBOX}bulk/").status_code == 405


def _make(count: int, start: int = 0) -> None:
    form_key = uuid.uuid4()
    Submission.objects.bulk_create(
        Submission(
            reference=f"NEW-T-{start + number:05d}",
            kind="newsletter",
            form_key=form_key,
            locale="fr",
            status="confirmed",
            payload={"email": f"r{number}@example.org", "name": f"Reader {number}"},
        )
        for number in range(count)
    )
    NewsletterConsent.objects.bulk_create(
        NewsletterConsent(submission=submission, confirmed_at=timezone.now())
        for submission in Submission.objects.filter(reference__startswith="NEW-T-")
        if not hasattr(submission, "consent")
    )


@pytest.mark.parametrize("url", [INBOX, SUBSCRIBERS])
def test_the_first_page_takes_as_many_queries_for_10_rows_as_for_100(db, client, boss, url):
    _make(10)
    with CaptureQueriesContext(connection) as ten:
        assert client.get(url).status_code == 200
    _make(90, start=10)
    with CaptureQueriesContext(connection) as hundred:
        response = client.get(url)
    assert response.status_code == 200
    assert "NEW-T-00099" in response.content.decode() or url == SUBSCRIBERS
    assert len(hundred) == len(ten), [query["sql"] for query in hundred]


def test_subscribers_listing(submissions, client, boss):  # noqa: F811
    waiting(submissions["newsletter"])
    _make(2)
    Submission.objects.filter(reference="NEW-T-00001").update(status="unsubscribed")
    html = client.get(SUBSCRIBERS).content.decode()
    assert "r0@example.org" in html and "reader@example.org" in html
    assert "r1@example.org" not in html  # unsubscribed
    assert "French" in html and "English" in html
    confirmed = client.get(f"{SUBSCRIBERS}?confirmed=true").content.decode()
    assert "r0@example.org" in confirmed and "reader@example.org" not in confirmed
    unconfirmed = client.get(f"{SUBSCRIBERS}?confirmed=false").content.decode()
    assert "r0@example.org" not in unconfirmed and "reader@example.org" in unconfirmed
    french = client.get(f"{SUBSCRIBERS}?locale=fr").content.decode()
    assert "r0@example.org" in french and "reader@example.org" not in french
    for ordering in ("confirmed_at", "-subscriber_email", "locale", "source_form"):
        assert client.get(f"{SUBSCRIBERS}?ordering={ordering}").status_code == 200
    found = client.get(f"{SUBSCRIBERS}?q=READER@").content.decode()
    assert "reader@example.org" in found and "r0@example.org" not in found

    export = client.get(f"{SUBSCRIBERS}?export=xlsx&locale=fr")
    assert export.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Email", "Name", "Language", "Confirmed", "Source form")
    assert rows[1][:3] == ("r0@example.org", "Reader 0", "French")
    assert SubmissionLogEntry.objects.filter(user=boss, action__endswith=".export").count() == 1
    everyone = client.get(f"{SUBSCRIBERS}?export=csv")
    lines = b"".join(everyone.streaming_content).decode().splitlines()
    assert len(lines) == 3 and any(line.startswith("reader@example.org,") for line in lines)


def test_subscribers_need_the_newsletter_permission(submissions, client):  # noqa: F811
    waiting(submissions["newsletter"])
    editor = User.objects.create_user("editor", password="x" * 12)
    editor.user_permissions.add(
        *Permission.objects.filter(codename__in=["access_admin", "view_newsletter_signups"])
    )
    client.force_login(editor)
    response = client.get(SUBSCRIBERS)
    assert response.status_code == 200
    assert "reader@example.org" in response.content.decode()
    assert SUBSCRIBERS in client.get("/admin/").content.decode()
    client.force_login(with_inbox(member_of("Secretariat", "sec")))
    assert_permission_denied(client.get(SUBSCRIBERS))
    assert SUBSCRIBERS not in client.get("/admin/").content.decode()

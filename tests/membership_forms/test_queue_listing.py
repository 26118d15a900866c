"""The review queues' listing (Wagtail's IndexView): words not codes, filters, exports,
and a first page whose cost does not grow with the queue."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.users.models import UserProfile

from membership_forms import kinds
from membership_forms.models import (
    Review,
    ReviewLogEntry,
    ReviewQueue,
    ReviewStatus,
    ScreeningOutcome,
    Submission,
)
from membership_forms.regions import REGIONS

from .reviewing import member_of

GROUPS = {
    "membership": "Secretariat",
    "supporter": "Secretariat",
    "internship": "Internship coordinator",
    "donation": "Secretariat",
}
COUNTRIES = ["KE", "FR", "BR", "JP"]
TERMS = ["summer-2027", "fall-2027"]
REGION_OF = {"KE": "africa", "FR": "europe", "BR": "americas", "JP": "asia-pacific"}


def fill_queue(queue: str, count: int, reviewer=None) -> list[Review]:
    """`count` screened items in `queue`, made directly: every status, outcome and country."""
    spec = kinds.for_queue(queue)
    assert spec is not None
    now = timezone.now()
    statuses = list(ReviewStatus.values)
    submissions = Submission.objects.bulk_create(
        Submission(
            reference=f"T{queue[:3].upper()}-{uuid.uuid4().hex[:10]}",
            kind=spec.key,
            form_key=uuid.uuid4(),
            locale="en",
            status="in_review",
            payload={
                spec.name_field: f"Person {i}",
                spec.email_field: f"person{i}@example.org",
                "organisation_name": f'=HYPERLINK("x") Org {i}',
            },
        )
        for i in range(count)
    )
    return Review.objects.bulk_create(
        Review(
            submission=submission,
            queue=queue,
            status=statuses[i % len(statuses)],
            status_changed_at=now,
            outcome=ScreeningOutcome.values[i % 3],
            reason_codes=["DUPLICATE_EMAIL"],
            country=COUNTRIES[i % 4],
            region=REGION_OF[COUNTRIES[i % 4]],
            assigned_to=reviewer if i % 2 else None,
            submitted_at=now - timedelta(days=3 + i),
            term=TERMS[i % 2] if queue == ReviewQueue.INTERNSHIP else "",
        )
        for i, submission in enumerate(submissions)
    )


def cells(html: str) -> list[str]:
    """The text of every cell of the listing's table body."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        re.sub(r"<[^>]+>|\s+", " ", cell).strip() for cell in re.findall(r"<td.*?</td>", body, re.S)
    ]


CODES = {
    *ReviewStatus.values,
    *ScreeningOutcome.values,
    *REGIONS.keys(),
    *COUNTRIES,
    *TERMS,
    "DUPLICATE_EMAIL",
}


@pytest.fixture
def reviewer(db):
    return member_of("Secretariat", "sec", first_name="Amina", last_name="Diallo")


@pytest.mark.parametrize("queue", ReviewQueue.values)
@pytest.mark.parametrize("language", ["en", "fr", "es", "ar"])
def test_every_column_and_filter_speaks_in_words(queue, language, db, client):
    user = member_of(GROUPS[queue], f"u{queue}", first_name="Amina", last_name="Diallo")
    fill_queue(queue, 8, reviewer=user)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    client.force_login(user)
    url = f"/admin/membership-forms/reviews/{queue}/"
    for params in [
        {},
        {"status": "approved"},
        {"outcome": "eligible"},
        {"country": "ke"},
        {"region": "africa"},
        {"term": "summer-2027"},
        {"age": "7"},
        {"assigned_to": str(user.pk)},
        {"assigned_to": "none"},
        {"q": "person"},
        {"ordering": "-country"},
    ]:
        response = client.get(url, params)
        assert response.status_code == 200, params
        html = response.content.decode()
        found = cells(html)
        assert found, params
        raw = [cell for cell in found if cell in CODES]
        assert raw == [], (params, raw)
        # The filter panel offers labels too: no option shows a bare code.
        options = re.findall(r"<option value=\"([^\"]+)\"[^>]*>([^<]*)</option>", html)
        assert not [(v, t) for v, t in options if t.strip() in CODES], params
    screening = cells(client.get(url, {"status": "screening"}).content.decode())
    assert "Amina Diallo" in screening and "Person 1" in screening
    if language == "en":
        assert "Screening" in screening and "France" in screening
        assert any(re.fullmatch(r"\d+ (days|weeks)", cell) for cell in screening), screening


def test_first_page_costs_the_same_at_10_and_200_items(reviewer, client):
    client.force_login(reviewer)
    url = "/admin/membership-forms/reviews/membership/"
    counts = []
    for size in (10, 190):
        fill_queue("membership", size, reviewer=reviewer)
        client.get(url)  # warm the per-process caches (content types, site)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"status": "screening"}).status_code == 200
        counts.append(len(queries))
    assert Review.objects.count() == 200
    # Session, user, permissions and the admin's menu (9), the count, the page, the
    # reviewers offered by the filter: the same whatever the queue's size.
    assert counts[0] == counts[1] <= 12, counts


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_of_the_filtered_queue_is_labelled_inert_and_logged(fmt, reviewer, client):
    fill_queue("membership", 12, reviewer=reviewer)
    client.force_login(reviewer)
    response = client.get(
        "/admin/membership-forms/reviews/membership/", {"country": "KE", "export": fmt}
    )
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    else:
        sheet = load_workbook(io.BytesIO(content)).active
        rows = [
            [cell if cell is not None else "" for cell in row]
            for row in sheet.iter_rows(values_only=True)
        ]
    heading, *items = rows
    assert heading[:4] == ["Reference", "Email", "Applicant", "Organisation"]
    assert "Country" in heading and "Next step" in heading and "Type of organisation" in heading
    kenya = Review.objects.filter(country="KE")
    assert len(items) == kenya.count() == 3
    country = heading.index("Country")
    assert {row[country] for row in items} == {"Kenya"}
    organisation = heading.index("Organisation")
    assert all(str(row[organisation]).startswith("'=HYPERLINK") for row in items)
    logged = ReviewLogEntry.objects.filter(action="membership_forms.review.export")
    assert sorted(int(entry.object_id) for entry in logged) == sorted(
        kenya.values_list("pk", flat=True)
    )
    assert {entry.data["format"] for entry in logged} == {fmt}


def test_a_reader_of_another_queue_is_refused(db, client):
    fill_queue("membership", 2)
    client.force_login(member_of("Internship coordinator", "coord"))
    response = client.get("/admin/membership-forms/reviews/membership/", {"export": "csv"})
    assert response.status_code in (302, 403)
    assert not ReviewLogEntry.objects.exists()


def test_reference_reads_left_to_right_and_long_names_keep_their_whole_text(reviewer, client):
    """In Arabic the reference stays MEM-… left to right; a long name, cut to two lines
    on screen, keeps its whole text in the tooltip; the chosen country stays chosen."""
    fill_queue("membership", 3, reviewer=reviewer)
    profile = UserProfile.get_for_user(reviewer)
    profile.preferred_language = "ar"
    profile.save()
    client.force_login(reviewer)
    response = client.get("/admin/membership-forms/reviews/membership/", {"country": "fr"})
    html = response.content.decode()
    references = re.findall(r'<bdi class="mf-reference" dir="ltr">([^<]+)</bdi>', html)
    assert references == [Review.objects.get(country="FR").submission.reference]
    assert re.search(r'<span class="mf-clamp" dir="auto" title="Person 1">Person 1</span>', html)
    chosen = re.findall(r'<option value="(\w+)" selected>', html)
    assert "FR" in chosen, chosen


def test_the_coordinator_lists_and_exports_one_term(db, client):
    coordinator = member_of("Internship coordinator", "coord")
    fill_queue(ReviewQueue.INTERNSHIP, 6)
    client.force_login(coordinator)
    url = "/admin/membership-forms/reviews/internship/"
    page = client.get(url, {"term": "fall-2027"}).content.decode()
    found = cells(page)
    assert found.count("Fall 2027") == 3 and "Summer 2027" not in found
    # The filter offers the queue's terms, latest first, in words.
    options = re.findall(r'<option value="([a-z]+-\d{4})"[^>]*>([^<]*)</option>', page)
    assert options == [("fall-2027", "Fall 2027"), ("summer-2027", "Summer 2027")]
    exported = client.get(url, {"term": "fall-2027", "export": "csv"})
    rows = list(csv.DictReader(io.StringIO(exported.getvalue().decode("utf-8-sig"))))
    assert len(rows) == 3 and {row["Term"] for row in rows} == {"Fall 2027"}
    # Other queues have no term to filter by.
    client.force_login(member_of("Secretariat", "sec2"))
    membership = client.get("/admin/membership-forms/reviews/membership/").content.decode()
    assert 'name="term"' not in membership

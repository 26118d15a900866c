"""Exports, retention purges, reminders, term close-out and ballot deadlines: each task twice."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from openpyxl import load_workbook

from membership_forms import tasks as export_tasks
from membership_forms import tasks as review_tasks
from membership_forms.models import (
    CommitteeRules,
    Export,
    Notification,
    Review,
    ReviewLogEntry,
    Submission,
    SubmissionFile,
)
from membership_forms.services import exports
from membership_forms.services import reviews as services
from membership_forms.services.submissions import private_storage
from tests.documents import good_internship_files

from .conftest import multipart, stored_files, submit_url, valid_payload
from .reviewing import member_of, screen

FORMULA = '=HYPERLINK("http://evil.example","click")'


def submitted(form_pages, api, kind, **changes):
    page = form_pages[kind]["en"]
    response = api.post(
        submit_url(page), valid_payload(kind) | changes, content_type="application/json"
    )
    assert response.status_code == 202, response.content
    return Submission.objects.get(reference=response.json()["reference"])


@pytest.fixture
def secretariat(db):
    return member_of("Secretariat", "sec")


def test_safe_cell_quotes_formulas():
    for value in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert exports.safe_cell(value) == "'" + value
    assert exports.safe_cell("Peace") == "Peace"
    assert exports.safe_cell(["A", "B"]) == "A, B"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_is_safe_from_formula_injection(form_pages, api, secretariat, client, fmt):
    submission = submitted(form_pages, api, "membership", organisation_name=FORMULA)
    screen(submission, "eligible")
    export = exports.request_export(secretariat, "membership", fmt)
    export_tasks.build_export(export.pk)
    export_tasks.build_export(export.pk)  # a rerun keeps the first file
    export.refresh_from_db()
    assert export.status == "ready" and export.rows == 1
    assert Export.objects.count() == 1
    client.force_login(secretariat)
    response = client.get(f"/admin/membership-forms/exports/{export.pk}/")
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        cells = rows[1]
    else:
        sheet = load_workbook(io.BytesIO(content)).active
        cells = [cell.value for cell in list(sheet.iter_rows())[1]]
    assert "'" + FORMULA in cells
    assert FORMULA not in cells
    assert "amina@example.org" not in str(cells)
    assert ReviewLogEntry.objects.filter(action="membership_forms.review.export").exists()


def test_export_belongs_to_its_requester(form_pages, secretariat, client):
    export = exports.request_export(secretariat, "supporter", "csv")
    exports.build_export(export.pk)
    other = member_of("Secretariat", "other")
    client.force_login(other)
    assert client.get(f"/admin/membership-forms/exports/{export.pk}/").status_code == 404
    with pytest.raises(PermissionDenied):
        exports.request_export(member_of("Internship coordinator", "coord"), "membership", "csv")


def test_retention_purge_removes_personal_data_once(
    form_pages, api, secretariat, django_capture_on_commit_callbacks
):
    page = form_pages["internship"]["en"]
    payload = valid_payload("internship") | {"study_level": "other"}
    response = api.post(submit_url(page), multipart(payload, good_internship_files()))
    submission = Submission.objects.get(reference=response.json()["reference"])
    screen(submission, "needs_review", ("NOT_ADVANCED_STUDENT",))
    coordinator = member_of("Internship coordinator", "coord")
    services.withdraw_review(submission.review.pk, coordinator)
    kept = submitted(form_pages, api, "supporter")
    screen(kept, "eligible")
    names = list(SubmissionFile.objects.values_list("stored_name", flat=True))
    assert len(names) == 3
    Review.objects.filter(pk=submission.review.pk).update(
        decided_at=timezone.now() - timedelta(days=400)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert review_tasks.purge_expired_applicants() == 1
        assert review_tasks.purge_expired_applicants() == 0
    submission.refresh_from_db()
    review = Review.objects.get(submission=submission)
    assert submission.payload == {} and not submission.files.exists()
    assert "Lucía" not in str(submission.screening)
    assert not any(private_storage().exists(name) for name in names)
    assert all(path.name not in names for path in stored_files())
    # Anonymous counts stay: kind, outcome, status, month, country.
    assert (submission.kind, review.outcome, review.status) == (
        "internship",
        "needs_review",
        "withdrawn",
    )
    assert review.submitted_at and review.purged_at
    assert ReviewLogEntry.objects.filter(object_id=str(review.pk)).count() >= 3
    assert Submission.objects.get(pk=kept.pk).payload["contact_email"] == "amina@example.org"


def test_reminders_once_a_day(form_pages, api):
    submission = submitted(form_pages, api, "supporter")
    screen(submission, "eligible")
    fresh = submitted(form_pages, api, "supporter")
    screen(fresh, "eligible")
    Review.objects.filter(submission=submission).update(
        status_changed_at=timezone.now() - timedelta(days=30)
    )
    assert review_tasks.send_review_reminders() == 1
    assert review_tasks.send_review_reminders() == 0
    (reminder,) = Notification.objects.filter(kind="reminder")
    assert reminder.submission == submission
    assert reminder.discriminator.startswith(date.today().isoformat() + ":")
    assert reminder.recipient == "secretariat@example.org"


def test_internship_reviews_flagged_after_their_term(form_pages, api):
    page = form_pages["internship"]["en"]
    response = api.post(
        submit_url(page), multipart(valid_payload("internship"), good_internship_files())
    )
    submission = Submission.objects.get(reference=response.json()["reference"])
    screen(submission, "eligible")
    assert review_tasks.flag_closed_terms() == 0
    Review.objects.filter(submission=submission).update(term="summer-2020")
    assert review_tasks.flag_closed_terms() == 1
    assert review_tasks.flag_closed_terms() == 0
    review = Review.objects.get(submission=submission)
    assert review.flagged and review.status == "screening"


def test_ballot_deadline_task(form_pages, api, secretariat):
    for i in range(CommitteeRules.load().quorum):  # a vote opens only with enough voters
        member_of("Steering Committee", f"member{i}")
    submission = submitted(form_pages, api, "membership")
    screen(submission, "eligible")
    review = services.approve_review(submission.review.pk, secretariat)
    review.ballots.update(closes_at=timezone.now() - timedelta(minutes=1))
    assert review_tasks.close_expired_ballots() == 1
    assert review_tasks.close_expired_ballots() == 0
    review.refresh_from_db()
    assert review.status == "no_quorum"

"""Periodic tasks and failures: digests, task runs, and the `failed` state with its retry."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from cms.models import TaskRun
from cms.operations import record_task_run
from membership_forms.models import Notification, Submission
from membership_forms.tasks import (
    process_submission,
    requeue_stalled_submissions,
    send_staff_digests,
)
from tests.conftest import wait_for
from tests.documents import good_internship_files
from tests.membership_forms.conftest import multipart, submit_url, valid_payload
from tests.smtp import text


def _submit(api, page):
    response = api.post(
        submit_url(page), json.dumps(valid_payload(page.kind)), content_type="application/json"
    )
    return Submission.objects.get(reference=response.json()["reference"])


@pytest.mark.django_db(transaction=True)
def test_digest_twice_one_email_per_recipient(live_form_pages, celery_worker, smtp_server, api):
    page = live_form_pages["donation"]["en"]
    page.staff_digest = True
    page.staff_recipients = "a@example.org, b@example.org"
    page.save_revision().publish()
    submission = _submit(api, page)

    def screened():
        """screened, acknowledgement sent, no immediate staff alert"""
        submission.refresh_from_db()
        return Notification.objects.filter(submission=submission, status="sent").count() == 1

    wait_for(screened, timeout=30)
    assert not Notification.objects.filter(kind="staff_alert").exists()
    Submission.objects.filter(pk=submission.pk).update(
        processed_at=timezone.now() - timedelta(days=1)
    )
    smtp_server.clear()
    assert send_staff_digests() == 2
    assert send_staff_digests() == 0

    def mailed():
        """both digests delivered"""
        return len(smtp_server.messages) == 2

    wait_for(mailed, timeout=30)
    assert len(smtp_server.settle()) == 2
    digest = smtp_server.to("a@example.org")[0]
    assert submission.reference in text(digest)
    assert Notification.objects.filter(kind="digest", submission=None).count() == 2


@pytest.mark.django_db(transaction=True)
def test_periodic_task_runs_are_recorded(live_form_pages, celery_worker):
    requeue_stalled_submissions.delay()
    requeue_stalled_submissions.delay()

    def recorded():
        """two successful runs recorded"""
        run = TaskRun.objects.filter(name="tasks.submissions.requeue_stalled_submissions").first()
        return run and run.successes == 2

    wait_for(recorded, timeout=30)
    record_task_run("tasks.submissions.requeue_stalled_submissions", error="OSError: boom")
    admin = User.objects.create_superuser("ops", "ops@example.org", "x" * 12)
    client = Client()
    client.force_login(admin)
    report = client.get("/admin/operations/tasks/")
    assert report.status_code == 200
    assert b"OSError: boom" in report.content and b"requeue-stalled-submissions" in report.content


@pytest.mark.django_db(transaction=True)
def test_screening_that_exhausts_retries_is_failed_and_retried_by_staff(
    live_form_pages, celery_worker, smtp_server, api, settings, monkeypatch
):
    monkeypatch.setattr(process_submission, "max_retries", 0)
    settings.MEMBERSHIP_FORMS = {**settings.MEMBERSHIP_FORMS, "CLAMD_SOCKET": "/nonexistent.sock"}
    page = live_form_pages["internship"]["en"]
    response = api.post(
        submit_url(page), multipart(valid_payload("internship"), good_internship_files())
    )
    submission = Submission.objects.get(reference=response.json()["reference"])

    def failed():
        """the scanner was down for every attempt"""
        submission.refresh_from_db()
        return submission.status == "failed"

    wait_for(failed, timeout=30)
    assert "ScanUnavailable" in submission.screening["error"]
    assert process_submission(submission.pk) is False  # a stray rerun changes nothing

    settings.MEMBERSHIP_FORMS = {**settings.MEMBERSHIP_FORMS, "CLAMD_SOCKET": None}
    admin = User.objects.create_superuser("boss", "boss@example.org", "x" * 12)
    client = Client()
    client.force_login(admin)
    detail = client.get(f"/admin/membership-forms/submissions/{submission.pk}/")
    assert b"ScanUnavailable" in detail.content
    url = f"/admin/membership-forms/submissions/{submission.pk}/retry/"
    assert client.post(url).status_code == 302

    def screened():
        """screened after the retry, and waiting in the internship queue"""
        submission.refresh_from_db()
        return submission.status == "in_review"

    wait_for(screened, timeout=60)
    assert submission.screening["outcome"] == "eligible"
    assert client.post(url).status_code == 302  # not failed any more: nothing happens

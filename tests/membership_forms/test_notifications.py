"""Emails: recorded once, rendered safely, sent once by the worker, retried when SMTP is down."""

from __future__ import annotations

import json

import pytest

from membership_forms.models import Notification, NotificationStatus, Submission
from membership_forms.services.email_texts import fill, render_notification
from membership_forms.services.notifications import queue_notification
from membership_forms.services.screening import screen_submissions
from membership_forms.tasks import (
    process_submission,
    requeue_stalled_submissions,
    send_notifications,
)
from tests.conftest import wait_for
from tests.smtp import subject, text

from .conftest import submit_url, valid_payload


def test_fill_escapes_html_and_leaves_unknown_placeholders():
    values = {"name": "<b>Ann</b> & co", "reference": "MEM-2026-00001"}
    template = "Dear {name}, ref {reference}; {unknown} {name.__class__} <i>"
    assert fill(template, values, escape=False) == (
        "Dear <b>Ann</b> & co, ref MEM-2026-00001; {unknown} {name.__class__} <i>"
    )
    assert fill(template, values, escape=True) == (
        "Dear &lt;b&gt;Ann&lt;/b&gt; &amp; co, ref MEM-2026-00001; {unknown} "
        "{name.__class__} &lt;i&gt;"
    )


def _submit(api, page, payload=None):
    response = api.post(
        submit_url(page),
        json.dumps(payload or valid_payload(page.kind)),
        content_type="application/json",
    )
    assert response.status_code == 202
    return Submission.objects.get(reference=response.json()["reference"])


def test_queue_notification_is_idempotent_and_respects_the_confirmation_limit(form_pages, api):
    submission = _submit(api, form_pages["membership"]["en"])
    first = queue_notification(submission, "receipt", discriminator="7", context={"amount": "5"})
    again = queue_notification(submission, "receipt", discriminator="7")
    other = queue_notification(submission, "receipt", discriminator="8")
    assert first.pk == again.pk != other.pk
    assert first.recipient == "amina@example.org" and first.context == {"amount": "5"}
    submission.confirmation_allowed = False
    assert queue_notification(submission, "acknowledgement").status == "suppressed"
    staff = queue_notification(submission, "staff_alert")
    assert staff.recipient == "secretariat@example.org" and staff.status == "pending"


@pytest.mark.django_db(transaction=True)
def test_each_task_twice_one_effect_one_email(live_form_pages, celery_worker, smtp_server, api):
    page = live_form_pages["membership"]["fr"]
    payload = {**valid_payload("membership"), "contact_name": "<script>x</script> Ana"}
    response = api.post(
        submit_url(page), json.dumps(payload), content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="fr",
    )  # fmt: skip
    reference = response.json()["reference"]
    submission = Submission.objects.get(reference=reference)

    def mailed():
        """acknowledgement and staff alert delivered"""
        return len(smtp_server.messages) == 2

    wait_for(mailed, timeout=30)
    # The worker ran it once already; the task run twice more changes nothing.
    assert process_submission(submission.pk) is False
    assert process_submission(submission.pk) is False
    emails = list(Notification.objects.filter(submission=submission).values_list("pk", flat=True))
    assert set(Notification.objects.filter(pk__in=emails).values_list("status", flat=True)) == {
        NotificationStatus.SENT
    }
    assert send_notifications(emails) == 0
    assert send_notifications(emails) == 0
    assert requeue_stalled_submissions() == 0
    assert requeue_stalled_submissions() == 0
    messages = smtp_server.settle()
    assert len(messages) == 2
    acknowledgement = smtp_server.to("amina@example.org")[0]
    assert subject(acknowledgement) == "Nous avons bien reçu votre demande d’adhésion"  # noqa: RUF001
    html = acknowledgement.get_body(("html",)).get_content()
    assert "&lt;script&gt;x&lt;/script&gt; Ana" in html and "<script>" not in html
    assert 'lang="fr"' in html
    assert "<script>x</script> Ana" in acknowledgement.get_body(("plain",)).get_content()
    alert = smtp_server.to("secretariat@example.org")[0]
    assert reference in subject(alert)
    assert f"/admin/membership-forms/submissions/{submission.pk}/" in text(alert)


@pytest.mark.django_db(transaction=True)
def test_a_screening_task_takes_on_waiting_submissions_and_mails_them_together(
    live_form_pages, celery_worker, smtp_server, api
):
    """Three submissions whose messages the broker lost: the first task screens all three
    and their six emails go out over one SMTP connection; the other two tasks find nothing."""
    from membership_forms.queueing import queue_submission
    from membership_forms.signals import submission_received

    page = live_form_pages["membership"]["en"]
    submission_received.disconnect(dispatch_uid="membership_forms.queue_submission")
    try:
        submissions = [
            _submit(api, page, {**valid_payload("membership"), "contact_email": f"a{n}@ex.org"})
            for n in range(3)
        ]
    finally:
        submission_received.connect(
            queue_submission, dispatch_uid="membership_forms.queue_submission"
        )
    assert {s.status for s in Submission.objects.filter(pk__in=[s.pk for s in submissions])} == {
        "received"
    }

    assert process_submission(submissions[0].pk) is True
    assert not Submission.objects.filter(status="received").exists()

    def mailed():
        """an acknowledgement and a staff alert for each"""
        return len(smtp_server.messages) == 6

    wait_for(mailed, timeout=30)
    assert process_submission(submissions[1].pk) is False
    assert process_submission(submissions[2].pk) is False
    assert len(smtp_server.settle()) == 6
    assert smtp_server.connection_count == 1
    assert sorted(len(smtp_server.to(f"a{n}@ex.org")) for n in range(3)) == [1, 1, 1]


@pytest.mark.parametrize("batch_from", ["web", "sweep"])
@pytest.mark.django_db(transaction=True)
def test_a_submission_that_cannot_be_screened_does_not_hold_up_the_batch(
    live_form_pages, celery_worker, smtp_server, api, settings, batch_from
):
    """clamd is unreachable, so the internship (it has files) cannot be screened: the
    membership application behind it is screened all the same; the internship stays
    `received` for its own task's retries."""
    from membership_forms.queueing import queue_submission
    from membership_forms.services.screening import screen_submissions, screen_waiting
    from membership_forms.signals import submission_received
    from tests.documents import good_internship_files

    from .conftest import multipart

    settings.MEMBERSHIP_FORMS = {**settings.MEMBERSHIP_FORMS, "CLAMD_SOCKET": "/nonexistent"}
    submission_received.disconnect(dispatch_uid="membership_forms.queue_submission")
    try:
        first = _submit(api, live_form_pages["membership"]["en"])
        response = api.post(
            submit_url(live_form_pages["internship"]["en"]),
            multipart(valid_payload("internship"), good_internship_files()),
        )
        assert response.status_code == 202, response.content
        internship = Submission.objects.get(reference=response.json()["reference"])
        second = _submit(
            api,
            live_form_pages["supporter"]["en"],
            {**valid_payload("supporter"), "contact_email": "second@example.net"},
        )
    finally:
        submission_received.connect(
            queue_submission, dispatch_uid="membership_forms.queue_submission"
        )

    ids = [first.pk, internship.pk, second.pk]
    if batch_from == "web":  # the relay's message: the failed one goes to its own task
        assert screen_submissions(ids) == [internship.pk]
    else:  # the sweep's task for one submission takes on the others
        assert screen_waiting(first.pk) is True
    statuses = dict(Submission.objects.filter(pk__in=ids).values_list("pk", "status"))
    assert statuses[internship.pk] == "received"
    assert statuses[first.pk] == statuses[second.pk] == "in_review"


@pytest.mark.django_db(transaction=True)
def test_smtp_down_then_back_delivers_once(live_form_pages, celery_worker, smtp_server, api):
    smtp_server.stop()
    submission = _submit(api, live_form_pages["donation"]["en"])

    def retried():
        """the acknowledgement failed at least once"""
        return Notification.objects.filter(
            submission=submission, kind="acknowledgement", attempts__gte=1, status="pending"
        ).exists()

    wait_for(retried, timeout=30)
    failed = Notification.objects.get(submission=submission, kind="acknowledgement")
    assert failed.last_error
    smtp_server.start()

    def delivered():
        """both emails sent after SMTP came back"""
        return Notification.objects.filter(submission=submission, status="sent").count() == 2

    wait_for(delivered, timeout=60)
    assert len(smtp_server.settle(1.0)) == 2
    sent = Notification.objects.get(submission=submission, kind="acknowledgement")
    assert sent.attempts >= 2 and sent.sent_at and sent.last_error == ""


@pytest.mark.django_db(transaction=True)
def test_exhausted_retries_end_failed_and_staff_can_retry(
    live_form_pages,
    celery_worker,
    smtp_server,
    api,
    monkeypatch,
):
    from membership_forms.services.notifications import retry_notification

    monkeypatch.setattr(send_notifications, "max_retries", 0)
    smtp_server.stop()
    submission = _submit(api, live_form_pages["donation"]["en"])

    def failed():
        """both emails failed for good"""
        return Notification.objects.filter(submission=submission, status="failed").count() == 2

    wait_for(failed, timeout=30)
    smtp_server.start()
    for notification in Notification.objects.filter(submission=submission):
        assert retry_notification(notification.pk) is True
        assert retry_notification(notification.pk) is False

    def sent():
        """both emails sent after the retry"""
        return Notification.objects.filter(submission=submission, status="sent").count() == 2

    wait_for(sent, timeout=30)
    assert len(smtp_server.settle()) == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_batches_send_one_address_no_more_confirmations_than_the_limit(
    live_form_pages, celery_worker, smtp_server, api, settings
):
    """Four workers screen interleaved batches of one address's twelve sign-ups at the
    same moment: the address gets its three confirmations a day, whoever asks first."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    from membership_forms.queueing import queue_submission
    from membership_forms.signals import submission_received
    from membership_forms.tasks import process_submissions

    settings.MEMBERSHIP_FORMS = {**settings.MEMBERSHIP_FORMS, "SUBMISSION_RATE_LIMIT": "100/m"}
    page = live_form_pages["newsletter"]["en"]
    submission_received.disconnect(dispatch_uid="membership_forms.queue_submission")
    try:
        ids = [
            _submit(api, page, {"email": "same@example.org", "name": f"Reader {n}"}).pk
            for n in range(12)
        ]
    finally:
        submission_received.connect(
            queue_submission, dispatch_uid="membership_forms.queue_submission"
        )
    batches = [ids[start::4] for start in range(4)]  # as four web processes queued them
    ready = threading.Barrier(len(batches))

    def work(batch):
        ready.wait()
        try:
            return process_submissions(batch)  # the task's body, as a worker runs it
        finally:
            connection.close()

    with ThreadPoolExecutor(len(batches)) as workers:
        assert sum(workers.map(work, batches)) == 12

    def delivered():
        """every confirmation sent or suppressed"""
        return not Notification.objects.filter(
            kind="newsletter_confirmation", status="pending"
        ).exists()

    wait_for(delivered, timeout=60)
    allowed = Submission.objects.filter(pk__in=ids, confirmation_allowed=True).count()
    assert allowed == 3
    assert len(smtp_server.to("same@example.org")) == 3
    statuses = Notification.objects.filter(kind="newsletter_confirmation").values_list(
        "status", flat=True
    )
    assert sorted(statuses) == ["sent"] * 3 + ["suppressed"] * 9


def test_the_staff_alert_names_the_screening_outcome_in_words(form_pages, api):
    # Unregistered: the rules send it to review.
    payload = {**valid_payload("supporter"), "legally_registered": False}
    submission = _submit(api, form_pages["supporter"]["en"], payload)
    assert screen_submissions([submission.pk]) == []
    alert = Notification.objects.get(submission=submission, kind="staff_alert")
    body = render_notification(alert).body
    assert "Screening: Needs review." in body
    assert "needs_review" not in body


def test_an_email_purged_while_its_batch_is_sent_goes_nowhere(form_pages, api, smtp_server):
    """A worker reads its batch of emails first; if retention purges an applicant before
    their email's turn, the worker's copy of the address is not used."""
    from django.core.mail import get_connection

    from membership_forms.services.notifications import _deliver

    submission = _submit(api, form_pages["membership"]["en"])
    notification = queue_notification(submission, "receipt", discriminator="9")
    read_with_the_batch = Notification.objects.select_related("submission").get(pk=notification.pk)
    Notification.objects.filter(pk=notification.pk).update(recipient="", context={})  # purged

    connection = get_connection()
    try:
        assert _deliver(read_with_the_batch, connection, {}) is False
    finally:
        connection.close()
    assert smtp_server.settle(0.5) == []
    assert Notification.objects.get(pk=notification.pk).status == "pending"

"""Review reminders: every reviewer of the queue, one email each, in each one's language."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from wagtail.users.models import UserProfile

from membership_forms import tasks as review_tasks
from membership_forms.models import Notification, Review, Submission
from membership_forms.services import reviews as services
from tests.conftest import wait_for
from tests.smtp import subject, text

from .conftest import submit_url, valid_payload
from .reviewing import member_of


def reviewer(username: str, group: str = "Secretariat", language: str = "", **fields) -> User:
    user = member_of(group, username, **fields)
    if language:
        profile = UserProfile.get_for_user(user)
        profile.preferred_language = language
        profile.save()
    return user


@pytest.mark.django_db(transaction=True)
def test_reminders_go_to_every_reviewer_of_the_queue_in_their_language(
    live_form_pages, celery_worker, smtp_server, api
):
    page = live_form_pages["supporter"]["en"]
    payload = {**valid_payload("supporter"), "legally_registered": False}  # needs a person
    response = api.post(submit_url(page), json.dumps(payload), content_type="application/json")
    assert response.status_code == 202
    submission = Submission.objects.get(reference=response.json()["reference"])

    def in_review():
        """screened by the worker and waiting in the NGO Supporters queue"""
        return Review.objects.filter(submission=submission).exists()

    wait_for(in_review, timeout=30)
    amina = reviewer("amina", language="fr")
    bruno = reviewer("bruno")
    reviewer("gone", is_active=False)
    reviewer("coordinator", group="Internship coordinator")  # another queue's reviewer
    User.objects.create_user("nobody", "nobody@example.org", "x" * 12)
    Review.objects.filter(submission=submission).update(
        status_changed_at=timezone.now() - timedelta(days=30)
    )
    wait_for(lambda: Notification.objects.filter(status="pending").count() == 0, timeout=30)
    smtp_server.clear()

    assert review_tasks.send_review_reminders() == 1
    assert review_tasks.send_review_reminders() == 0  # once a day

    expected = {"amina@example.org", "bruno@example.org", "secretariat@example.org"}

    def mailed():
        """one reminder for each reviewer and each staff recipient"""
        return len(smtp_server.messages) >= len(expected)

    wait_for(mailed, timeout=30)
    messages = smtp_server.settle()
    assert sorted(str(m["To"]) for m in messages) == sorted(expected)
    french = smtp_server.to("amina@example.org")[0]
    assert french["Content-Language"] == "fr"
    assert live_form_pages["supporter"]["fr"].title in text(french)
    assert smtp_server.to("bruno@example.org")[0]["Content-Language"] == "en"
    assert all(submission.reference in subject(m) for m in messages)
    reminders = Notification.objects.filter(submission=submission, kind="reminder")
    assert reminders.count() == 3
    assert {(n.recipient, n.language) for n in reminders} == {
        ("amina@example.org", "fr"),
        ("bruno@example.org", "en"),
        ("secretariat@example.org", "en"),
    }

    # Assigned, the review's reminder goes to the assignee alone.
    review = Review.objects.get(submission=submission)
    services.assign_review(review.pk, bruno, amina)
    smtp_server.clear()
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert services.send_review_reminders(tomorrow) == 1
    assert services.send_review_reminders(tomorrow) == 0
    wait_for(lambda: len(smtp_server.messages) >= 1, timeout=30)
    assert [str(m["To"]) for m in smtp_server.settle()] == ["amina@example.org"]

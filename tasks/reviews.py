"""Periodic review tasks (beat): thin wrappers around the review services."""

from celery import shared_task

from membership_forms.services import retention, reviews


@shared_task(name="tasks.reviews.close_expired_ballots")
def close_expired_ballots() -> int:
    return reviews.close_expired_ballots()


@shared_task(name="tasks.reviews.send_review_reminders")
def send_review_reminders() -> int:
    return reviews.send_review_reminders()


@shared_task(name="tasks.reviews.flag_closed_terms")
def flag_closed_terms() -> int:
    return reviews.flag_closed_terms()


@shared_task(name="tasks.reviews.purge_expired_applicants")
def purge_expired_applicants() -> int:
    return retention.purge_expired_applicants()

"""The plugin's periodic tasks, for a project's ``CELERY_BEAT_SCHEDULE``.

A project merges them into its own schedule and changes what it needs::

    from membership_forms.schedule import BEAT_SCHEDULE

    CELERY_BEAT_SCHEDULE = {**BEAT_SCHEDULE, "my-job": {...}}

Importing this module loads neither Django nor the plugin's models, so settings can.
"""

from typing import Any

from celery.schedules import crontab

HOURLY = 3600.0

BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    # The outbox sweep: submissions, corrected submissions and emails the broker lost.
    "requeue-stalled-submissions": {
        "task": "tasks.submissions.requeue_stalled_submissions",
        "schedule": 60.0,
    },
    "close-expired-ballots": {"task": "tasks.reviews.close_expired_ballots", "schedule": 900.0},
    "send-review-reminders": {"task": "tasks.reviews.send_review_reminders", "schedule": HOURLY},
    "flag-closed-terms": {"task": "tasks.reviews.flag_closed_terms", "schedule": HOURLY},
    "purge-expired-applicants": {
        "task": "tasks.reviews.purge_expired_applicants",
        "schedule": HOURLY,
    },
    "purge-expired-donations": {
        "task": "tasks.donations.purge_expired_donations",
        "schedule": HOURLY,
    },
    "purge-old-exports": {"task": "tasks.exports.purge_old_exports", "schedule": HOURLY},
    "purge-unconfirmed-newsletter": {
        "task": "tasks.submissions.purge_unconfirmed_newsletter",
        "schedule": HOURLY,
    },
    "send-staff-digests": {
        "task": "tasks.notifications.send_staff_digests",
        "schedule": crontab(hour=6, minute=0),
    },
    # Members' people in or out of the member groups, whatever changed their organisation.
    "sync-member-groups": {"task": "tasks.members.sync_member_groups", "schedule": HOURLY},
    # The yearly "still eligible?" emails, reminders and lapses (services/renewals.py).
    "run-renewals": {"task": "tasks.members.run_renewals", "schedule": crontab(hour=7, minute=0)},
    "reconcile-donations": {"task": "tasks.donations.reconcile_donations", "schedule": HOURLY},
    "yearly-donation-summaries": {
        "task": "tasks.donations.send_yearly_summaries",
        "schedule": crontab(minute=0, hour=6, day_of_month=15, month_of_year=1),
    },
}

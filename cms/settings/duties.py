"""Which Celery queue runs which task: one queue per duty, declared here only.

Every settings module builds its CELERY_TASK_QUEUES, CELERY_TASK_ROUTES and
CELERY_TASK_ANNOTATIONS from `celery_routing()`; a worker started without `-Q` consumes
all of them, `-Q payments` (with the prefix, if any) one duty only. A task not listed
here goes to the default queue (CELERY_TASK_DEFAULT_QUEUE). docs/operations.md, "Queues".
"""

from kombu import Queue

# duty -> the task names (`name=`) it runs. A flood of one duty (newsletter sign-ups to
# screen) waits in its own queue and never delays another's (a donor's receipt).
TASK_DUTIES: dict[str, tuple[str, ...]] = {
    "screening": (
        "tasks.submissions.process_submission",
        "tasks.submissions.process_submissions",
        "tasks.submissions.rescreen_submission",
        "tasks.submissions.requeue_stalled_submissions",
    ),
    "email": (
        "tasks.notifications.send_notifications",
        "tasks.notifications.send_notification",
        "tasks.notifications.send_staff_digests",
    ),
    "payments": (
        "tasks.donations.create_checkout_session",
        "tasks.donations.process_stripe_event",
        "tasks.donations.reconcile_donations",
    ),
    "maintenance": (
        "tasks.maintenance.record_heartbeat",
        "tasks.submissions.purge_unconfirmed_newsletter",
        "tasks.reviews.close_expired_ballots",
        "tasks.reviews.send_review_reminders",
        "tasks.reviews.flag_closed_terms",
        "tasks.reviews.purge_expired_applicants",
        "tasks.exports.build_export",
        "tasks.exports.purge_old_exports",
        "tasks.donations.purge_expired_donations",
        "tasks.donations.send_yearly_summaries",
        "tasks.members.sync_organisation_groups",
        "tasks.members.sync_member_groups",
        "tasks.members.run_renewals",
    ),
}

# Hard time limits in seconds, each capped by CELERY_TASK_TIME_LIMIT (the longest: the
# broker's visibility_timeout is set above it). None: CELERY_TASK_TIME_LIMIT itself.
# Email: a batch over one SMTP connection (EMAIL_TIMEOUT per command); payments: Stripe's
# client waits up to 80 s for an answer.
DUTY_TIME_LIMITS: dict[str, int | None] = {
    "screening": None,
    "email": 180,
    "payments": 120,
    "maintenance": None,
}


def duty_limit(duty: str, ceiling: int) -> int:
    limit = DUTY_TIME_LIMITS[duty]
    return ceiling if limit is None else min(limit, ceiling)


def celery_routing(default_queue: str, prefix: str, ceiling: int) -> dict:
    """The CELERY_* settings for the duties' queues, named `prefix + duty`."""
    queue_names = [default_queue] + [prefix + duty for duty in TASK_DUTIES]
    # Each bound by its own name: a message goes to one queue, never to all of them.
    queues = [Queue(name, routing_key=name) for name in queue_names]
    routes = {
        name: {"queue": prefix + duty} for duty, names in TASK_DUTIES.items() for name in names
    }
    annotations = {}
    for duty, task_names in TASK_DUTIES.items():
        limit = duty_limit(duty, ceiling)
        for name in task_names:
            annotations[name] = {
                "time_limit": limit,
                "soft_time_limit": max(limit - 30, limit // 2),
            }
    return {
        "CELERY_TASK_QUEUES": queues,
        "CELERY_TASK_ROUTES": routes,
        "CELERY_TASK_ANNOTATIONS": annotations,
    }

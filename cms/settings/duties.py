"""Which Celery queue runs which task: one queue per duty, declared here only.

Every settings module builds its CELERY_TASK_QUEUES, CELERY_TASK_ROUTES and
CELERY_TASK_ANNOTATIONS from `celery_routing()`; a worker started without `-Q` consumes
all of them, `-Q payments` (with the prefix, if any) one duty only. A task not listed
here goes to the default queue (CELERY_TASK_DEFAULT_QUEUE). docs/operations.md, "Queues".
"""

from urllib.parse import urlsplit

from kombu import Queue

# RabbitMQ's URL schemes; anything else (redis://, rediss://) is Redis.
AMQP_SCHEMES = {"amqp", "amqps", "pyamqp"}

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
        "tasks.mail.send_email",
    ),
    "payments": (
        "tasks.donations.create_checkout_session",
        "tasks.donations.process_stripe_event",
        "tasks.donations.reconcile_donations",
    ),
    "maintenance": (
        "tasks.maintenance.record_heartbeat",
        "tasks.maintenance.purge_sign_in_records",
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


def is_rabbitmq(broker_url: str) -> bool:
    return urlsplit(broker_url).scheme in AMQP_SCHEMES


def broker_settings(broker_url: str, ceiling: int) -> dict:
    """The CELERY_* settings that depend on the broker: Redis, or RabbitMQ with quorum
    queues (replicated, publishes confirmed). docs/deploy.md, "The broker"."""
    if is_rabbitmq(broker_url):
        return {
            "CELERY_BROKER_URL": broker_url,
            # A publish returns once RabbitMQ holds the message (quorum queues need it).
            "CELERY_BROKER_TRANSPORT_OPTIONS": {"confirm_publish": True},
            # Every queue a process declares, listed or made on the fly, is a quorum queue:
            # RabbitMQ refuses to declare one name with two types.
            "CELERY_TASK_DEFAULT_QUEUE_TYPE": "quorum",
            "CELERY_TASK_CREATE_MISSING_QUEUE_TYPE": "quorum",
            # Quorum queues refuse a global prefetch limit: per consumer instead. Retries
            # with a countdown go through Celery's delayed-delivery queues, quorum too.
            "CELERY_WORKER_DETECT_QUORUM_QUEUES": True,
            "CELERY_BROKER_NATIVE_DELAYED_DELIVERY_QUEUE_TYPE": "quorum",
        }
    return {
        "CELERY_BROKER_URL": broker_url,
        "CELERY_BROKER_TRANSPORT_OPTIONS": {
            # A task whose worker died reappears after this; just above the longest time
            # limit (the system check cms.E001 keeps that order).
            "visibility_timeout": ceiling + 60,
            "socket_connect_timeout": 2,
            "socket_timeout": 5,
        },
    }


def celery_routing(default_queue: str, prefix: str, ceiling: int, broker_url: str = "") -> dict:
    """The CELERY_* settings for the duties' queues, named `prefix + duty`; on RabbitMQ
    each is a quorum queue."""
    queue_names = [default_queue] + [prefix + duty for duty in TASK_DUTIES]
    arguments = {"x-queue-type": "quorum"} if is_rabbitmq(broker_url) else None
    # Each bound by its own name: a message goes to one queue, never to all of them.
    queues = [Queue(name, routing_key=name, queue_arguments=arguments) for name in queue_names]
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

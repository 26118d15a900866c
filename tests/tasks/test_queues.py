"""Each duty on its own queue: a flood of one never delays another."""

import pytest
from django.conf import settings
from kombu import Connection

from cms.settings.duties import celery_routing, is_rabbitmq
from membership_forms.models import StripeEvent
from tests.conftest import celery_app, wait_for, waiting

from .workers import delete_queues, own_prefix, queue_of, start_worker, stop

pytestmark = pytest.mark.django_db(transaction=True)

FLOOD = 2000


def test_every_task_goes_to_its_duty_queue_and_the_rest_to_the_default_one():
    app = celery_app()
    app.loader.import_default_modules()
    prefix = settings.CELERY_QUEUE_PREFIX
    expected = {
        "tasks.submissions.process_submission": "screening",
        "tasks.submissions.rescreen_submission": "screening",
        "tasks.submissions.requeue_stalled_submissions": "screening",
        "tasks.notifications.send_notifications": "email",
        "tasks.notifications.send_staff_digests": "email",
        "tasks.donations.process_stripe_event": "payments",
        "tasks.donations.create_checkout_session": "payments",
        "tasks.maintenance.record_heartbeat": "maintenance",
        "tasks.exports.build_export": "maintenance",
        "tasks.reviews.close_expired_ballots": "maintenance",
    }
    for name, duty in expected.items():
        assert app.amqp.router.route({}, name)["queue"].name == prefix + duty, name
    # Every task the project defines has a duty; only unknown ones use the default queue.
    ours = [name for name in app.tasks if name.startswith("tasks.")]
    assert all(
        app.amqp.router.route({}, n)["queue"].name != app.conf.task_default_queue for n in ours
    )
    assert app.amqp.router.route({}, "celery.ping")["queue"].name == app.conf.task_default_queue
    # A worker started without -Q (the session's, `make run`'s) reads them all.
    assert set(app.amqp.queues) == {
        app.conf.task_default_queue,
        *(prefix + duty for duty in ("screening", "email", "payments", "maintenance")),
    }


def test_each_time_limit_is_below_the_brokers_visibility_timeout():
    app = celery_app()
    app.loader.import_default_modules()
    limits = [app.conf.task_time_limit] + [
        app.tasks[name].time_limit for name in app.conf.task_routes if name in app.tasks
    ]
    assert app.tasks["tasks.donations.process_stripe_event"].time_limit == 120
    assert app.tasks["tasks.notifications.send_notifications"].time_limit == 180
    if is_rabbitmq(app.conf.broker_url):
        # RabbitMQ gives a task back when its worker's connection closes; it closes a
        # consumer that holds a message past its consumer_timeout (30 min by default).
        assert max(limits) < 30 * 60
    else:
        assert max(limits) < app.conf.broker_transport_options["visibility_timeout"]


@pytest.mark.parametrize("worker_queues", [["payments"], ["screening", "payments"]])
def test_a_flood_of_sign_ups_does_not_delay_a_payment(worker_queues):
    """2000 submissions wait to be screened; a Stripe event queued after them is processed
    first by a worker on the payments queue, and within the first few messages by a worker
    reading both queues (one worker for every duty, as `make run` starts)."""
    prefix = own_prefix()
    routing = celery_routing(
        settings.CELERY_TASK_DEFAULT_QUEUE, prefix, 300, settings.CELERY_BROKER_URL
    )
    queues = {queue.name: queue for queue in routing["CELERY_TASK_QUEUES"]}
    screening = queues[queue_of("tasks.submissions.process_submission", prefix)]
    payments = queues[queue_of("tasks.donations.process_stripe_event", prefix)]
    event = StripeEvent.objects.create(event_id="evt_flood", type="customer.created", payload={})
    app = celery_app()
    worker = None
    try:
        with Connection(settings.CELERY_BROKER_URL) as broker, broker.Producer() as producer:
            for submission_id in range(10_000_000, 10_000_000 + FLOOD):
                app.send_task(
                    "tasks.submissions.process_submission", (submission_id,),
                    queue=screening.name, producer=producer,
                )  # fmt: skip
            app.send_task(
                "tasks.donations.process_stripe_event", (event.pk,),
                queue=payments.name, producer=producer,
            )  # fmt: skip
            assert waiting(broker, screening) == FLOOD and waiting(broker, payments) == 1
            worker = start_worker(prefix, [prefix + duty for duty in worker_queues])

            def processed():
                """the worker processed the Stripe event"""
                return StripeEvent.objects.filter(pk=event.pk, status="ignored").exists()

            wait_for(processed, timeout=60)
            left = waiting(broker, screening)
            if worker_queues == ["payments"]:
                assert left == FLOOD
            else:
                # The worker takes from each queue in turn: the flood barely started.
                assert left > FLOOD - 200, left
            assert waiting(broker, payments) == 0
    finally:
        if worker is not None:
            stop(worker)
        delete_queues(prefix)


def test_the_system_check_refuses_a_visibility_timeout_below_a_time_limit(settings):
    """An operator who raises CELERY_TASK_TIME_LIMIT past the visibility timeout is told."""
    from django.core.checks import run_checks

    assert not [m for m in run_checks() if m.id == "cms.E001"]
    settings.CELERY_BROKER_URL = settings.REDIS_URL  # RabbitMQ has no visibility timeout
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
        **settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        "visibility_timeout": 200,  # below screening's 300 s
    }
    errors = [m for m in run_checks() if m.id == "cms.E001"]
    assert len(errors) == 1 and "300 s" in errors[0].msg
    settings.CELERY_BROKER_URL = "amqp://guest:guest@127.0.0.1:5672//"
    assert not [m for m in run_checks() if m.id == "cms.E001"]

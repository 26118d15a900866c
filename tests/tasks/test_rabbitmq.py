"""RabbitMQ, the other broker: a real worker screens a submission taken from a quorum queue.

Runs whatever the run's broker is (Redis by default): the worker here is a process of its
own on RabbitMQ (RABBITMQ_URL, scripts/services.sh starts one), with queues of its own.
The whole suite runs on RabbitMQ with BROKER_URL=amqp://... (docs/deploy.md).
"""

import os
import shutil
import subprocess

import pytest
from amqp.exceptions import PreconditionFailed
from django.conf import settings
from django.utils import timezone
from kombu import Connection, Queue

from cms.settings.duties import broker_settings, celery_routing
from membership_forms.models import Submission, SubmissionStatus
from membership_forms.services.submissions import allocate_reference
from tests.conftest import celery_app, wait_for, waiting
from tests.payloads import valid_payload

from .workers import delete_queues, own_prefix, queue_of, start_worker, stop

pytestmark = pytest.mark.django_db(transaction=True)

RABBITMQ_URL = os.environ.get("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//")


def rabbitmqctl_queue_types() -> dict[str, str] | None:
    """{queue: type} as `rabbitmqctl list_queues` says, where it may be run (as root on
    the broker's host); None elsewhere."""
    command = shutil.which("rabbitmqctl")
    if command is None or os.geteuid() != 0:
        return None
    listing = subprocess.run(
        [command, "list_queues", "--quiet", "--no-table-headers", "name", "type"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    if listing.returncode != 0:
        return None
    return dict(line.split("\t") for line in listing.stdout.splitlines() if "\t" in line)


def test_a_worker_on_rabbitmq_screens_a_submission_from_a_quorum_queue(live_form_pages):
    prefix = own_prefix()
    routing = celery_routing(settings.CELERY_TASK_DEFAULT_QUEUE, prefix, 300, RABBITMQ_URL)
    screening = next(
        queue
        for queue in routing["CELERY_TASK_QUEUES"]
        if queue.name == queue_of("tasks.submissions.process_submission", prefix)
    )
    assert screening.queue_arguments == {"x-queue-type": "quorum"}
    page = live_form_pages["newsletter"]["en"]
    # Stored as the form stores it, but not announced: no worker of the run's takes it.
    submission = Submission.objects.create(
        reference=allocate_reference("newsletter", timezone.now().year),
        kind="newsletter",
        form_key=page.translation_key,
        page=page,
        locale="en",
        payload=valid_payload("newsletter"),
    )
    options = broker_settings(RABBITMQ_URL, 300)["CELERY_BROKER_TRANSPORT_OPTIONS"]
    worker = None
    try:
        with (
            Connection(RABBITMQ_URL, transport_options=options) as broker,
            broker.Producer() as producer,
        ):
            # Declared as the settings declare it, then the task, confirmed by RabbitMQ.
            celery_app().send_task(
                "tasks.submissions.process_submission", (submission.pk,),
                queue=screening, producer=producer,
            )  # fmt: skip
            assert waiting(broker, screening) == 1
            worker = start_worker(prefix, [screening.name], BROKER_URL=RABBITMQ_URL)

            def screened():
                """the worker on RabbitMQ screened the submission"""
                submission.refresh_from_db()
                return submission.status != SubmissionStatus.RECEIVED

            wait_for(screened, timeout=90)  # the worker process starts Django first
            assert submission.status == SubmissionStatus.PENDING_CONFIRMATION
            assert submission.screening["outcome"] == "eligible"
            assert waiting(broker, screening) == 0

            # RabbitMQ holds it as a quorum queue: declaring it as a classic one is refused.
            with pytest.raises(PreconditionFailed, match="x-queue-type"):
                Queue(screening.name).bind(broker.channel()).queue_declare()
            types = rabbitmqctl_queue_types()
            if types is not None:
                assert types[screening.name] == "quorum"
    finally:
        if worker is not None:
            stop(worker)
        delete_queues(prefix, RABBITMQ_URL)
    # Nothing of the test's is left on RabbitMQ.
    with Connection(RABBITMQ_URL) as broker, pytest.raises(Exception, match="NOT_FOUND"):
        Queue(screening.name).bind(broker.channel()).queue_declare(passive=True)

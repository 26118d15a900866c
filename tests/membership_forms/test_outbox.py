"""The outbox: stored first, queued after commit, swept when the broker lost it."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from membership_forms.models import Notification, Submission, SubmissionStatus
from membership_forms.tasks import (
    process_submission,
    process_submissions,
    requeue_stalled_submissions,
)
from tasks import celery_app
from tests.conftest import wait_for

from .conftest import submit_url, valid_payload


def post(client, page):
    return client.post(
        submit_url(page), json.dumps(valid_payload("newsletter")), content_type="application/json"
    )


def test_process_submission_twice_has_one_effect(form_pages, api):
    post(api, form_pages["newsletter"]["en"])
    submission = Submission.objects.get()
    assert process_submission(submission.pk) is True
    submission.refresh_from_db()
    first = submission.processed_at
    assert process_submission(submission.pk) is False
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.PENDING_CONFIRMATION
    assert submission.processed_at == first
    assert submission.screening["outcome"] == "eligible"
    assert process_submission(10**9) is False  # gone: nothing to do


def test_a_deleted_form_page_leaves_its_submissions(form_pages, api):
    """`page` has no database constraint; Django still clears it when the page goes."""
    page = form_pages["newsletter"]["en"]
    post(api, page)
    page.delete()
    submission = Submission.objects.get()
    assert submission.page_id is None
    assert submission.form_key == page.translation_key
    assert submission.reference.startswith("NEW-")


def test_process_submissions_twice_has_one_effect(form_pages, api):
    """The batch task the web processes queue: run again (a redelivered message), it
    screens nothing twice and records no second email."""
    for _ in range(2):
        post(api, form_pages["newsletter"]["en"])
    ids = list(Submission.objects.order_by("pk").values_list("pk", flat=True))
    process_submissions(ids)
    first = dict(Submission.objects.values_list("pk", "processed_at"))
    emails = Notification.objects.count()
    assert emails == 2 * len(ids)  # each: the confirmation and the staff alert
    process_submissions(ids)
    assert dict(Submission.objects.values_list("pk", "processed_at")) == first
    assert Notification.objects.count() == emails
    statuses = set(Submission.objects.values_list("status", flat=True))
    assert statuses == {SubmissionStatus.PENDING_CONFIRMATION}


@pytest.mark.django_db(transaction=True)
def test_worker_processes_a_submission(live_form_pages, celery_worker, api):
    response = post(api, live_form_pages["newsletter"]["en"])
    assert response.status_code == 202

    def processed():
        return Submission.objects.exclude(status=SubmissionStatus.RECEIVED).exists()

    wait_for(processed)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_redis(port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [shutil.which("redis-server"), "--port", str(port), "--bind", "127.0.0.1",
         "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("redis-server did not start")


@pytest.fixture
def own_broker(monkeypatch):
    """Celery pointed at a Redis of this test's own, which the test may stop and restart."""
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    state = {"process": start_redis(port), "port": port, "url": url}
    monkeypatch.setattr(celery_app.conf, "broker_url", url)
    monkeypatch.setattr(celery_app, "_pool", None)
    monkeypatch.setattr(celery_app.amqp, "_producer_pool", None)
    yield state
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    state["process"].terminate()
    state["process"].wait()


@pytest.mark.fault
@pytest.mark.django_db(transaction=True)
def test_submission_while_redis_is_down_is_swept_later(live_form_pages, own_broker, api, settings):
    settings.MEMBERSHIP_FORMS = {**settings.MEMBERSHIP_FORMS, "REQUEUE_AFTER": 0}
    own_broker["process"].terminate()
    own_broker["process"].wait()

    started = time.monotonic()
    response = post(api, live_form_pages["newsletter"]["en"])
    elapsed = time.monotonic() - started
    assert response.status_code == 202
    assert elapsed < 2.5, f"a dead broker cost the visitor {elapsed:.1f}s"
    submission = Submission.objects.get()
    assert submission.status == SubmissionStatus.RECEIVED

    own_broker["process"] = start_redis(own_broker["port"])
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    worker = start_worker_process(own_broker["url"])
    try:
        assert requeue_stalled_submissions() == 1

        def processed():
            submission.refresh_from_db()
            return submission.status != SubmissionStatus.RECEIVED

        wait_for(processed, timeout=90)  # the worker process starts Django first: slow under load
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert requeue_stalled_submissions() == 0


def start_worker_process(broker_url: str) -> subprocess.Popen:
    """A worker of its own on the test's Redis and this run's queue and test database.

    A process, not a thread: a second in-process worker would upset the session's one.
    """
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        "DATABASE_URL": f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": broker_url,
    }
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "celery"), "-A", "tasks", "worker", "-P", "solo",
         "-Q", celery_app.conf.task_default_queue, "--without-gossip", "--without-mingle",
         "--without-heartbeat", "-l", "WARNING"],
        env=env,
    )  # fmt: skip

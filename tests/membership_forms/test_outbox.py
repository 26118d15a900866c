"""The outbox: stored first, queued after commit, swept when the broker lost it."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

from membership_forms.models import Notification, Submission, SubmissionStatus
from membership_forms.queueing import submission_relay
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


@contextmanager
def silent_broker(port: int) -> Iterator[tuple[socket.socket, list[socket.socket]]]:
    """A socket on the broker's address that takes connections and never answers: whoever
    talks to it waits until the test closes it (the listener first, so that no retry finds
    it again)."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen()
    listener.settimeout(30)  # a relay that never connects fails the test, not hangs it
    accepted: list[socket.socket] = []
    try:
        yield listener, accepted
    finally:
        listener.close()
        for connection in accepted:
            connection.close()


@pytest.mark.fault
@pytest.mark.django_db(transaction=True)
def test_a_broker_that_never_answers_holds_up_no_visitor_and_is_swept_later(
    live_form_pages, own_broker, api, settings, monkeypatch, caplog
):
    """The request hands the id to the relay and answers: the 202 comes back while the
    relay's publish is still waiting on a broker that has not sent a single byte."""
    settings.MEMBERSHIP_FORMS = {**settings.MEMBERSHIP_FORMS, "REQUEUE_AFTER": 0}
    own_broker["process"].terminate()
    own_broker["process"].wait()
    # No read timeout: the relay's publish stays stuck until the test lets it go. Were the
    # request to wait on the broker, it would never answer (pytest-timeout fails it).
    monkeypatch.setitem(celery_app.conf.broker_transport_options, "socket_timeout", None)
    assert submission_relay.flush(timeout=30)  # nothing of an earlier test still in flight

    with silent_broker(own_broker["port"]) as (listener, accepted):
        response = post(api, live_form_pages["newsletter"]["en"])
        assert response.status_code == 202
        submission = Submission.objects.get()
        assert submission.status == SubmissionStatus.RECEIVED
        connection, _address = listener.accept()  # the relay is publishing...
        accepted.append(connection)
        connection.settimeout(30)
        assert connection.recv(4096)  # ...has sent its first command, and waits
        assert submission_relay.flush(timeout=0) is False  # the id is still in flight
    # Closed: the publish fails, the relay logs it and lets the id go (the sweep's job).
    assert submission_relay.flush(timeout=30)
    assert f"Could not queue submissions [{submission.pk}]; the sweep will" in caplog.text
    submission.refresh_from_db()
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
    """A worker of its own on the test's Redis and this run's queues and test database
    (named here: its settings would give it a run id, and queues, of its own).

    A process, not a thread: a second in-process worker would upset the session's one.
    """
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        "DATABASE_URL": f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": broker_url,
        "BROKER_URL": broker_url,
    }
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "celery"), "-A", "tasks", "worker", "-P", "solo",
         "-Q", ",".join(celery_app.amqp.queues), "--without-gossip", "--without-mingle",
         "--without-heartbeat", "-l", "WARNING"],
        env=env,
    )  # fmt: skip

"""A broker flap: Redis goes away and comes back while the worker holds unacknowledged work.

The worker rides it out in the same process; where a process exits all the same, the
supervisor of `make run` (supervisord, tests/faults/harness.py) starts it again within
seconds and the outbox sweep queues again what it held (docs/reliability.md).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import statistics
import threading
import time
from collections import Counter

import pytest
import redis
from celery import Celery

from tests.conftest import wait_for

from .harness import Stack
from .test_faults import KILL_WINDOW, _emails, check, submit_all

pytestmark = pytest.mark.fault


def test_worker_rides_out_redis_loss_while_holding_unacknowledged_tasks(
    stack: Stack, record_figures
):
    """Redis dies while the worker holds a message it has not acknowledged (here a task
    due later; a running task is the same): the worker reconnects, it does not exit.

    kombu's Redis channel, closed a second time after the connection was collected, asked
    its closed connection for the broker's address (`_connparams`: AttributeError:
    'NoneType' object has no attribute 'hostname') and the worker's main process exited.
    """
    worker = stack.supervised_pid("worker")
    exits_before = len(stack.restarts("worker"))
    with Celery(broker=stack.redis.url, set_as_current=False) as app:
        task = app.send_task(
            "tasks.maintenance.record_heartbeat", args=["flap"], countdown=60, queue="coalition"
        )
    broker = redis.Redis.from_url(stack.redis.url)

    def held():
        """the worker holds the task's message, unacknowledged, until the task is due"""
        return any(task.id.encode() in message for message in broker.hvals("unacked"))

    wait_for(held, timeout=30)
    seen = len(stack.log("worker"))
    stack.redis.kill()

    def noticed():
        """the worker met the lost connection: it tries to reconnect, or it exited"""
        reconnecting = "Cannot connect to redis" in stack.log("worker")[seen:]
        return reconnecting or len(stack.restarts("worker")) > exits_before

    wait_for(noticed, timeout=30)
    time.sleep(2)  # down for a while
    stack.redis.start()
    emails = _emails("flap", 4)
    answers = submit_all(stack, emails)
    assert all(status == 202 for status, _body in answers.values()), answers
    check(stack, "unacked-at-redis-loss", answers, time.monotonic(), record_figures)
    exits = stack.restarts("worker")[exits_before:]
    assert not exits, f"the worker exited: {exits}"
    assert stack.supervised_pid("worker") == worker


def test_healthz_names_a_missing_worker_or_beat(stack: Stack):
    """What a load balancer or an orchestrator reads: a 503 naming the missing part, and
    a 200 again once it runs."""

    def health():
        status, body = stack.get("/healthz")
        return status, body.get("failing")

    try:
        stack.supervisorctl("stop", "worker")
        wait_for(lambda: health() == (503, ["workers"]), timeout=30, interval=0.5)
    finally:
        stack.supervisorctl("start", "worker")
    wait_for(lambda: health() == (200, None), timeout=60, interval=0.5)
    try:
        stack.supervisorctl("stop", "beat")
        wait_for(lambda: health() == (503, ["beat"]), timeout=30, interval=0.5)
    finally:
        stack.supervisorctl("start", "beat")
    wait_for(lambda: health() == (200, None), timeout=60, interval=0.5)
    stack.worker_pid = stack.supervised_pid("worker")  # stopped on purpose, not an exit


DRILLS = int(os.environ.get("FAULT_DRILLS", "20"))
RESTART_WITHIN = 10  # seconds from a worker's exit to supervisord starting it again


def test_broker_flap_drill(stack: Stack, record_figures):
    """The operators' drill, DRILLS times in a row: with applications arriving throughout,
    Redis is SIGKILLed together with both of the worker's pool processes, stays down for
    a second and comes back empty. The site answers every request meanwhile; after the
    last drill every accepted application is screened and acknowledged once; a worker
    that exited was started again within RESTART_WITHIN seconds."""
    exits_before = len(stack.restarts("worker"))
    started = time.monotonic()
    done = threading.Event()
    answers: dict[str, tuple[int, dict]] = {}
    probes: Counter = Counter()
    killed_at: list[float] = []

    def apply():
        """a handful of applications per drill, one every 0.7 s, all along"""
        prefix = _emails("drill", 1)[0].rsplit("-", 1)[0]  # "drill-<run>"
        for number in itertools.count():
            email = f"{prefix}-{number}@faults.example.org"
            answers[email] = stack.submit(email)
            if done.wait(0.7):
                return

    def probe():
        """a visitor reads a form's schema every 0.2 s: the web must answer each time"""
        while not done.wait(0.2):
            status, _body = stack.get(f"/api/v3/forms/{stack.form_id}/")
            probes[status] += 1

    def recovered():
        """the health check passes again: the broker answers, a worker replies to its
        ping, beat's heartbeat is recent"""
        status, _body = stack.get("/healthz")
        return status == 200

    threads = [threading.Thread(target=apply), threading.Thread(target=probe)]
    for thread in threads:
        thread.start()
    recoveries = []
    try:
        for _drill in range(DRILLS):
            time.sleep(0.5)  # work arriving and in flight
            stack.redis.kill()
            for pid in stack.pool_pids():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                    killed_at.append(time.time())
            time.sleep(1)  # down for a moment
            stack.redis.start()
            back = time.monotonic()
            wait_for(recovered, timeout=60, interval=0.2)
            recoveries.append(time.monotonic() - back)
    finally:
        done.set()
        for thread in threads:
            thread.join()

    def in_window(email: str) -> float | None:
        """the documented window (test_faults.KILL_WINDOW): a pool process killed as the
        SMTP server accepted the first copy, before its `sent` mark committed"""
        first = stack.smtp.accepted_at(email)[0]
        gaps = [abs(moment - first) for moment in killed_at]
        return min(gaps) if gaps and min(gaps) <= KILL_WINDOW else None

    exits = stack.restarts("worker")[exits_before:]
    delays = [restarted - exited for exited, restarted, _how in exits if restarted is not None]
    assert all(status == 202 for status, _body in answers.values()), answers
    check(
        stack, "broker-flap-drill", answers, started, record_figures, in_window,
        drills=DRILLS, kills=len(killed_at), probes=sum(probes.values()),
        unanswered=probes[0], worker_exits=len(exits),
        restart=f"{max(delays):.1f}s" if delays else "-",
        recovery=f"{statistics.median(recoveries):.1f}s/{max(recoveries):.1f}s",
    )  # fmt: skip
    assert probes[0] == 0, f"requests the web did not answer: {probes}"
    assert set(probes) == {200}, f"the form's schema was not always served: {probes}"
    assert all(restarted is not None for _exited, restarted, _how in exits), exits
    assert all(delay <= RESTART_WITHIN for delay in delays), exits

"""A broker flap: Redis goes away and comes back while the worker holds unacknowledged work.

The worker rides it out in the same process; where a process exits all the same, the
supervisor of `make run` (supervisord, tests/faults/harness.py) starts it again within
seconds and the outbox sweep queues again what it held (docs/reliability.md).
"""

from __future__ import annotations

import time

import pytest
import redis
from celery import Celery

from tests.conftest import wait_for

from .harness import Stack
from .test_faults import _emails, check, submit_all

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
        app.send_task(
            "tasks.maintenance.record_heartbeat", args=["flap"], countdown=60, queue="coalition"
        )
    broker = redis.Redis.from_url(stack.redis.url)

    def held():
        """the worker holds the task's message, unacknowledged, until the task is due"""
        return broker.hlen("unacked") >= 1

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

"""One beat, however many hosts: two beat processes, each period's task sent once."""

import os
import signal
import subprocess
import time

import pytest
from django.conf import settings

from tests.conftest import wait_for

from .workers import CELERY, delete_queues, messages, own_prefix, process_env, queue_of, redis

pytestmark = pytest.mark.django_db(transaction=True)

HEARTBEAT = "tasks.maintenance.record_heartbeat"


def start_beat(prefix: str, directory) -> subprocess.Popen:
    return subprocess.Popen(
        [CELERY, "-A", "tasks", "beat", "-l", "WARNING", "--max-interval", "1",
         "-s", str(directory / "schedule")],
        # On Redis, whatever the run's broker: the test reads the queued messages in place.
        env=process_env(
            prefix, BROKER_URL=settings.REDIS_URL, HEARTBEAT_INTERVAL="1", REQUEUE_INTERVAL="3600"
        ),
    )  # fmt: skip


def test_two_beats_send_each_periodic_task_once_and_the_second_takes_over(tmp_path):
    prefix = own_prefix()
    queue = queue_of(HEARTBEAT, prefix)  # no worker reads it: the messages stay to count
    conn, client = redis()
    beats = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        beats.append(start_beat(prefix, tmp_path / name))
    try:

        def heartbeats() -> list[str]:
            """the beats' heartbeat messages, by sender (origin: gen<pid>@host)"""
            return [
                m["headers"]["origin"] for m in messages(client, queue)
                if m["headers"]["task"] == HEARTBEAT
            ]  # fmt: skip

        # Ten periods of one second: ten messages, all from the beat holding the lock.
        started = time.monotonic()
        sent = wait_for(lambda: len(heartbeats()) >= 10 and heartbeats(), timeout=60)
        elapsed = time.monotonic() - started
        assert len(set(sent)) == 1, sent
        # Two beats sending would reach ten in about five seconds.
        assert elapsed >= 8, elapsed
        pids = {str(beat.pid): beat for beat in beats}
        holder_pid = sent[0].split("@")[0].removeprefix("gen")
        holder, standby = pids[holder_pid], next(b for p, b in pids.items() if p != holder_pid)
        assert standby.poll() is None  # waiting, not gone

        # The holder dies without a word; the other beat takes the lock and sends.
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=10)
        killed = time.monotonic()
        count = len(heartbeats())
        taken = wait_for(
            lambda: [o for o in heartbeats()[count:] if o.startswith(f"gen{standby.pid}@")],
            timeout=30,
        )
        assert taken and time.monotonic() - killed < 10
        after = heartbeats()[count:]
        assert set(after) == {f"gen{standby.pid}@" + sent[0].split("@")[1]}, after
    finally:
        for beat in beats:
            if beat.poll() is None:
                beat.terminate()
                beat.wait(timeout=30)
        delete_queues(prefix, settings.REDIS_URL)
        conn.release()

"""The worker's pool after a broker reconnection (tasks/resilience.py).

The whole worker meets these in tests/faults/test_broker_flap.py; here the pool's state is
set up directly, since the race that leaves it so cannot be timed from outside.
"""

import os
import signal

import pytest
from celery.concurrency.asynpool import AsynPool
from kombu.asynchronous import Hub

from tests.conftest import wait_for


@pytest.fixture
def pool():
    pool = AsynPool(processes=1, threads=False)
    yield pool
    pool.terminate()


def test_pool_registers_again_after_a_process_died_unreaped(pool):
    """A pool process SIGKILLed just as the broker connection dropped: the event loop saw
    it exit (and stopped watching it) before the pool could reap it. When the consumer
    reconnects and registers the pool again, celery asked the event loop to watch that
    process's closed descriptor (ValueError: file descriptor is None) and the worker's
    main process exited. The pool must register again and replace the process."""
    hub = Hub()
    pool.register_with_event_loop(hub)
    dead = pool._pool[0]
    os.kill(dead.pid, signal.SIGKILL)
    pool._untrack_child_process(dead, hub)  # what the loop does when the process exits

    pool.register_with_event_loop(Hub())  # after the broker connection is back

    def replaced():
        """the pool's periodic maintenance reaped the dead process and started another"""
        pool.maintain_pool()
        return [process.pid for process in pool._pool] not in ([], [dead.pid])

    wait_for(replaced, timeout=15, interval=0.2)
    assert all(process.is_alive() for process in pool._pool)

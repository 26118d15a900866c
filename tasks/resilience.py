"""Workarounds for two upstream bugs that stopped a worker when its broker connection dropped.

Both are in code that runs only while Celery's worker recovers from a lost connection to
Redis, and both made its main process exit with "Unrecoverable error". Each is a small
wrapper, applied once when the Celery app is created (tasks/celery.py), and can go when
the versions in uv.lock fix them. tests/tasks/test_resilience.py and
tests/faults/test_broker_flap.py show them; docs/reliability.md tells the story.

1. kombu's Redis channel (kombu 5.7.0). After the connection drops, the worker collects
   the broker connection, which forgets the transport's client (the broker's address),
   then closes it. A channel whose first close stopped half-way (its pending BRPOP read
   raised the connection error) is closed a second time; restoring its unacknowledged
   messages, it builds a connection pool from the forgotten address: `AttributeError:
   'NoneType' object has no attribute 'hostname'` in `Channel._connparams`. An
   acknowledgement sent later on such a channel fails the same way. The same failure was
   reported as celery/kombu#582 and #970. Raising the connection error it is lets kombu and
   Celery treat it as any lost connection: the worker reconnects; the messages it could not
   put back stay in Redis' unacked set until the visibility timeout (or, if Redis lost
   them, until the outbox sweep queues their work again).

2. Celery's prefork pool (celery 5.7.0). A pool process killed as the connection drops can
   be seen exiting by the event loop, which stops watching it, before the pool reaps it.
   When the consumer reconnects and registers the pool with the event loop again, it asks
   to watch that process's descriptor, now None: `ValueError: file descriptor is None`,
   which `iterate_file_descriptors_safely` does not catch (celery/celery#4457 and #5499
   made it skip stale descriptors, not this one). Such a process is skipped instead: the
   pool's own maintenance, every 5 seconds, reaps it and starts a replacement.
"""

from celery.concurrency.asynpool import AsynPool
from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError

_connparams = kombu_redis.Channel._connparams
_track_child_process = AsynPool._track_child_process


def _connparams_while_connected(self, asynchronous=False):
    if getattr(self.connection, "client", None) is None:
        raise RedisConnectionError("the connection to the broker is closed")
    return _connparams(self, asynchronous=asynchronous)


def _track_live_child_process(self, proc, hub):
    if getattr(proc, "_sentinel_poll", 0) is None:  # its exit was seen already
        return
    _track_child_process(self, proc, hub)


def patch_for_broker_restarts() -> None:
    """A broker restart must not stop a worker: apply both workarounds."""
    kombu_redis.Channel._connparams = _connparams_while_connected  # type: ignore[method-assign]
    AsynPool._track_child_process = _track_live_child_process  # type: ignore[method-assign]

"""Operational checks: the health endpoint's probes and the heartbeats."""

import logging
import socket
import time
from dataclasses import dataclass

from celery.beat import PersistentScheduler
from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.db.models import F
from django.utils import timezone

from .beatlock import BeatLock
from .models import Heartbeat, TaskRun

logger = logging.getLogger(__name__)

# The heartbeat beat's own process writes (HeartbeatScheduler); "beat", written by the
# periodic task a worker runs, shows that beat and a worker both run.
BEAT_SOURCE = "beat-scheduler"


@dataclass(frozen=True)
class Probe:
    ok: bool
    detail: str = "ok"


def record_heartbeat(source: str) -> Heartbeat:
    heartbeat, _ = Heartbeat.objects.update_or_create(
        source=source,
        defaults={"beat_at": timezone.now(), "hostname": socket.gethostname()},
    )
    return heartbeat


class HeartbeatScheduler(PersistentScheduler):
    """Celery beat's scheduler (CELERY_BEAT_SCHEDULER), recording as it ticks that beat
    runs, in the database, so /healthz can report beat missing whatever the broker does.

    Only the beat holding the database's lock (`cms.beatlock`) sends periodic tasks and
    writes the heartbeat; another one, on another host, keeps its schedule in step
    without sending anything and takes over when the lock comes free."""

    heartbeat_every = 5.0  # seconds; beat ticks at least every CELERY_BEAT_MAX_LOOP_INTERVAL
    lock_retry = 2.0  # seconds between a standby beat's attempts to take the lock
    _last_heartbeat = float("-inf")
    _leader = False

    def setup_schedule(self):
        self.lock = BeatLock()
        super().setup_schedule()

    def tick(self, *args, **kwargs):
        self._leader = self.lock.held()
        if not self._leader:
            # Entries fall due and are reserved as on the leader, but nothing is sent.
            return min(super().tick(*args, **kwargs), self.lock_retry)
        now = time.monotonic()
        if now - self._last_heartbeat >= self.heartbeat_every:
            try:
                close_old_connections()  # beat has no requests to recycle a broken one
                record_heartbeat(BEAT_SOURCE)
                self._last_heartbeat = now
            except DatabaseError:
                logger.warning("beat could not record its heartbeat", exc_info=True)
        return super().tick(*args, **kwargs)

    def apply_entry(self, entry, producer=None):
        if self._leader:
            super().apply_entry(entry, producer=producer)
        else:
            logger.debug("standby beat: %s is the leader's to send", entry.task)

    def close(self):
        super().close()
        self.lock.release()


def record_task_run(name: str, error: str | None = None) -> None:
    """Count one run of a periodic task; `error` set means it failed."""
    now = timezone.now()
    TaskRun.objects.get_or_create(name=name)
    if error is None:
        TaskRun.objects.filter(name=name).update(last_success_at=now, successes=F("successes") + 1)
    else:
        TaskRun.objects.filter(name=name).update(
            last_failure_at=now, last_error=error[:2000], failures=F("failures") + 1
        )


def probe_database() -> Probe:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any driver error means "down" to an operator
        return Probe(False, f"unreachable: {exc.__class__.__name__}")
    return Probe(True)


def probe_cache() -> Probe:
    """The cache answers a write and a read: sessions, rate limits and locks live there."""
    from django.core.cache import cache

    token = time.time_ns()
    try:
        cache.set("healthz:probe", token, timeout=10)
        cache.get("healthz:probe")
    except Exception as exc:  # any client error means "down" to an operator
        return Probe(False, f"unreachable: {exc.__class__.__name__}")
    return Probe(True)


def probe_broker(celery_app) -> Probe:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0.1, timeout=2)
    except Exception as exc:
        return Probe(False, f"unreachable: {exc.__class__.__name__}")
    return Probe(True)


def probe_workers(celery_app, timeout: float = 1.0) -> Probe:
    """At least one worker answers a ping; returns on the first reply."""
    try:
        replies = celery_app.control.ping(timeout=timeout, limit=1)
    except Exception as exc:
        return Probe(False, f"unreachable: {exc.__class__.__name__}")
    if not replies:
        return Probe(False, "no worker answered")
    return Probe(True)


def probe_beat() -> Probe:
    """Beat's own heartbeat is recent (BEAT_HEARTBEAT_MAX_AGE seconds)."""
    try:
        beat_at = (
            Heartbeat.objects.filter(source=BEAT_SOURCE).values_list("beat_at", flat=True).first()
        )
    except DatabaseError as exc:
        return Probe(False, f"unknown: {exc.__class__.__name__}")
    if beat_at is None:
        return Probe(False, "no heartbeat yet")
    age = (timezone.now() - beat_at).total_seconds()
    if age > settings.BEAT_HEARTBEAT_MAX_AGE:
        return Probe(False, f"no heartbeat for {age:.0f} s")
    return Probe(True)

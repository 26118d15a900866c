"""Operational checks: the health endpoint's probes and the heartbeat."""

import socket
from dataclasses import dataclass

from django.db import connection
from django.db.models import F
from django.utils import timezone

from .models import Heartbeat, TaskRun


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

"""Housekeeping tasks run by beat."""

from celery import shared_task

from cms.operations import record_heartbeat as record_heartbeat_service


@shared_task(name="tasks.maintenance.record_heartbeat")
def record_heartbeat(source: str = "beat") -> None:
    """Proof that beat schedules and a worker runs: /healthz and the admin show its age."""
    record_heartbeat_service(source)

"""Housekeeping tasks run by beat."""

from celery import shared_task

from cms.accounts import purge_sign_in_records as purge_sign_in_records_service
from cms.operations import record_heartbeat as record_heartbeat_service


@shared_task(name="tasks.maintenance.record_heartbeat")
def record_heartbeat(source: str = "beat") -> None:
    """Proof that beat schedules and a worker runs: /healthz and the admin show its age."""
    record_heartbeat_service(source)


@shared_task(name="tasks.maintenance.purge_sign_in_records")
def purge_sign_in_records() -> int:
    """Retention: sign-in records older than SIGN_IN_RECORD_RETENTION_DAYS go."""
    return purge_sign_in_records_service()

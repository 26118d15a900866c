"""Records each run of a periodic task, for /healthz and Reports → Background tasks.

The plugin's own signal wiring (submissions, emails, exports, donations to their tasks)
is the plugin's: `membership_forms.queueing`, connected in its app's `ready()`.
"""

from celery.signals import task_failure, task_success
from django.conf import settings


def _periodic(task) -> bool:
    names = {entry["task"] for entry in getattr(settings, "CELERY_BEAT_SCHEDULE", {}).values()}
    return getattr(task, "name", None) in names


@task_success.connect(dispatch_uid="tasks.record_success")
def record_success(sender=None, **kwargs) -> None:
    if _periodic(sender):
        from cms.operations import record_task_run

        record_task_run(sender.name)


@task_failure.connect(dispatch_uid="tasks.record_failure")
def record_failure(sender=None, exception=None, **kwargs) -> None:
    if _periodic(sender):
        from cms.operations import record_task_run

        record_task_run(sender.name, error=f"{exception.__class__.__name__}: {exception}")

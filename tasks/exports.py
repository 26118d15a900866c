"""Queue exports, built off the request."""

from celery import shared_task

from membership_forms.services import exports


@shared_task(name="tasks.exports.build_export", max_retries=3, default_retry_delay=30)
def build_export(export_id: int) -> None:
    exports.build_export(export_id)

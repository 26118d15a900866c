"""Queue exports, built off the request."""

from celery import shared_task

from membership_forms.services import exports, retention


@shared_task(name="tasks.exports.build_export", max_retries=3, default_retry_delay=30)
def build_export(export_id: int) -> None:
    exports.build_export(export_id)


@shared_task(name="tasks.exports.purge_old_exports")
def purge_old_exports() -> int:
    return retention.purge_old_exports()

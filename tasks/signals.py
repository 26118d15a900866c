"""Connects the plugin's signals to Celery, after commit, without ever failing the request.

A dead broker costs the visitor at most the connect timeout: no publish retries here,
the error is logged, and the outbox sweep queues the submission later.
"""

import logging

from django.dispatch import receiver

from membership_forms.signals import export_requested, submission_received

logger = logging.getLogger(__name__)


@receiver(submission_received, dispatch_uid="tasks.queue_submission")
def queue_submission(sender, submission_id: int, **kwargs) -> None:
    from .submissions import process_submission

    try:
        process_submission.apply_async((submission_id,), retry=False)
    except Exception:
        logger.exception("Could not queue submission %s; the sweep will", submission_id)


@receiver(export_requested, dispatch_uid="tasks.queue_export")
def queue_export(sender, export_id: int, **kwargs) -> None:
    from .exports import build_export

    try:
        build_export.apply_async((export_id,), retry=False)
    except Exception:
        logger.exception("Could not queue export %s", export_id)

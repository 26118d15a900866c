"""Signals the plugin sends; a project connects them to its task queue (see tasks/signals.py)."""

from django.dispatch import Signal

# Sent after the transaction that stored a submission has committed; `submission_id=pk`.
submission_received = Signal()

# Sent after the transaction that recorded an email has committed; `notification_id=pk`.
notification_queued = Signal()

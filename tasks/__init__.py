"""The project's Celery app, its workarounds and its own periodic jobs.

The plugin's tasks live in `membership_forms.tasks`, found by `autodiscover_tasks()`.
"""

from . import signals  # noqa: F401  (records periodic task runs)
from .celery import app as celery_app

__all__ = ["celery_app"]

"""The Celery app and its tasks: thin wrappers that load a row by key and call one service."""

from . import signals  # noqa: F401  (queues submissions after commit)
from .celery import app as celery_app

__all__ = ["celery_app"]

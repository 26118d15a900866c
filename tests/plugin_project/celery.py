"""The test project's Celery app, as any project makes one: the plugin's tasks are found
by autodiscovery."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.plugin_project.settings")

app = Celery("plugin_project")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

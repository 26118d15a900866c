"""The Celery application: every setting comes from Django's CELERY_* settings."""

import os

from celery import Celery

from .resilience import patch_for_broker_restarts

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.production")

patch_for_broker_restarts()  # upstream bugs: see tasks/resilience.py

app = Celery("coalition")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Each installed app's tasks module (membership_forms.tasks), and the project's own jobs.
app.autodiscover_tasks()
app.autodiscover_tasks(["tasks"], related_name="maintenance")
app.autodiscover_tasks(["tasks"], related_name="mail")

"""The test suite: PostgreSQL and Redis, isolated from a demo running on the same machine."""

import os
import uuid

from .base import *  # noqa: F403
from .base import CACHES, database, env, redis_url_with_db
from .duties import broker_settings, celery_routing

DATABASES = {"default": database("postgres://postgres@127.0.0.1:5432/coalition")}
DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME", default="test_coalition")}
DATABASES["default"]["CONN_MAX_AGE"] = 0  # the test worker closes its connection after each task

REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/10")
# One run's worker must never take another run's tasks, nor its cache keys.
RUN_ID = f"{os.getpid()}-{uuid.uuid4().hex[:6]}"
# Redis, or RabbitMQ with BROKER_URL=amqp://guest:guest@127.0.0.1:5672// (quorum queues).
BROKER_URL = env.str("BROKER_URL", default="") or REDIS_URL
globals().update(broker_settings(BROKER_URL, CELERY_TASK_TIME_LIMIT))  # noqa: F405
# A test's own worker process is given its own (CELERY_QUEUE, tests/tasks/workers.py).
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default=f"test-{RUN_ID}")
# Its duties' queues; a test's own worker process may be given queues of its own.
CELERY_QUEUE_PREFIX = env.str("CELERY_QUEUE_PREFIX", default=f"{CELERY_TASK_DEFAULT_QUEUE}.")
globals().update(
    celery_routing(
        CELERY_TASK_DEFAULT_QUEUE,
        CELERY_QUEUE_PREFIX,
        CELERY_TASK_TIME_LIMIT,  # noqa: F405
        BROKER_URL,
    )
)
CACHES["default"]["LOCATION"] = redis_url_with_db(REDIS_URL, 11)
CACHES["default"]["KEY_PREFIX"] = f"test-{RUN_ID}"

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
SITE_URL = WAGTAILADMIN_BASE_URL = WAGTAILAPI_BASE_URL = "http://testserver"
MEMBERSHIP_FORMS = {**MEMBERSHIP_FORMS, "SITE_URL": SITE_URL}  # noqa: F405
# A form kind declared outside the plugin (tests/sample_kind): the plugin must serve it
# from its declaration alone (tests/membership_forms/test_kind_registry.py).
INSTALLED_APPS = [*INSTALLED_APPS, "tests.sample_kind"]  # noqa: F405

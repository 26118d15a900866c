"""bench/submit.py only: production settings plus the stock form app and a bare JSON view."""

from .production import *  # noqa: F403
from .production import INSTALLED_APPS, MEMBERSHIP_FORMS, MIDDLEWARE, env

INSTALLED_APPS = [*INSTALLED_APPS, "bench.stock_forms"]
MIDDLEWARE = ["bench.stock_forms.middleware.ExemptStockFormFromCsrf", *MIDDLEWARE]
ROOT_URLCONF = "bench.stock_forms.urls"
MEMBERSHIP_FORMS = {
    **MEMBERSHIP_FORMS,
    "SUBMISSION_RATE_LIMIT": env.str("SUBMISSION_RATE_LIMIT", default="1000000/m"),
    "CONFIRMATIONS_PER_ADDRESS": 1_000_000,
}
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="bench")
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

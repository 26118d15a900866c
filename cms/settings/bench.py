"""bench/*.py only: production settings served over plain HTTP on loopback, plus what the
benchmarks compare against (a bare Django view, the stock Wagtail form page app)."""

from .duties import celery_routing
from .production import *  # noqa: F403
from .production import (
    BROKER_URL,
    INSTALLED_APPS,
    MEMBERSHIP_FORMS,
    MIDDLEWARE,
    STORAGES,
    VAR_DIR,
    env,
)

BENCH_URLS = True
INSTALLED_APPS = [*INSTALLED_APPS, "bench.stock_forms"]
MIDDLEWARE = ["bench.stock_forms.middleware.ExemptStockFormFromCsrf", *MIDDLEWARE]
ROOT_URLCONF = "bench.stock_forms.urls"
MEMBERSHIP_FORMS = {
    **MEMBERSHIP_FORMS,
    "SUBMISSION_RATE_LIMIT": env.str("SUBMISSION_RATE_LIMIT", default="1000000/m"),
    "CONFIRMATIONS_PER_ADDRESS": 1_000_000,
}
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="bench")
CELERY_QUEUE_PREFIX = f"{CELERY_TASK_DEFAULT_QUEUE}."  # and its duties' queues
globals().update(
    celery_routing(
        CELERY_TASK_DEFAULT_QUEUE,
        CELERY_QUEUE_PREFIX,
        CELERY_TASK_TIME_LIMIT,  # noqa: F405
        BROKER_URL,
    )
)
# Plain HTTP on loopback, like `make run`.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
STATIC_ROOT = VAR_DIR / "bench-static"  # never collected: the benchmarks request no static files
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

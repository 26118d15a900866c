"""bench/pages.py: production settings plus a bare Django view to compare against."""

from .production import *  # noqa: F403
from .production import STORAGES, VAR_DIR

BENCH_URLS = True
# Plain HTTP on loopback, like `make run`.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
STATIC_ROOT = VAR_DIR / "bench-static"  # never collected: pages only, no static files
# The benchmark requests pages only, never their static files: no manifest needed.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

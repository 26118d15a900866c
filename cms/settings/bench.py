"""bench/pages.py: production settings plus a bare Django view to compare against."""

from .production import *  # noqa: F403
from .production import STORAGES

BENCH_URLS = True
# The benchmark requests pages only, never their static files: no manifest needed.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

"""A project that installs Wagtail and the plugin, and nothing of the site (`cms/`, `tasks/`).

Its tests prove the plugin stands on its own: `make test` runs them with
``pytest --ds tests.plugin_project.settings tests/plugin_project``.
"""

from .celery import app as celery_app

__all__ = ["celery_app"]

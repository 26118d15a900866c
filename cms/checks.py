"""The site's own checks (`manage.py check`, and `--deploy` for the deploy ones)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from cms.settings.duties import is_rabbitmq

LOOPBACK = {"localhost", "127.0.0.1", "::1"}


@register(Tags.security, deploy=True)
def check_site_url(app_configs, **kwargs):
    """Every link in emails is built on SITE_URL: in production it must be the public
    https address, not the loopback default `make run` uses."""
    url = urlsplit(settings.SITE_URL)
    if url.scheme == "https" and url.hostname not in LOOPBACK:
        return []
    return [
        Warning(
            f"SITE_URL is {settings.SITE_URL!r}: links in emails would point there.",
            hint="Set SITE_URL to the site's public address, e.g. https://www.example.org.",
            id="cms.W001",
        )
    ]


def longest_time_limit() -> int:
    """The longest hard time limit of any task: the default one or a duty's."""
    limits = [settings.CELERY_TASK_TIME_LIMIT or 0]
    for options in getattr(settings, "CELERY_TASK_ANNOTATIONS", {}).values():
        limits.append(options.get("time_limit") or 0)
    return max(limits)


@register()
def check_visibility_timeout(app_configs, **kwargs):
    """Redis hands an unacknowledged task to another worker after `visibility_timeout`:
    shorter than a task's time limit, a task still running would run twice. RabbitMQ
    redelivers only when the worker's connection closes (docs/deploy.md)."""
    if is_rabbitmq(settings.CELERY_BROKER_URL):
        return []
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
    timeout = options.get("visibility_timeout", 3600)  # kombu's default
    longest = longest_time_limit()
    if timeout > longest:
        return []
    return [
        Error(
            f"The broker's visibility_timeout ({timeout} s) is not longer than the longest"
            f" task time limit ({longest} s): a running task would be delivered again.",
            hint="Set CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout'] above it.",
            id="cms.E001",
        )
    ]

"""The site's own deploy checks (`manage.py check --deploy`)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register

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

"""Absolute links for emails: the site's address (the SITE_URL setting) and a path.

One place builds them, so every email links to the address the site is served on.
"""

from __future__ import annotations

from django.conf import settings

from .conf import get_setting


def site_url() -> str:
    return (get_setting("SITE_URL") or settings.WAGTAILADMIN_BASE_URL).rstrip("/")


def absolute(path: str) -> str:
    """`path` on the site's address; an address that is already absolute is kept."""
    if path.startswith(("http://", "https://")):
        return path
    return site_url() + path

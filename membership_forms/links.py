"""Absolute links for emails and for other websites: the site's address (the SITE_URL
setting) and a path.

One place builds them, so every email links to the address the site is served on.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from wagtail.rich_text import expand_db_html
from wagtail.whitelist import DEFAULT_ELEMENT_RULES, Whitelister, attribute_rule, check_url

from .conf import get_setting


def site_url() -> str:
    return (get_setting("SITE_URL") or settings.WAGTAILADMIN_BASE_URL).rstrip("/")


def absolute(path: str) -> str:
    """`path` on the site's address; an address that is already absolute is kept."""
    if path.startswith(("http://", "https://")):
        return path
    return site_url() + path


class _PublicHtml(Whitelister):
    """Wagtail's own allow-list of elements, with every address made absolute."""

    def __init__(self, make_absolute: Callable[[str], str]) -> None:
        def url(value: str) -> str | None:
            checked = check_url(value)
            return make_absolute(checked) if checked else None

        self.element_rules = {
            **DEFAULT_ELEMENT_RULES,
            "a": attribute_rule({"href": url}),
            "img": attribute_rule({"src": url, "width": True, "height": True, "alt": True}),
        }


def public_html(rich_text: str, make_absolute: Callable[[str], str] = absolute) -> str:
    """Editors' rich text as HTML for another website or app: links expanded and made
    absolute with `make_absolute`, only plain elements and safe addresses kept."""
    return _PublicHtml(make_absolute).clean(expand_db_html(rich_text)) if rich_text else ""

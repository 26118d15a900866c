"""Addresses other sites read (search engines, feeds, social media): absolute URLs and
each page's translations.

Absolute URLs are built from the request, so they carry the host and scheme the
visitor used (ALLOWED_HOSTS limits the host; SECURE_PROXY_SSL_HEADER gives https behind
the proxy), whatever hostname the Wagtail Site record holds.
"""

from collections import defaultdict
from uuid import UUID

from django.conf import settings
from wagtail.models import Page


def absolute_url(request, url: str | None) -> str | None:
    return request.build_absolute_uri(url) if url else None


def real_translations(pages) -> dict[UUID, dict[str, Page]]:
    """The live, public translations of `pages` by translation key and language code,
    leaving out wagtail-localize placeholders (they show another language's text)."""
    keys = {page.translation_key for page in pages}
    translations: dict[UUID, dict[str, Page]] = defaultdict(dict)
    for page in (
        Page.objects.live()
        .public()
        .filter(translation_key__in=keys, alias_of__isnull=True)
        .select_related("locale")
    ):
        translations[page.translation_key][page.locale.language_code] = page
    return translations


def alternates(request, translations: dict[str, Page]) -> list[tuple[str, str]]:
    """(hreflang, absolute URL) per language in the site's order, then x-default: the
    default language's version, where it exists."""
    links = [
        (code, url)
        for code, _name in settings.LANGUAGES
        if code in translations
        and (url := absolute_url(request, translations[code].get_url(request)))
    ]
    default = dict(links).get(settings.LANGUAGE_CODE)
    if default:
        links.append(("x-default", default))
    return links

"""Menus, the language switcher, the untranslated-page notice and the page's meta tags."""

import html

from django import template
from django.conf import settings
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import get_language_info
from wagtail.models import Locale, Page, Site

from cms import branding
from cms.models import NavigationSettings, Office
from cms.seo import absolute_url, alternates

register = template.Library()


@register.simple_tag(takes_context=True)
def text_direction(context) -> str:
    return "rtl" if translation.get_language_bidi() else "ltr"


def _site(context):
    request = context.get("request")
    return Site.find_for_request(request) if request else None


@register.simple_tag(takes_context=True)
def site_name(context) -> str:
    """The coalition's name from the Wagtail Site, in the visitor's language."""
    return branding.site_name(_site(context))


@register.simple_tag
def default_site_name() -> str:
    """The name without the database (WAGTAIL_SITE_NAME): for the bare error pages."""
    return branding.site_name(None)


@register.simple_tag(takes_context=True)
def home_page(context):
    """The home page in the active language (the root of the site's tree for it)."""
    request = context.get("request")
    site = _site(context)
    if site is None:
        return None
    key = f"_home_page_{translation.get_language()}"
    if not hasattr(request, key):
        setattr(request, key, site.root_page.localized.specific)
    return getattr(request, key)


@register.simple_tag(takes_context=True)
def news_index(context):
    """The site's news index in the active language: every page links to its feeds."""
    from cms.models import NewsIndexPage

    request = context.get("request")
    home = home_page(context)
    if home is None:
        return None
    key = f"_news_index_{translation.get_language()}"
    if not hasattr(request, key):
        index = NewsIndexPage.objects.live().public().descendant_of(home).order_by("path")
        setattr(request, key, index.first())
    return getattr(request, key)


def _links(context, relation: str) -> list[tuple[str, str]]:
    request = context.get("request")
    if request is None:
        return []
    navigation = NavigationSettings.for_request(request)
    cache_name = f"_{relation}_resolved_{translation.get_language()}"
    if not hasattr(navigation, cache_name):
        items = list(getattr(navigation, relation).select_related("page"))
        keys = [item.page.translation_key for item in items if item.page_id]
        translations = {
            page.translation_key: page
            for page in Page.objects.live().filter(
                translation_key__in=keys, locale=_active_locale(request)
            )
        }
        links = [
            link
            for item in items
            if (link := item.resolve(item.page_id and translations.get(item.page.translation_key)))
        ]
        setattr(navigation, cache_name, links)
    return getattr(navigation, cache_name)


def _locales(request) -> dict[str, Locale]:
    """Every locale by language code, read once per request."""
    if not hasattr(request, "_site_locales"):
        request._site_locales = {locale.language_code: locale for locale in Locale.objects.all()}
    return request._site_locales


def _active_locale(request) -> Locale | None:
    return _locales(request).get(translation.get_language())


@register.simple_tag(takes_context=True)
def offices(context) -> list[Office]:
    """The offices for the footer, in the active language where translated."""
    request = context.get("request")
    if request is None:
        return []
    key = f"_offices_{translation.get_language()}"
    if not hasattr(request, key):
        setattr(request, key, Office.for_language(_active_locale(request)))
    return getattr(request, key)


@register.simple_tag(takes_context=True)
def main_menu(context) -> list[tuple[str, str]]:
    return _links(context, "menu_items")


@register.simple_tag(takes_context=True)
def footer_links(context) -> list[tuple[str, str]]:
    return _links(context, "footer_links")


def page_key(page, site):
    """The translation key the language switcher follows: the page's, else the home's."""
    if isinstance(page, Page):
        return page.translation_key
    return site.root_page.translation_key if site else None


def _translations(request, page, site) -> list[Page]:
    """The live, public translations of the page and of the home page, read once per
    request for the language switcher and the page's meta tags."""
    keys = {key for key in (page_key(page, site), site and site.root_page.translation_key) if key}
    if request is None:
        return []
    cache_key = ("_page_translations", tuple(sorted(map(str, keys))))
    cached = getattr(request, "_page_translations", {})
    if cache_key not in cached:
        cached[cache_key] = list(
            Page.objects.live().public().filter(translation_key__in=keys).select_related("locale")
        )
        request._page_translations = cached
    return cached[cache_key]


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """One link per language: the current page's translation, else that language's home."""
    page = context.get("page")
    request = context.get("request")
    site = _site(context)
    current = translation.get_language()
    locales = _locales(request) if request else {}
    by_locale: dict[int, Page] = {}
    # The page's and the home page's translations (one query, shared with page_meta);
    # the page's win.
    for candidate in _translations(request, page, site):
        if (
            candidate.translation_key == page_key(page, site)
            or candidate.locale_id not in by_locale
        ):
            by_locale[candidate.locale_id] = candidate
    links = []
    for code, _name in settings.LANGUAGES:
        locale = locales.get(code)
        target = by_locale.get(locale.pk) if locale is not None else None
        info = get_language_info(code)
        links.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": target.url if target is not None else f"/{code}/",
                "current": code == current,
            }
        )
    return links


@register.simple_tag(takes_context=True)
def untranslated_source(context):
    """The page whose content is shown when this page is an untranslated placeholder.

    wagtail-localize keeps an alias of the original in each language until someone
    translates it; the template then shows a notice and marks the content's language.
    """
    page = context.get("page")
    if not isinstance(page, Page) or not page.alias_of_id:
        return None
    source = page.alias_of
    if source.locale_id == page.locale_id:
        return None
    return source


@register.simple_tag
def language_direction(code: str) -> str:
    return "rtl" if get_language_info(code)["bidi"] else "ltr"


@register.simple_tag
def language_name(code: str) -> str:
    return get_language_info(code)["name_local"]


@register.simple_tag
def language_name_translated(code: str) -> str:
    """The language's name in the active language ("anglais" on a French page)."""
    return str(translation.gettext(get_language_info(code)["name"])).lower()


@register.simple_tag(takes_context=True)
def newsletter_page(context):
    """The live newsletter sign-up page of this site, in the active language if translated."""
    from membership_forms.models import NewsletterFormPage

    request = context.get("request")
    site = _site(context)
    if site is None:
        return None
    if not hasattr(request, "_newsletter_page"):
        page = NewsletterFormPage.objects.live().descendant_of(site.root_page).first()
        locale = _active_locale(request)
        if page is not None and locale is not None and page.locale_id != locale.pk:
            page = page.get_translation_or_none(locale) or page
        request._newsletter_page = page
    return request._newsletter_page


@register.simple_tag(takes_context=True)
def member_contact(context) -> bool:
    """Whether the signed-in visitor is a contact of an organisation (the header then
    links to "My organisation"); asked once per request."""
    from membership_forms.services.organisations import is_contact

    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return False
    if not hasattr(request, "_member_contact"):
        request._member_contact = is_contact(request.user)
    return request._member_contact


# OpenGraph names locales language_TERRITORY; these are the ones its consumers know.
OPENGRAPH_LOCALES = {"en": "en_US", "fr": "fr_FR", "es": "es_ES", "ar": "ar_AR"}
SHARE_IMAGE_FILTER = "fill-1200x630"  # the size OpenGraph consumers show best


@register.filter
def plain_text(value) -> str:
    """Words only, for a meta description or a listing: tags dropped and entities decoded,
    so that autoescaping then escapes the text exactly once (rich text or plain)."""
    return " ".join(html.unescape(strip_tags(str(value or ""))).split())


def _canonical_url(request, page: Page) -> str | None:
    """The page's own address; a placeholder's is its original's (the content shown).
    Other pages of a listing keep their number, as search engines expect."""
    original = page.alias_of if page.alias_of_id else page
    url = absolute_url(request, original.get_url(request))
    number = request.GET.get("page", "")
    if url and number.isdigit() and int(number) > 1:
        url = f"{url}?page={number}"
    return url


@register.inclusion_tag("cms/includes/meta.html", takes_context=True)
def page_meta(context) -> dict:
    """Description, canonical and hreflang links, OpenGraph and Twitter card of a page.

    Alternates list only real translations (no wagtail-localize placeholder, which shows
    another language's text), with absolute addresses and the default language as
    x-default.
    """
    request = context.get("request")
    page = context.get("page")
    if request is None or not isinstance(page, Page):
        return {}
    # Real translations only: no wagtail-localize placeholder (another language's text).
    translations = {
        candidate.locale.language_code: candidate
        for candidate in _translations(request, page, _site(context))
        if candidate.translation_key == page.translation_key and not candidate.alias_of_id
    }
    source = untranslated_source(context)
    language = source.locale.language_code if source else translation.get_language()
    description = plain_text(page.search_description) or plain_text(getattr(page, "intro", ""))
    meta = {
        "site_name": site_name(context),
        # As in the <title>: the home page is shared under its hero heading, not "Home".
        "title": page.seo_title or getattr(page, "hero_heading", "") or page.title,
        "description": Truncator(description).words(40),
        "url": _canonical_url(request, page),
        "type": "article" if getattr(page, "date", None) else "website",
        "locale": OPENGRAPH_LOCALES.get(language, language),
        "other_locales": [
            OPENGRAPH_LOCALES.get(code, code) for code in translations if code != language
        ],
        "alternates": alternates(request, translations),
    }
    image = page.get_share_image() if hasattr(page, "get_share_image") else None
    if image is not None:
        rendition = image.get_rendition(SHARE_IMAGE_FILTER)
        meta["image"] = {
            "url": absolute_url(request, rendition.url),
            "width": rendition.width,
            "height": rendition.height,
            "alt": image.default_alt_text,
        }
    return meta

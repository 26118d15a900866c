"""Menus, the language switcher and the untranslated-page notice."""

from django import template
from django.conf import settings
from django.utils import translation
from django.utils.translation import get_language_info
from wagtail.models import Locale, Page, Site

from cms.models import NavigationSettings

register = template.Library()


@register.simple_tag(takes_context=True)
def text_direction(context) -> str:
    return "rtl" if translation.get_language_bidi() else "ltr"


def _site(context):
    request = context.get("request")
    return Site.find_for_request(request) if request else None


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
def main_menu(context) -> list[tuple[str, str]]:
    return _links(context, "menu_items")


@register.simple_tag(takes_context=True)
def footer_links(context) -> list[tuple[str, str]]:
    return _links(context, "footer_links")


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """One link per language: the current page's translation, else that language's home."""
    page = context.get("page")
    request = context.get("request")
    site = _site(context)
    current = translation.get_language()
    locales = _locales(request) if request else {}
    by_locale: dict[int, Page] = {}
    keys = [site.root_page.translation_key] if site else []
    if isinstance(page, Page):
        keys.insert(0, page.translation_key)
    # One query for the page's and the home page's translations; the page's win.
    for candidate in Page.objects.live().filter(translation_key__in=keys):
        if candidate.translation_key == keys[0] or candidate.locale_id not in by_locale:
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

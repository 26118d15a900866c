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
    cache_name = f"_{relation}_resolved"
    if not hasattr(navigation, cache_name):
        items = getattr(navigation, relation).select_related("page")
        setattr(navigation, cache_name, [link for item in items if (link := item.resolve())])
    return getattr(navigation, cache_name)


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
    site = _site(context)
    current = translation.get_language()
    locales = {locale.language_code: locale for locale in Locale.objects.all()}
    links = []
    for code, _name in settings.LANGUAGES:
        locale = locales.get(code)
        target = None
        if locale is not None and isinstance(page, Page):
            target = page.get_translation_or_none(locale)
            if target is not None and not target.live:
                target = None
        if target is None and locale is not None and site is not None:
            target = site.root_page.get_translation_or_none(locale)
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

"""Article tags and offices in every language (translatable snippets, like regions)."""

from wagtail.models import Locale

from cms.models import ArticleTopic, Office

from .content import DEFAULT_LANGUAGE, default_content, load


def _translate(source, locale: Locale, fields: dict) -> None:
    translation = source.copy_for_translation(locale)
    for name, value in fields.items():
        setattr(translation, name, value)
    translation.save()


def ensure_tags(languages: list[str]) -> dict[str, ArticleTopic]:
    """The default-language tags articles point at, by slug, each translated."""
    default = Locale.objects.get(language_code=DEFAULT_LANGUAGE)
    tags = {}
    for slug, name in default_content()["tags"].items():
        tag, _ = ArticleTopic.objects.get_or_create(
            locale=default, slug=slug, defaults={"name": name}
        )
        tags[slug] = tag
    for language in languages:
        names = (load(language) or {}).get("tags", {})
        locale = Locale.objects.get(language_code=language)
        existing = set(ArticleTopic.objects.filter(locale=locale).values_list("slug", flat=True))
        for slug, tag in tags.items():
            if slug not in existing:
                _translate(tag, locale, {"name": names.get(slug, tag.name)})
    return tags


def ensure_offices(languages: list[str]) -> None:
    """The offices once in the default language, then translated where content has them."""
    default = Locale.objects.get(language_code=DEFAULT_LANGUAGE)
    if not Office.objects.filter(locale=default).exists():
        for order, office in enumerate(default_content()["offices"]):
            Office.objects.create(
                locale=default,
                sort_order=order,
                name=office["name"],
                address=office["address"],
                phone=office["phone"],
                fax=office["fax"],
            )
    originals = list(Office.objects.filter(locale=default).order_by("sort_order"))
    for language in languages:
        content = (load(language) or {}).get("offices", [])
        locale = Locale.objects.get(language_code=language)
        translated = set(
            Office.objects.filter(locale=locale).values_list("translation_key", flat=True)
        )
        for office, text in zip(originals, content, strict=False):
            if office.translation_key not in translated:
                _translate(office, locale, {"name": text["name"], "address": text["address"]})

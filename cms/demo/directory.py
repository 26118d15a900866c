"""The public directory page of members and NGO Supporters, in the four languages.

Idempotent: the page is found by slug under the home page, its translations by key.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.html import escape
from wagtail.models import Locale, Site

from membership_forms.models import DirectoryPage

SLUG = "directory"
TEXT = {
    "en": ("Members and NGO Supporters", "Organisations that have joined the Coalition."),
    "fr": ("Membres et ONG partenaires", "Les organisations qui ont rejoint la Coalition."),
    "es": ("Miembros y ONG colaboradoras", "Organizaciones que se han unido a la Coalición."),
    "ar": ("الأعضاء والمنظمات الداعمة", "المنظمات التي انضمت إلى التحالف."),
}


def _fill(page: DirectoryPage, language: str) -> None:
    title, intro = TEXT[language]
    page.title = title
    page.intro = f"<p>{escape(intro)}</p>"


@transaction.atomic
def build_directory_page(stdout=None) -> DirectoryPage:
    home = Site.objects.get(is_default_site=True).root_page.specific
    page = DirectoryPage.objects.child_of(home).filter(slug=SLUG).first()
    if page is None:
        page = DirectoryPage(slug=SLUG)
        _fill(page, "en")
        home.add_child(instance=page)
    else:
        _fill(page, "en")
    page.save_revision().publish()
    for language in TEXT:
        if language == "en":
            continue
        locale, _ = Locale.objects.get_or_create(language_code=language)
        translation = page.get_translation_or_none(locale)
        if translation is None:
            translation = page.copy_for_translation(locale, copy_parents=True)
        translation = translation.specific
        _fill(translation, language)
        translation.save_revision().publish()
    if stdout:
        stdout.write(f"Directory page: {page.url}\n")
    return page

"""The public directory page of members and NGO Supporters, in the four languages.

Idempotent: the page is found by slug under the home page, its translations by key.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.html import escape
from wagtail.models import Locale, Page, Site

from membership_forms.models import DirectoryPage

SLUG = "directory"
TEXT = {
    "en": ("Members and NGO Supporters", "Organisations that have joined the Coalition."),
    "fr": ("Membres et ONG partenaires", "Les organisations qui ont rejoint la Coalition."),
    "es": ("Miembros y ONG colaboradoras", "Organizaciones que se han unido a la Coalición."),
    "ar": ("الأعضاء والمنظمات الداعمة", "المنظمات التي انضمت إلى التحالف."),
}


PARENT_SLUG = "join"


def _fill(page: DirectoryPage, language: str) -> bool:
    """Set the page's text; True when something changed."""
    title, intro = TEXT[language]
    values = {"title": title, "intro": f"<p>{escape(intro)}</p>"}
    changed = False
    for name, value in values.items():
        if getattr(page, name) != value:
            setattr(page, name, value)
            changed = True
    return changed


def _publish(page, changed: bool) -> None:
    """Publish only what changed, so a second run writes no new revision."""
    if changed or not page.live or page.has_unpublished_changes:
        page.save_revision().publish()


@transaction.atomic
def build_directory_page(stdout=None) -> DirectoryPage:
    """Create or update the directory page under "Join" (or the home page) and translate it."""
    home = Site.objects.get(is_default_site=True).root_page.specific
    parent = Page.objects.child_of(home).filter(slug=PARENT_SLUG).first() or home
    page = DirectoryPage.objects.child_of(parent).filter(slug=SLUG).first()
    if page is None:
        page = DirectoryPage(slug=SLUG)
        _fill(page, "en")
        parent.add_child(instance=page)
        changed = True
    else:
        changed = _fill(page, "en")
    _publish(page, changed)
    for language in TEXT:
        if language == "en":
            continue
        locale, _ = Locale.objects.get_or_create(language_code=language)
        translation = page.get_translation_or_none(locale)
        if translation is None:
            translation = page.copy_for_translation(locale, copy_parents=True)
        translation = translation.specific
        _publish(translation, _fill(translation, language))
    if stdout:
        stdout.write(f"Directory page: {page.url}\n")
    return page

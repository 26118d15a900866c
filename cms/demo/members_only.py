"""Member-only content for the demo: a campaign page and a document that only the people
of members and NGO Supporters reach (Wagtail page privacy and a private collection, both
restricted to the member groups kept in step by `tasks.members.sync_member_groups`).

Idempotent: the page is found by slug under the home page, the document by title.
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.html import escape
from wagtail.models import (
    Collection,
    CollectionViewRestriction,
    Locale,
    PageViewRestriction,
    Site,
)

from cms.demo.documents import pdf_bytes
from cms.models import LibraryDocument, StandardPage
from membership_forms.models.organisations import MEMBER_GROUPS

SLUG = "members-campaign"
COLLECTION = "Members only"
DOCUMENT = "Campaign toolkit for members (2027)"
TEXT = {
    "en": (
        "Members' campaign: early warning at the Security Council",
        "Our joint campaign for the coming year, for members and NGO Supporters only: the "
        "messages, the calendar of open debates and the toolkit below.",
    ),
    "fr": (
        "Campagne des membres\u00a0: l\u2019alerte précoce au Conseil de sécurité",
        "Notre campagne commune pour l\u2019année à venir, réservée aux Membres et aux ONG "
        "sympathisantes\u00a0: les messages, le calendrier des débats publics et la boîte à "
        "outils ci-dessous.",
    ),
    "es": (
        "Campaña de los miembros: la alerta temprana en el Consejo de Seguridad",
        "Nuestra campaña conjunta para el próximo año, reservada a los Miembros y a las ONG "
        "simpatizantes: los mensajes, el calendario de debates abiertos y el material de abajo.",
    ),
    "ar": (
        "حملة الأعضاء: الإنذار المبكر في مجلس الأمن",
        "حملتنا المشتركة للعام المقبل، وهي مخصصة للأعضاء والمنظمات غير الحكومية الداعمة: "
        "الرسائل، وجدول المناقشات المفتوحة، ومجموعة الأدوات أدناه.",
    ),
}


def member_groups() -> list[Group]:
    return [Group.objects.get_or_create(name=name)[0] for name in MEMBER_GROUPS.values()]


def ensure_private_document() -> LibraryDocument:
    """The toolkit, in the "Members only" collection that only the member groups may read."""
    collection = Collection.objects.filter(name=COLLECTION).first()
    if collection is None:
        root = Collection.get_first_root_node() or Collection.add_root(name="Root")
        collection = root.add_child(name=COLLECTION)
    restriction = CollectionViewRestriction.objects.filter(collection=collection).first()
    if restriction is None:
        restriction = CollectionViewRestriction.objects.create(
            collection=collection, restriction_type=CollectionViewRestriction.GROUPS
        )
    restriction.groups.set(member_groups())
    document = LibraryDocument.objects.filter(title=DOCUMENT).first()
    if document is None:
        document = LibraryDocument(title=DOCUMENT, collection=collection)
        body = "Messages, calendar and contacts for the members' campaign."
        document.file.save(
            "members-campaign-toolkit.pdf", ContentFile(pdf_bytes(DOCUMENT, body)), save=False
        )
        document.save()
    return document


def _restrict(page) -> None:
    restriction = PageViewRestriction.objects.filter(page=page).first()
    if restriction is None:
        restriction = PageViewRestriction.objects.create(
            page=page, restriction_type=PageViewRestriction.GROUPS
        )
    restriction.groups.set(member_groups())


def _fill(page: StandardPage, language: str, document: LibraryDocument) -> bool:
    title, text = TEXT[language]
    body = [
        {"type": "paragraph", "value": f"<p>{escape(text)}</p>"},
        {"type": "document", "value": document.pk},
    ]
    changed = page.title != title or not page.body
    if changed:
        page.title = title
        page.body = body
    return changed


@transaction.atomic
def build_members_only(stdout=None) -> StandardPage:
    """The member-only campaign page (four languages) and its private document."""
    document = ensure_private_document()
    home = Site.objects.get(is_default_site=True).root_page.specific
    page = StandardPage.objects.child_of(home).filter(slug=SLUG).first()
    if page is None:
        page = StandardPage(slug=SLUG, show_in_menus=False)
        _fill(page, "en", document)
        home.add_child(instance=page)
        page.save_revision().publish()
    elif _fill(page, "en", document):
        page.save_revision().publish()
    _restrict(page)
    for language in TEXT:
        if language == "en":
            continue
        locale, _created = Locale.objects.get_or_create(language_code=language)
        translated = page.get_translation_or_none(locale)
        if translated is None:
            translated = page.copy_for_translation(locale, copy_parents=True)
        translated = translated.specific
        if _fill(translated, language, document) or not translated.live:
            translated.save_revision().publish()
        _restrict(translated)
    if stdout:
        stdout.write(f"Member-only page: {page.url}\n")
    return page

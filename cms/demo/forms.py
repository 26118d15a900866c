"""Demo form pages: one published page of each kind, in English, French, Spanish and Arabic.

Idempotent: pages are found by slug under the home page and their translations by
translation key, so running it again updates them in place.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from wagtail.models import Locale, Page, Site

from membership_forms import kinds
from membership_forms.models import FormsApiSettings

CONTENT = Path(__file__).resolve().parent / "content"
LANGUAGES = ("en", "fr", "es", "ar")
# Each kind's demo page (its model comes from the kind's declaration). Slugs of their own:
# /join/, /internships/ and /donate/ are editorial pages of the site.
SLUGS = {
    "membership": "apply-for-membership",
    "supporter": "become-a-supporter",
    "internship": "apply-for-an-internship",
    "donation": "make-a-donation",
    "newsletter": "newsletter",
    "contact": "write-to-the-secretariat",
}


# How to give without online payment (the pledge path when no Stripe keys are set).
PLEDGE_INSTRUCTIONS = {
    "en": (
        "<p><b>Bank transfer:</b> ICRtoP, IBAN NL00 DEMO 0123 4567 89, BIC DEMONL2A, "
        "Demo Bank, Amsterdam.</p><p><b>By post:</b> a cheque to ICRtoP, "
        "708 Third Avenue, New York, NY 10017, USA.</p>"
    ),
    "fr": (
        "<p><b>Virement bancaire :</b> ICRtoP, IBAN NL00 DEMO 0123 4567 89, BIC DEMONL2A, "
        "Demo Bank, Amsterdam.</p><p><b>Par courrier :</b> un chèque à l'ordre d'ICRtoP, "
        "708 Third Avenue, New York, NY 10017, États-Unis.</p>"
    ),
    "es": (
        "<p><b>Transferencia bancaria:</b> ICRtoP, IBAN NL00 DEMO 0123 4567 89, "
        "BIC DEMONL2A, Demo Bank, Ámsterdam.</p><p><b>Por correo:</b> un cheque a nombre "
        "de ICRtoP, 708 Third Avenue, Nueva York, NY 10017, EE. UU.</p>"
    ),
    "ar": (
        "<p><b>تحويل مصرفي:</b> ICRtoP، IBAN NL00 DEMO 0123 4567 89، BIC DEMONL2A، "
        "Demo Bank، أمستردام.</p><p><b>بالبريد:</b> شيك باسم ICRtoP، "
        "708 Third Avenue, New York, NY 10017، الولايات المتحدة.</p>"
    ),
}
RECEIPT_ORGANISATION = (
    "International Coalition for the Responsibility to Protect (demo), "
    "708 Third Avenue, New York, NY 10017, USA. EIN 00-0000000 (demo)."
)
# Page settings per kind; a dict of languages gives each translation its own value.
SETTINGS: dict[str, dict[str, Any]] = {
    "donation": {
        "suggested_amounts": "25,50,100,250",
        "currencies": "USD,EUR",
        "review_threshold": Decimal("5000"),
        "minimum_amount": Decimal("5"),
        "pledge_instructions": PLEDGE_INSTRUCTIONS,
        "receipt_organisation": RECEIPT_ORGANISATION,
    },
    "internship": {"terms_offered": 3},
}


def content_for(language: str) -> dict:
    return json.loads((CONTENT / f"{language}.json").read_text(encoding="utf-8"))


def _content(language: str) -> dict:
    return content_for(language)["forms"]


def _paragraphs(text: str) -> str:
    from django.utils.html import escape

    return "".join(f"<p>{escape(part)}</p>" for part in text.split("\n\n") if part.strip())


def _fill(page, text: dict, kind: str, language: str = "en") -> bool:
    """Set the demo values; True when any of them changed (a second load changes nothing)."""
    values = {
        "title": text["title"],
        "intro": _paragraphs(text["intro"]),
        "thank_you_text": _paragraphs(text["thank_you"]),
        "confirmation_subject": text["confirmation_subject"],
        "confirmation_body": text["confirmation_body"],
        "staff_recipients": "secretariat@example.org",
        **{
            name: value[language] if isinstance(value, dict) else value
            for name, value in SETTINGS.get(kind, {}).items()
        },
    }
    changed = False
    for name, value in values.items():
        if getattr(page, name) != value:
            setattr(page, name, value)
            changed = True
    return changed


def _publish(page) -> None:
    page.save_revision().publish()


def _publish_if_needed(page, changed: bool) -> None:
    if changed or not page.live or page.has_unpublished_changes:
        _publish(page)


@transaction.atomic
def build_form_pages(stdout=None) -> dict[str, dict[str, Page]]:
    """Create or update the demo form pages; returns {kind: {language: page}}."""
    for language in LANGUAGES:
        Locale.objects.get_or_create(language_code=language)
    site = Site.objects.get(is_default_site=True)
    home = site.root_page.specific
    built: dict[str, dict[str, Page]] = {}
    content = {language: _content(language) for language in LANGUAGES}
    for kind, slug in SLUGS.items():
        model = kinds.get(kind).get_page_model()
        page = model.objects.child_of(home).filter(slug=slug).first()
        if page is None:
            page = model(slug=slug)
            _fill(page, content["en"][kind], kind)
            home.add_child(instance=page)
            _publish(page)
        else:
            _publish_if_needed(page, _fill(page, content["en"][kind], kind))
        built[kind] = {"en": page}
        if kind in FOOTER_FORMS:
            _add_footer_link(site, page)
        for language in LANGUAGES[1:]:
            locale = Locale.objects.get(language_code=language)
            translation = page.get_translation_or_none(locale)
            created = translation is None
            if created:
                translation = page.copy_for_translation(locale, copy_parents=True)
            translation = translation.specific
            changed = _fill(translation, content[language][kind], kind, language)
            _publish_if_needed(translation, changed or created)
            built[kind][language] = translation
        if stdout:
            stdout.write(f"Form page {kind}: {page.url}\n")
    link_forms(home, built)
    _fill_settings(site, home)
    return built


def _add_footer_link(site, page) -> None:
    """The form in the footer, after the page that leads to it (the contact page)."""
    from cms.models import FooterLink, NavigationSettings

    navigation = NavigationSettings.objects.filter(site=site).first()
    if navigation is None or navigation.footer_links.filter(page=page).exists():
        return
    links = list(navigation.footer_links.order_by("sort_order"))
    if not links:  # no footer yet: the site's settings make it (site_settings.py)
        return
    after = next(
        (index for index, link in enumerate(links) if link.page and link.page.slug == "contact"),
        len(links) - 1,
    )
    for link in links[after + 1 :]:
        link.sort_order += 1
        link.save(update_fields=["sort_order"])
    FooterLink.objects.create(navigation=navigation, sort_order=after + 1, page=page)


BANK_DETAILS = (
    "Account name: ICRtoP (demo)\n"
    "IBAN: NL00 DEMO 0123 4567 89\n"
    "BIC: DEMONL2A\n"
    "Bank: Demo Bank, Amsterdam\n"
    "Cheques: ICRtoP, 708 Third Avenue, New York, NY 10017, USA"
)


def _fill_settings(site, home) -> None:
    """The privacy notice every form links to, and the bank details pledges are given."""
    settings = FormsApiSettings.for_site(site)
    changed = False
    if settings.privacy_page_id is None:
        settings.privacy_page = home.get_children().filter(slug="privacy").first()
        changed = settings.privacy_page is not None
    if not settings.bank_details:
        settings.bank_details = BANK_DETAILS
        changed = True
    if changed:
        settings.save()


# The editorial pages that talk about joining, interning and giving link on to the forms.
FORM_LINKS = {
    "join": ("membership", "supporter"),
    "internships": ("internship",),
    "donate": ("donation",),
    "contact": ("contact",),  # the offices and addresses page offers the contact form
}
# Forms the footer links to as well, after the page that leads to them.
FOOTER_FORMS = ("contact",)


def link_forms(home, built: dict[str, dict[str, Page]]) -> None:
    """Buttons to the forms on the home page and the pages about them, in each language.

    Only where there are none yet: an editor's own buttons are left as they are.
    """
    for language in LANGUAGES:
        locale = Locale.objects.get(language_code=language)
        home_page = home.get_translation_or_none(locale)
        if home_page is not None and not home_page.alias_of_id:
            home_page = home_page.specific
            if not home_page.calls_to_action:
                for cta in content_for(language)["home"]["cta"]:
                    if cta.get("form") in built:
                        target = built[cta["form"]]["en"]
                        home_page.calls_to_action.append(
                            ("call_to_action", {"label": cta["label"], "page": target})
                        )
                _publish(home_page)
        for slug, linked in FORM_LINKS.items():
            source = home.get_children().filter(slug=slug).first()
            page = source.get_translation_or_none(locale) if source else None
            if page is None or page.alias_of_id:
                continue  # an alias shows the English page, buttons included
            page = page.specific
            if any(block.block_type == "call_to_action" for block in page.body):
                continue
            for kind in linked:
                form = built[kind][language]
                page.body.append(
                    ("call_to_action", {"label": form.title, "page": built[kind]["en"]})
                )
            _publish(page)

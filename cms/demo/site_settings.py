"""Contact email, the events' time zone and menus, set once on the default site."""

from wagtail.models import Site

from cms.models import FooterLink, MenuItem, NavigationSettings, OrganisationSettings

from .content import default_content

MAIN_MENU = ["about", "news", "events", "library", "join", "internships", "donate"]
FOOTER_LINKS = ["contact", "privacy", "join", "donate"]


def ensure_settings(pages: dict) -> None:
    site = Site.objects.get(is_default_site=True)
    content = default_content()
    organisation = OrganisationSettings.for_site(site)
    if not organisation.contact_email:
        organisation.contact_email = content["contact_email"]
        organisation.time_zone = content["site"]["time_zone"]
        organisation.save()
    navigation = NavigationSettings.for_site(site)
    if not navigation.pk:
        navigation.save()
    if not navigation.menu_items.exists():
        for order, slug in enumerate(MAIN_MENU):
            MenuItem.objects.create(navigation=navigation, sort_order=order, page=pages[slug])
    if not navigation.footer_links.exists():
        for order, slug in enumerate(FOOTER_LINKS):
            FooterLink.objects.create(navigation=navigation, sort_order=order, page=pages[slug])

"""The sitemap: every language's pages, each with its translations as alternates."""

from django.db.models import Q
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page

from cms.models import SearchPage
from cms.seo import absolute_url, alternates, real_translations


class SiteSitemap(Sitemap):
    """Wagtail's sitemap over the trees of all four languages (Wagtail's own lists the
    default language's tree only), with absolute hreflang alternates and x-default.

    wagtail-localize placeholders are left out: they show the original page, listed
    once in its own language. Search pages have nothing of their own to index.
    """

    def items(self):
        roots = self.get_wagtail_site().root_page.get_translations(inclusive=True)
        in_site = Q()
        for root in roots:
            in_site |= Q(path__startswith=root.path)
        return (
            Page.objects.live()
            .public()
            .filter(in_site, alias_of__isnull=True)
            .not_type(SearchPage)
            .order_by("path")
        )

    def _urls(self, page, protocol, domain):
        pages = list(self.paginator.page(page).object_list)
        translations = real_translations(pages)
        urls = []
        for item in pages:
            location = absolute_url(self.request, item.get_url(self.request))
            if location is None:
                continue
            urls.append(
                {
                    "item": item,
                    "location": location,
                    "lastmod": self.lastmod(item),
                    "alternates": [
                        {"lang_code": code, "location": url}
                        for code, url in alternates(
                            self.request, translations[item.translation_key]
                        )
                    ],
                }
            )
        last_mods = {url["lastmod"] for url in urls}
        if last_mods and None not in last_mods:
            self.latest_lastmod = max(last_mods)
        return urls

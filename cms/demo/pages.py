"""The page tree: built in English, then translated into each language that has content.

Pages are found again by slug and locale and never overwritten, so editors' changes
survive a rerun. Pages with no text in a language get a wagtail-localize placeholder
(an alias of the English page) until someone translates them.
"""

import json
from datetime import date, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from wagtail.actions.convert_alias import ConvertAliasPageAction
from wagtail.coreutils import find_available_slug
from wagtail.models import Locale, Page, Site
from wagtail_localize.models import LocaleSynchronization
from wagtail_localize.synctree import synchronize_tree

from cms.models import (
    ArticlePage,
    DocumentLibraryPage,
    EventIndexPage,
    EventPage,
    HomePage,
    NewsIndexPage,
    SearchPage,
    StandardPage,
)

from .content import DEFAULT_LANGUAGE, by_slug, default_content, load

# Index pages have no text in the content files: their titles are interface strings.
SECTIONS = {
    "news": (
        NewsIndexPage,
        lambda: _("News and statements"),
        lambda: _("News, statements and blog posts from the Coalition and its members."),
    ),
    "events": (
        EventIndexPage,
        lambda: _("Events"),
        lambda: _("Meetings, briefings and launches, past and upcoming."),
    ),
    "library": (
        DocumentLibraryPage,
        lambda: _("Document library"),
        lambda: _("Toolkits, reports and statements, browsable by region."),
    ),
    "search": (SearchPage, lambda: _("Search"), lambda: ""),
}


def _stream(blocks: list[dict]) -> str:
    return json.dumps(blocks)


def _aware(value: str, time_zone: str) -> datetime:
    """The content's times are the event's local time, in its time zone."""
    return datetime.fromisoformat(value).replace(tzinfo=ZoneInfo(time_zone))


def _fill_home(page: HomePage, content: dict, pages_by_slug: dict[str, Page]) -> None:
    home = content["home"]
    page.title = home["title"]
    page.hero_heading = home["hero_heading"]
    page.hero_text = home["hero_text"]
    page.body = _stream(home["intro"])
    page.priorities_heading = home["priorities_heading"]
    page.priorities = _stream([{"type": "priority", "value": item} for item in home["priorities"]])
    page.calls_to_action = _stream(
        [
            {
                "type": "call_to_action",
                "value": {"label": cta["label"], "page": pages_by_slug[cta["page"]].pk},
            }
            for cta in home["cta"]
            if cta.get("page") in pages_by_slug  # links to forms come with the forms
        ]
    )
    page.footer_text = content["site"]["footer_text"]
    page.search_description = content["site"]["tagline"]


def _fill_standard(page: StandardPage, item: dict) -> None:
    page.title = item["title"]
    page.intro = item.get("intro", "")
    page.body = _stream(item["body"])


def _fill_article(page: ArticlePage, item: dict) -> None:
    page.title = item["title"]
    page.intro = item["summary"]
    page.body = _stream(item["body"])


def _fill_event(page: EventPage, item: dict) -> None:
    page.title = item["title"]
    page.intro = item["summary"]
    page.place = item["place"]
    page.body = _stream(item["body"])


def _fill_section(page: Page, slug: str) -> None:
    _model, title, intro = SECTIONS[slug]
    page.title = title()
    page.intro = intro()


def site_address() -> tuple[str, int]:
    """Host and port of SITE_URL: the demo's Site answers where `make run` serves, so pages'
    full URLs (in the API) and the links in emails agree."""
    url = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    return url.hostname or "localhost", url.port or (443 if url.scheme == "https" else 80)


# Where the demo's Site may have been put by an earlier run: a host an editor typed (a
# real domain) is theirs, and stays.
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1", "testserver"}


def ensure_site_address() -> None:
    """Move the demo's Site to SITE_URL (a `make run` on another PORT), if it is elsewhere
    on this machine."""
    site = Site.objects.filter(is_default_site=True).first()
    if (
        site is not None
        and site.hostname in LOCAL_HOSTS
        and (site.hostname, site.port) != site_address()
    ):
        site.hostname, site.port = site_address()
        site.save()


def ensure_home(content: dict | None = None, hero_image=None) -> HomePage:
    """The default site's home page, with Wagtail's root, the locale and the site if missing.

    Builds the top of the tree on a fresh database, and again after a transactional
    flush (the test suite's fixtures call it). An existing HomePage root is kept as is.
    """
    site = Site.objects.filter(is_default_site=True).first()
    if site and isinstance(site.root_page.specific, HomePage):
        return site.root_page.specific
    content = content or default_content()
    locale, _created = Locale.objects.get_or_create(language_code=DEFAULT_LANGUAGE)
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root", locale=locale)
    )
    # Wagtail's own "Welcome" page holds the slug "home" on a fresh database.
    for welcome in root.get_children().filter(slug="home"):
        if welcome.specific_class is Page and not welcome.get_children().exists():
            welcome.delete()
    # Anything else already there stays; the site's new root takes a free slug.
    home = HomePage(slug=find_available_slug(root, "home"), locale=locale)
    _fill_home(home, content, {})
    home.hero_image = hero_image
    root.add_child(instance=home)
    home.save_revision().publish()
    if site is None:
        site = Site(is_default_site=True)
        site.hostname, site.port = site_address()
    site.root_page = home
    site.site_name = content["site"]["name"]
    site.save()
    return home


class TreeBuilder:
    def __init__(self, images: dict, regions: dict, tags: dict):
        self.images = images
        self.regions = regions
        self.tags = tags
        self.content = default_content()
        self.default_locale = Locale.objects.get(language_code=DEFAULT_LANGUAGE)
        self.pages: dict[str, Page] = {}  # English pages by slug

    # English ------------------------------------------------------------------------

    def _child(self, parent: Page, model: type[Page], slug: str, build) -> Page:
        existing = parent.get_children().filter(slug=slug).first()
        if existing is not None:
            return existing.specific
        page = model(slug=slug, locale=self.default_locale)
        build(page)
        parent.add_child(instance=page)
        page.save_revision().publish()
        return page

    def _home(self) -> HomePage:
        return ensure_home(self.content, hero_image=self.images["hero"])

    def build_default(self) -> HomePage:
        with translation.override(DEFAULT_LANGUAGE):
            home = self._home()
            for item in self.content["pages"]:
                parent = self.pages[item["parent"]] if item["parent"] else home
                self.pages[item["slug"]] = self._child(
                    parent, StandardPage, item["slug"], lambda p, i=item: _fill_standard(p, i)
                )
            for slug, (model, _title, _intro) in SECTIONS.items():
                self.pages[slug] = self._child(
                    home, model, slug, lambda p, s=slug: _fill_section(p, s)
                )
            for item in self.content["news"]:
                self.pages[item["slug"]] = self._child(
                    self.pages["news"],
                    ArticlePage,
                    item["slug"],
                    lambda p, i=item: self._new_article(p, i),
                )
            for item in self.content["events"]:
                self.pages[item["slug"]] = self._child(
                    self.pages["events"],
                    EventPage,
                    item["slug"],
                    lambda p, i=item: self._new_event(p, i),
                )
            if not home.calls_to_action:
                _fill_home(home, self.content, self.pages)
                home.save_revision().publish()
        self.pages["home"] = home
        return home

    def _new_article(self, page: ArticlePage, item: dict) -> None:
        _fill_article(page, item)
        page.kind = item["kind"]
        page.date = date.fromisoformat(item["date"])
        page.region = self.regions.get(item["region"])
        page.image = self.images.get(item["kind"])
        page.tags.add(*(self.tags[slug] for slug in item["tags"]))

    def _new_event(self, page: EventPage, item: dict) -> None:
        _fill_event(page, item)
        page.time_zone = item["time_zone"]
        page.start = _aware(item["start"], page.time_zone)
        page.end = _aware(item["end"], page.time_zone) if item.get("end") else None
        page.online_url = item.get("online_url", "")

    # Translations --------------------------------------------------------------------

    def translate(self, language: str) -> None:
        content = load(language)
        locale, _ = Locale.objects.get_or_create(language_code=language)
        if content is not None:
            with translation.override(language):
                self._translate_all(locale, content)
        # From now on wagtail-localize keeps a placeholder (an alias of the English page) in
        # this language for every page nobody has translated yet, so every URL exists in
        # every language. Creating the link synchronises the trees once; afterwards, only
        # pages added since need it (building the page index is the slow part).
        _sync, created = LocaleSynchronization.objects.get_or_create(
            locale=locale, defaults={"sync_from": self.default_locale}
        )
        if not created:
            missing = Page.objects.filter(locale=self.default_locale, depth__gt=1).exclude(
                translation_key__in=Page.objects.filter(locale=locale).values("translation_key")
            )
            if missing.exists():
                synchronize_tree(self.default_locale, locale)

    def _translate_all(self, locale: Locale, content: dict) -> None:
        pages = by_slug(content["pages"])
        news = by_slug(content["news"])
        events = by_slug(content["events"])
        self._translate("home", locale, lambda p: _fill_home(p, content, self.pages))
        for item in self.content["pages"]:
            if item["slug"] in pages:
                self._translate(
                    item["slug"], locale, lambda p, i=pages[item["slug"]]: _fill_standard(p, i)
                )
        for slug in SECTIONS:
            self._translate(slug, locale, lambda p, s=slug: _fill_section(p, s))
        for slug, item in news.items():
            if slug in self.pages:
                self._translate(slug, locale, lambda p, i=item: _fill_article(p, i))
        for slug, item in events.items():
            if slug in self.pages:
                self._translate(slug, locale, lambda p, i=item: _fill_event(p, i))

    def _translate(self, slug: str, locale: Locale, fill) -> None:
        source = self.pages[slug]
        existing = source.get_translation_or_none(locale)
        if existing is not None and not existing.alias_of_id:
            return  # already translated: leave editors' work alone
        if existing is not None:
            ConvertAliasPageAction(existing, log_action=None).execute(skip_permission_checks=True)
            page = existing.specific_class.objects.get(pk=existing.pk)
        else:
            page = source.copy_for_translation(locale)
        fill(page)
        page.save_revision().publish()

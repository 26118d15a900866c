"""RSS and Atom feeds of a news index's articles, in the index's language."""

from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed
from wagtail.models import Site

from cms.branding import site_name
from cms.templatetags.site_tags import plain_text

FEED_LENGTH = 20


class ArticleFeed(Feed):
    """The newest articles under one news index (`?kind=statement` for one kind).

    Served by the index page itself (its `rss/` and `atom/` routes), so each language's
    index has its feed and the page cache keeps it like the page. Links are absolute
    (Django's syndication adds the request's host). Placeholders of untranslated
    articles are left out: a feed in French lists articles in French.
    """

    feed_type: type[SyndicationFeed] = Rss201rev2Feed

    def __init__(self, index, request):
        super().__init__()
        self.index = index
        self.request = request

    def get_object(self, request, *args, **kwargs):
        return self.index

    def title(self, index):
        return f"{index.title} · {site_name(Site.find_for_request(self.request))}"

    def link(self, index):
        return index.get_url(self.request)

    def description(self, index):
        return plain_text(index.intro) or index.title

    def items(self, index):
        return index.articles(kind=self.request.GET.get("kind", "")).filter(alias_of__isnull=True)[
            :FEED_LENGTH
        ]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return plain_text(item.intro)

    def item_link(self, item):
        return item.get_url(self.request)

    def item_pubdate(self, item):
        return datetime.combine(item.date, time(), tzinfo=timezone.get_default_timezone())

    def item_updateddate(self, item):
        return item.last_published_at

    def item_categories(self, item):
        return [str(item.get_kind_display())]


class AtomArticleFeed(ArticleFeed):
    feed_type = Atom1Feed
    subtitle = ArticleFeed.description

"""News, statements and blog posts, and the index that lists them."""

from django.core.paginator import Paginator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager, _ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TagBase, TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.images.api.fields import ImageRenditionField
from wagtail.models import Locale, TranslatableMixin
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField

from cms.blocks import BodyBlock

from .base import AbstractSitePage


class ArticleKind(models.TextChoices):
    NEWS = "news", _("News")
    STATEMENT = "statement", _("Statement")
    BLOG = "blog", _("Blog post")


class NewsIndexPage(RoutablePageMixin, AbstractSitePage):
    """Lists the articles below it, newest first, filtered by kind, region or tag; its
    RSS and Atom feeds at `rss/` and `atom/`."""

    subpage_types = ["cms.ArticlePage"]
    cacheable_query_params = ("kind", "region", "tag", "page")

    class Meta:
        verbose_name = _("news index page")

    def articles(self, kind: str = "", region: str = "", tag: str = ""):
        """The live articles below this index, newest first, of `kind`, `region`, `tag`."""
        articles = (
            ArticlePage.objects.live()
            .public()
            .child_of(self)
            .select_related("image", "region")
            .order_by("-date", "-pk")
        )
        if kind in ArticleKind.values:
            articles = articles.filter(kind=kind)
        if region:
            articles = articles.filter(region__slug=region)
        if tag:
            articles = articles.filter(tags__slug=tag)
        return articles

    @path("")
    def index(self, request):
        return self.render(request)

    @path("rss/", name="feed_rss")
    def feed_rss(self, request):
        from cms.feeds import ArticleFeed

        return ArticleFeed(self, request)(request)

    @path("atom/", name="feed_atom")
    def feed_atom(self, request):
        from cms.feeds import AtomArticleFeed

        return AtomArticleFeed(self, request)(request)

    def get_context(self, request, *args, **kwargs):
        from .documents import Region

        context = super().get_context(request, *args, **kwargs)
        kind = request.GET.get("kind", "")
        region = request.GET.get("region", "")
        tag = request.GET.get("tag", "")
        articles = self.articles(kind, region, tag)
        context.update(
            articles=Paginator(articles, 10).get_page(request.GET.get("page")),
            kinds=ArticleKind.choices,
            regions=Region.objects.filter(locale=Locale.get_default()).order_by("name"),
            selected_kind=kind if kind in ArticleKind.values else "",
            selected_region=region,
            selected_tag=tag,
        )
        return context


class ArticleTopic(TranslatableMixin, TagBase):
    """A tag on articles, translatable like a region (Snippets → Tags, then Translate).

    Articles in every language point at the default language's tag, and templates show
    `tag.localized.name`, its name in the visitor's language. The slug stays the same
    in every language: it is what `?tag=` filters on.
    """

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, allow_unicode=True)

    override_translatable_fields = [SynchronizedField("slug")]
    panels = [FieldPanel("name"), FieldPanel("slug")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]
        unique_together = [("translation_key", "locale"), ("slug", "locale")]

    def save(self, *args, **kwargs):
        if self.locale_id is None:
            self.locale = Locale.get_default()
        super().save(*args, **kwargs)


class _DefaultLanguageTags(_ClusterTaggableManager):
    def _to_tag_model_instances(self, tags, tag_kwargs):
        """Tag names typed in the editor are found, or created, in the default language:
        their translations are the tags' own, made with Translate."""
        return super()._to_tag_model_instances(tags, {"locale": Locale.get_default(), **tag_kwargs})


class ArticleTagsField(ClusterTaggableManager):
    """ClusterTaggableManager whose tags are the default language's ArticleTopics."""

    def __get__(self, instance, model):
        return _DefaultLanguageTags(
            through=self.through, model=model, instance=instance, prefetch_cache_name=self.name
        )


class ArticleTag(TaggedItemBase):
    tag = models.ForeignKey(ArticleTopic, on_delete=models.CASCADE, related_name="tagged_articles")
    content_object = ParentalKey(
        "cms.ArticlePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class ArticlePage(AbstractSitePage):
    """A news item, statement or blog post."""

    kind = models.CharField(
        _("kind"), max_length=20, choices=ArticleKind.choices, default=ArticleKind.NEWS
    )
    date = models.DateField(_("date"))
    region = models.ForeignKey(
        "cms.Region", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tags = ArticleTagsField(through=ArticleTag, blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = StreamField(BodyBlock(), verbose_name=_("body"))

    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types: list[str] = []

    content_panels = [
        *AbstractSitePage.content_panels,
        MultiFieldPanel(
            [FieldPanel("kind"), FieldPanel("date"), FieldPanel("region"), FieldPanel("tags")],
            heading=_("Classification"),
        ),
        FieldPanel("image"),
        FieldPanel("body"),
    ]
    search_fields = [
        *AbstractSitePage.search_fields,
        index.SearchField("body"),
        index.FilterField("kind"),
        index.FilterField("date"),
        index.SearchField("tag_names"),
    ]
    api_fields = [
        *AbstractSitePage.api_fields,
        APIField("kind"),
        APIField("date"),
        APIField("region_name"),
        APIField("tag_slugs"),
        APIField("image", serializer=ImageRenditionField("width-1200")),
        APIField("thumbnail", serializer=ImageRenditionField("fill-400x250", source="image")),
        APIField("body"),
    ]

    class Meta:
        verbose_name = _("article")

    @property
    def region_name(self) -> str | None:
        return self.region.localized.name if self.region else None

    @property
    def tag_slugs(self) -> list[str]:
        return [tag.slug for tag in self.tags.all()]

    def localized_tags(self) -> list[ArticleTopic]:
        """The article's tags in its own language, where translated (one query)."""
        tags = list(self.tags.all())
        translations = {
            tag.translation_key: tag
            for tag in ArticleTopic.objects.filter(
                translation_key__in=[tag.translation_key for tag in tags], locale=self.locale_id
            )
        }
        return [translations.get(tag.translation_key, tag) for tag in tags]

    def tag_names(self) -> str:
        """Searched in the article's language."""
        return ", ".join(tag.name for tag in self.localized_tags())

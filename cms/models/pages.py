"""Home, standard and search pages."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.images.api.fields import ImageRenditionField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import BodyBlock, CallToActionBlock, PriorityBlock

from .base import AbstractSitePage


class HomePage(AbstractSitePage):
    """The root of each language's tree. Any page type may live under it."""

    hero_heading = models.CharField(_("hero heading"), max_length=200)
    hero_text = models.TextField(_("hero text"), blank=True)
    hero_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))
    priorities_heading = models.CharField(_("priorities heading"), max_length=200, blank=True)
    priorities = StreamField(
        [("priority", PriorityBlock())], blank=True, verbose_name=_("priorities")
    )
    calls_to_action = StreamField(
        [("call_to_action", CallToActionBlock())], blank=True, verbose_name=_("calls to action")
    )
    footer_text = models.TextField(
        _("footer text"), blank=True, help_text=_("About the Coalition, in every page's footer.")
    )

    parent_page_types = ["wagtailcore.Page"]

    content_panels = [
        *AbstractSitePage.content_panels,
        MultiFieldPanel(
            [FieldPanel("hero_heading"), FieldPanel("hero_text"), FieldPanel("hero_image")],
            heading=_("Hero"),
        ),
        FieldPanel("body"),
        FieldPanel("priorities_heading"),
        FieldPanel("priorities"),
        FieldPanel("calls_to_action"),
        FieldPanel("footer_text"),
    ]
    search_fields = [
        *AbstractSitePage.search_fields,
        index.SearchField("hero_heading"),
        index.SearchField("hero_text"),
        index.SearchField("body"),
        index.SearchField("priorities"),
    ]
    api_fields = [
        *AbstractSitePage.api_fields,
        APIField("hero_heading"),
        APIField("hero_text"),
        APIField("hero_image", serializer=ImageRenditionField("fill-1200x500")),
        APIField("body"),
        APIField("priorities_heading"),
        APIField("priorities"),
        APIField("calls_to_action"),
    ]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from .news import ArticlePage

        context = super().get_context(request, *args, **kwargs)
        context["latest_articles"] = (
            ArticlePage.objects.live()
            .public()
            .filter(locale=self.locale)
            .select_related("image", "region")
            .order_by("-date")[:3]
        )
        return context


class StandardPage(AbstractSitePage):
    """An article-like page (about, join, internships...); it may hold sub-pages."""

    image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = [*AbstractSitePage.content_panels, FieldPanel("image"), FieldPanel("body")]
    search_fields = [*AbstractSitePage.search_fields, index.SearchField("body")]
    api_fields = [
        *AbstractSitePage.api_fields,
        APIField("image", serializer=ImageRenditionField("width-1200")),
        APIField("body"),
    ]

    class Meta:
        verbose_name = _("standard page")


class SearchPage(AbstractSitePage):
    """Full-text search over the live pages of the visitor's language."""

    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("search page")

    def get_context(self, request, *args, **kwargs):
        from cms.search import search_backend

        from .documents import LibraryDocument

        context = super().get_context(request, *args, **kwargs)
        query = request.GET.get("q", "").strip()[:200]
        results = documents = None
        if query:
            # Pages of this language, stemmed by its rules; the library's documents are
            # indexed in the default language (their titles), with every region name.
            pages = Page.objects.live().public().filter(locale=self.locale).exclude(pk=self.pk)
            found = search_backend(self.locale.language_code).search(query, pages)
            results = Paginator(found, 10).get_page(request.GET.get("page"))
            documents = search_backend(settings.LANGUAGE_CODE).search(
                query, LibraryDocument.objects.select_related("region")
            )[:10]
        context.update(
            query=query,
            results=results,
            documents=documents,
            document_language=settings.LANGUAGE_CODE,
        )
        return context

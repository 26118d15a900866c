"""Regions, the coalition's documents tagged by region, and the library that lists them."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.api import APIField
from wagtail.documents.models import AbstractDocument
from wagtail.documents.models import Document as WagtailDocument
from wagtail.models import Locale, TranslatableMixin
from wagtail.search import index

from .base import AbstractSitePage


class Region(TranslatableMixin, models.Model):
    """A world region; articles and documents point at the default-language record.

    Templates show `region.localized.name`, the translation in the visitor's language.
    """

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100)

    panels = [FieldPanel("name"), FieldPanel("slug")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("region")
        ordering = ["name"]
        unique_together = [("translation_key", "locale"), ("slug", "locale")]

    def __str__(self) -> str:
        return self.name


class LibraryDocument(AbstractDocument):
    """Wagtail's document with a region and a short description."""

    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    description = models.TextField(_("description"), blank=True)

    admin_form_fields = (*WagtailDocument.admin_form_fields, "region", "description")
    search_fields = [
        *AbstractDocument.search_fields,
        index.SearchField("description"),
        index.SearchField("region_names"),
    ]

    class Meta(AbstractDocument.Meta):
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def region_names(self) -> str:
        """The region's name in every language, so a search in any of them finds it."""
        region = self.region if self.region_id is not None else None
        if region is None:
            return ""
        regions = Region.objects.filter(translation_key=region.translation_key)
        return " ".join(regions.values_list("name", flat=True))


class DocumentLibraryPage(AbstractSitePage):
    """Every public document, browsable by region (`?region=africa`)."""

    subpage_types: list[str] = []
    cacheable_query_params = ("region", "page")

    api_fields = [*AbstractSitePage.api_fields, APIField("document_list")]

    class Meta:
        verbose_name = _("document library page")

    def documents(self, region_slug: str = ""):
        documents = LibraryDocument.objects.select_related("region").order_by("-created_at")
        if region_slug:
            documents = documents.filter(region__slug=region_slug)
        return documents

    @property
    def document_list(self) -> list[dict]:
        return [
            {
                "id": doc.pk,
                "title": doc.title,
                "description": doc.description,
                "region": doc.region.slug if doc.region else None,
                "url": doc.url,
                "file_extension": doc.file_extension,
            }
            for doc in self.documents()
        ]

    def regions(self, selected: str = "") -> list[Region]:
        """The regions that have documents (and the selected one), each with its count."""
        counts = dict(
            LibraryDocument.objects.filter(region__isnull=False)
            .values_list("region__slug")
            .annotate(count=models.Count("pk"))
        )
        regions = []
        for region in Region.objects.filter(locale=Locale.get_default()).order_by("name"):
            region.document_count = counts.get(region.slug, 0)
            if region.document_count or region.slug == selected:
                regions.append(region)
        return regions

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        region = request.GET.get("region", "")
        context.update(
            documents=Paginator(self.documents(region), 20).get_page(request.GET.get("page")),
            regions=self.regions(region),
            selected_region=region,
            document_language=settings.LANGUAGE_CODE,
        )
        return context

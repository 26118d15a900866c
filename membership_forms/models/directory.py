"""The public directory of approved members and NGO Supporters (never any contact data)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.images import get_image_model_string
from wagtail.models import Page

from ..countries import country_name, sort_codes
from ..filters import clean_filters
from ..regions import REGIONS


class DirectoryCategory(models.TextChoices):
    MEMBER = "member", _("Member")
    SUPPORTER = "supporter", _("NGO Supporter")


class DirectoryEntry(models.Model):
    """Created when a membership or supporter application is approved."""

    submission = models.OneToOneField(
        "membership_forms.Submission",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="directory_entry",
    )
    organisation_name = models.CharField(_("organisation"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=DirectoryCategory.choices)
    country = models.CharField(_("country"), max_length=2, blank=True)
    region = models.CharField(_("region"), max_length=40, blank=True)
    website = models.URLField(_("website"), max_length=500, blank=True)
    # What the organisation keeps up to date itself (moderated: models/listings.py).
    regions = models.JSONField(
        _("regions of work"), default=list, blank=True, help_text=_("Region codes.")
    )
    mandate = models.TextField(_("mandate"), blank=True)
    logo = models.ForeignKey(
        get_image_model_string(),
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    descriptions = models.JSONField(
        _("descriptions"),
        default=dict,
        blank=True,
        help_text=_("The description in each language the organisation chose."),
    )
    listed = models.BooleanField(_("listed"), default=True)
    created_at = models.DateTimeField(_("listed since"), auto_now_add=True)

    class Meta:
        verbose_name = _("directory entry")
        verbose_name_plural = _("directory entries")
        ordering = ["organisation_name", "pk"]

    def __str__(self) -> str:
        return self.organisation_name

    def country_name(self, language: str = "en") -> str:
        return country_name(self.country, language)

    def region_name(self) -> str:
        return str(REGIONS.get(self.region, ""))

    def region_names(self) -> list[str]:
        return [str(REGIONS[code]) for code in self.regions if code in REGIONS]

    def description(self, language: str = "") -> str:
        """In `language` when the organisation wrote one, else in the first it wrote."""
        texts = self.descriptions or {}
        if texts.get(language):
            return texts[language]
        return next((text for text in texts.values() if text), "")


def directory_entries(region: str = "", country: str = ""):
    """Listed entries, filtered by values cleaned with `filters.clean_filters`; an
    organisation lapsed or suspended is not listed."""
    entries = (
        DirectoryEntry.objects.filter(listed=True)
        .exclude(organisation__status__in=("lapsed", "suspended"))
        .select_related("logo", "organisation")
    )
    if region:
        entries = entries.filter(region=region)
    if country:
        entries = entries.filter(country=country)
    return entries


class DirectoryPage(Page):
    """Lists the directory, filtered by `?region=` and `?country=` (invalid ones are ignored)."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types: ClassVar[list[str]] = []
    cacheable_query_params = ("region", "country")
    template = "membership_forms/directory_page.html"

    class Meta:
        verbose_name = _("directory page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        filters, _errors = clean_filters(
            country=request.GET.get("country", ""), region=request.GET.get("region", "")
        )
        region, country = filters.region, filters.country
        language = translation.get_language() or "en"
        entries = list(directory_entries(region, country))
        countries = sort_codes(
            {entry.country for entry in directory_entries() if entry.country}, language
        )
        context.update(
            {
                "entries": [
                    (
                        entry,
                        entry.country_name(language),
                        entry.region_name(),
                        entry.description(language),
                    )
                    for entry in entries
                ],
                "regions": list(REGIONS.items()),
                "countries": countries,
                "selected_region": region,
                "selected_country": country,
            }
        )
        return context

"""What every editorial page type shares."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.api import APIField
from wagtail.models import Page
from wagtail.search import index


class AbstractSitePage(Page):
    """A page with a short introduction, shown under the title and in listings.

    `cacheable_query_params` names the query parameters that only select among
    public content (filters, pagination): a request using only those may be
    served from the page cache (see cms/cache.py).
    """

    intro = models.TextField(_("introduction"), blank=True)

    cacheable_query_params: tuple[str, ...] = ()

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    api_fields = [APIField("intro")]

    class Meta:
        abstract = True

"""What every editorial page type shares."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
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
    social_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("social image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Shown when the page is shared on social media; else the page's own image. "
            "Best at 1200 by 630 pixels."
        ),
    )

    cacheable_query_params: tuple[str, ...] = ()

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    promote_panels = [
        MultiFieldPanel(
            [FieldPanel("slug"), FieldPanel("seo_title"), FieldPanel("search_description")],
            heading=_("For search engines"),
        ),
        MultiFieldPanel([FieldPanel("social_image")], heading=_("For social media")),
        MultiFieldPanel([FieldPanel("show_in_menus")], heading=_("For site menus")),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    api_fields = [APIField("intro")]

    class Meta:
        abstract = True

    def get_share_image(self):
        """The image shown when the page is shared: the editor's choice, else its own."""
        return (
            self.social_image or getattr(self, "image", None) or getattr(self, "hero_image", None)
        )

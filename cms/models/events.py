"""Events and the index that lists them."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.search import index

from cms.blocks import BodyBlock

from .base import AbstractSitePage


class EventIndexPage(AbstractSitePage):
    """Upcoming events first, then past ones, most recent first."""

    subpage_types = ["cms.EventPage"]

    class Meta:
        verbose_name = _("events index page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        events = EventPage.objects.live().public().child_of(self)
        now = timezone.now()
        context["upcoming_events"] = events.filter(start__gte=now).order_by("start")
        context["past_events"] = events.filter(start__lt=now).order_by("-start")[:50]
        return context


class EventPage(AbstractSitePage):
    start = models.DateTimeField(_("starts at"))
    end = models.DateTimeField(_("ends at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=255, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    parent_page_types = ["cms.EventIndexPage"]
    subpage_types: list[str] = []

    content_panels = [
        *AbstractSitePage.content_panels,
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
                FieldPanel("place"),
                FieldPanel("online_url"),
            ],
            heading=_("When and where"),
        ),
        FieldPanel("body"),
    ]
    search_fields = [
        *AbstractSitePage.search_fields,
        index.SearchField("place"),
        index.SearchField("body"),
        index.FilterField("start"),
    ]
    api_fields = [
        *AbstractSitePage.api_fields,
        APIField("start"),
        APIField("end"),
        APIField("place"),
        APIField("online_url"),
        APIField("body"),
    ]

    class Meta:
        verbose_name = _("event")

    @property
    def is_past(self) -> bool:
        return self.start < timezone.now()

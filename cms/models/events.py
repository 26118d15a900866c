"""Events and the index that lists them, with their calendar files."""

import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.search import index

from cms.blocks import BodyBlock

from .base import AbstractSitePage


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    """Every IANA time zone, by name (Europe/Amsterdam...)."""
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


def time_zone_label(moment) -> str:
    """'New York (UTC-05:00)' for an aware datetime: the zone's city and the offset then."""
    name = str(moment.tzinfo)
    city = name.rsplit("/", 1)[-1].replace("_", " ")
    if city == "UTC":
        return city
    offset = moment.strftime("%z")
    return f"{city} (UTC{offset[:3]}:{offset[3:]})"


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


class EventPageForm(WagtailAdminPageForm):
    """Start and end are typed, and shown for editing, as the event's local time in its
    time zone (or the site's), whatever time zone the editor's own account uses."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            zone = self.instance.zone
            for name in ("start", "end"):
                value = getattr(self.instance, name)
                if value is not None and name in self.fields:
                    self.initial[name] = timezone.localtime(value, zone).replace(tzinfo=None)

    def clean(self):
        cleaned = super().clean()
        name = cleaned.get("time_zone") or self._site_time_zone()
        zone = zoneinfo.ZoneInfo(name)
        for field in ("start", "end"):
            value = cleaned.get(field)
            if value is not None:
                # Django read the typed time in the editor's time zone; read it again in
                # the event's.
                cleaned[field] = timezone.make_aware(timezone.make_naive(value), zone)
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The event cannot end before it starts."))
        return cleaned

    def _site_time_zone(self) -> str:
        page = self.instance if self.instance.pk else self.parent_page
        return site_time_zone(page.get_site())


def site_time_zone(site) -> str:
    """The time zone of events that name none: the site's (Settings → Organisation)."""
    from .settings import OrganisationSettings

    if site is None:
        return timezone.get_default_timezone_name()
    return OrganisationSettings.for_site(site).time_zone


class EventPage(RoutablePageMixin, AbstractSitePage):
    """An event; its calendar file (iCalendar) at `ics/`."""

    start = models.DateTimeField(_("starts at"))
    end = models.DateTimeField(_("ends at"), null=True, blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        choices=time_zone_choices,
        help_text=_(
            "Where the event takes place: start and end are that place's local time. "
            "Leave blank for the site's time zone (Settings, Organisation)."
        ),
    )
    place = models.CharField(_("place"), max_length=255, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    parent_page_types = ["cms.EventIndexPage"]
    subpage_types: list[str] = []
    base_form_class = EventPageForm

    content_panels = [
        *AbstractSitePage.content_panels,
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
                FieldPanel("time_zone"),
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
        APIField("time_zone_name"),
        APIField("place"),
        APIField("online_url"),
        APIField("body"),
    ]

    class Meta:
        verbose_name = _("event")

    @property
    def is_past(self) -> bool:
        return self.start < timezone.now()

    @property
    def time_zone_name(self) -> str:
        """The event's time zone, or the site's when it names none."""
        return self.time_zone or site_time_zone(self.get_site())

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone_name)

    @property
    def local_start(self):
        return timezone.localtime(self.start, self.zone)

    @property
    def local_end(self):
        return timezone.localtime(self.end, self.zone) if self.end else None

    @property
    def time_zone_label(self) -> str:
        return time_zone_label(self.local_start)

    def clean(self):
        super().clean()
        if self.end and self.start and self.end < self.start:
            raise ValidationError({"end": _("The event cannot end before it starts.")})

    @path("")
    def index(self, request):
        return self.render(request)

    @path("ics/", name="calendar")
    def calendar(self, request):
        from cms.calendars import event_calendar_response

        return event_calendar_response(self, request)

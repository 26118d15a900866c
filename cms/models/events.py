"""Events and the index that lists them, with their calendar files."""

import zoneinfo
from functools import cache, lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import get_timezone_location
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
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


def utc_offset(moment) -> str:
    """'UTC-05:00' for an aware datetime (the offset of its zone at that moment)."""
    offset = moment.strftime("%z")
    return f"UTC{offset[:3]}:{offset[3:]}"


@lru_cache(maxsize=512)
def time_zone_city(name: str, language: str) -> str:
    """The zone's city in `language` from CLDR ("Nueva York" for America/New_York in
    Spanish); the IANA name's last part where CLDR has none."""
    try:
        return get_timezone_location(
            name, locale=Locale.parse(translation.to_locale(language)), return_city=True
        )
    except (LookupError, ValueError, UnknownLocaleError):
        return name.rsplit("/", 1)[-1].replace("_", " ")


def time_zone_label(moment) -> str:
    """'New York time (UTC-05:00)' for an aware datetime, in the active language: the
    zone's city and its offset then."""
    name = str(moment.tzinfo)
    if name in {"UTC", "Etc/UTC", "Etc/GMT", "GMT"}:
        return "UTC"
    city = time_zone_city(name, translation.get_language() or settings.LANGUAGE_CODE)
    return gettext("%(city)s time (%(offset)s)") % {"city": city, "offset": utc_offset(moment)}


def format_when(start, end=None) -> str:
    """'17 March 2027, 14:00-17:00' in the active language, from local (aware) times."""
    date = formats.date_format(start, "DATE_FORMAT")
    time = formats.time_format(start, "TIME_FORMAT")
    if end is None:
        return gettext("%(date)s, %(time)s") % {"date": date, "time": time}
    if end.date() == start.date():
        return gettext("%(date)s, %(start)s–%(end)s") % {  # noqa: RUF001
            "date": date,
            "start": time,
            "end": formats.time_format(end, "TIME_FORMAT"),
        }
    return gettext("%(start)s to %(end)s") % {
        "start": gettext("%(date)s, %(time)s") % {"date": date, "time": time},
        "end": gettext("%(date)s, %(time)s")
        % {
            "date": formats.date_format(end, "DATE_FORMAT"),
            "time": formats.time_format(end, "TIME_FORMAT"),
        },
    }


class EventIndexPage(AbstractSitePage):
    """Upcoming events first, then past ones, most recent first."""

    subpage_types = ["cms.EventPage"]

    class Meta:
        verbose_name = _("events index page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        events = EventPage.objects.live().public().child_of(self)
        now = timezone.now()
        upcoming = list(events.filter(start__gte=now).order_by("start"))
        past = list(events.filter(start__lt=now).order_by("-start")[:50])
        site_zone = site_time_zone(self.get_site())
        for event in (*upcoming, *past):  # the site's zone, looked up once for the list
            event.__dict__["_site_time_zone"] = site_zone
        context["upcoming_events"], context["past_events"] = upcoming, past
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
        """The event's time zone, or the site's when it names none (looked up once per
        instance: it takes the site and its settings from the database)."""
        if self.time_zone:
            return self.time_zone
        cached = self.__dict__.get("_site_time_zone")
        if cached is None:
            cached = self.__dict__["_site_time_zone"] = site_time_zone(self.get_site())
        return cached

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone_name)  # ZoneInfo keeps its own cache

    def _local(self, moment):
        """`moment` in the event's zone, computed once per instance for each value."""
        if moment is None:
            return None
        key = (moment, self.time_zone_name)
        cache = self.__dict__.setdefault("_local_times", {})
        if key not in cache:
            cache[key] = timezone.localtime(moment, self.zone)
        return cache[key]

    @property
    def local_start(self):
        return self._local(self.start)

    @property
    def local_end(self):
        return self._local(self.end)

    @property
    def time_zone_label(self) -> str:
        """'New York time (UTC-04:00)', in the visitor's language."""
        return time_zone_label(self.local_start)

    @property
    def when(self) -> str:
        """Date and times in the event's time zone, in the visitor's language."""
        return format_when(self.local_start, self.local_end)

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

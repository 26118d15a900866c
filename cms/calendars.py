"""An event as an iCalendar file (RFC 5545), for visitors' calendar applications.

The icalendar library escapes text values, folds long lines and ends them with CRLF;
times carry the event's time zone (TZID, with its VTIMEZONE) so calendars show them
right wherever the visitor is.
"""

from datetime import timedelta

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from icalendar import Calendar, Event
from wagtail.models import Site

from cms.branding import site_name
from cms.seo import absolute_url
from cms.templatetags.site_tags import plain_text


def event_calendar(event, request) -> Calendar:
    calendar = Calendar()
    site = Site.find_for_request(request)
    calendar.add("prodid", f"-//{site_name(site, translated=False)}//Events//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")

    entry = Event()
    # The same event in every language and on every fetch: calendars update it in place.
    entry.add("uid", f"{event.translation_key}@{site.hostname if site else 'events'}")
    entry.add("dtstamp", event.last_published_at or event.latest_revision_created_at)
    entry.add("dtstart", event.local_start)
    if event.end:
        entry.add("dtend", event.local_end)
    entry.add("summary", event.title)
    if event.place:
        entry.add("location", event.place)
    url = absolute_url(request, event.get_url(request))
    entry.add("url", url)
    description = "\n\n".join(
        part for part in (plain_text(event.intro), event.online_url, url) if part
    )
    entry.add("description", description)
    calendar.add_component(entry)
    # The zone's rules around the event only, not every change since 1970.
    last = event.local_end or event.local_start
    calendar.add_missing_timezones(
        first_date=event.local_start.date() - timedelta(days=366),
        last_date=last.date() + timedelta(days=366),
    )
    return calendar


def event_calendar_response(event, request) -> HttpResponse:
    response = HttpResponse(
        event_calendar(event, request).to_ical(), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(True, f"{event.slug}.ics")
    return response

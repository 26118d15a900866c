"""Event times in the event's time zone, on the page and in its calendar file."""

from datetime import UTC, date, datetime

import pytest
from wagtail.models import Site
from wagtail.test.utils.form_data import streamfield
from wagtail.users.models import UserProfile

from cms.models import EventIndexPage, EventPage, OrganisationSettings
from tests.conftest import clear_run_cache

from .conftest import create_through_admin

pytestmark = pytest.mark.django_db

# A January always ahead (New York keeps standard time, UTC-05:00, then): upcoming events
# show their calendar link, past ones do not.
YEAR = date.today().year + 1


def event_fields(**extra) -> dict:
    return {
        "title": "Briefing; Q&A, with members",
        "slug": "briefing",
        "intro": "A briefing on early warning, then questions.",
        "start": f"{YEAR}-01-28 11:00",
        "end": f"{YEAR}-01-28 12:30",
        "time_zone": "America/New_York",
        "place": "Church Center, 777 UN Plaza, New York",
        "online_url": "",
        "body": streamfield([]),
        **extra,
    }


@pytest.fixture
def events(editor_client, home):
    return create_through_admin(
        editor_client,
        home,
        EventIndexPage,
        {"title": "Events", "slug": "events", "intro": ""},
    )


def test_times_are_typed_and_shown_in_the_events_time_zone(client, editor_client, events):
    """An editor whose own account is set to Paris time types the New York event's local
    time; the page shows that time, labelled with New York's zone, not the server's UTC."""
    editor = UserProfile.get_for_user(_editor())
    editor.current_time_zone = "Europe/Paris"
    editor.save()
    event = create_through_admin(editor_client, events, EventPage, event_fields())
    assert event.start == datetime(YEAR, 1, 28, 16, 0, tzinfo=UTC)
    assert event.end == datetime(YEAR, 1, 28, 17, 30, tzinfo=UTC)

    content = client.get("/events/briefing/").content.decode()
    assert f'datetime="{YEAR}-01-28T11:00:00-05:00"' in content
    assert "11 a.m." in content and "12:30 p.m." in content
    assert "New York time (UTC-05:00)" in content
    assert "(UTC)" not in content
    listing = client.get("/events/").content.decode()
    assert f'datetime="{YEAR}-01-28T11:00:00-05:00"' in listing

    # Editing shows the local time again, not UTC nor Paris time.
    edit = editor_client.get(f"/admin/pages/{event.pk}/edit/").content.decode()
    assert f'value="{YEAR}-01-28 11:00"' in edit


def test_an_event_without_a_zone_uses_the_sites(client, editor_client, events):
    organisation = OrganisationSettings.for_site(Site.objects.get(is_default_site=True))
    organisation.time_zone = "Europe/Amsterdam"
    organisation.save()
    create_through_admin(editor_client, events, EventPage, event_fields(time_zone=""))
    event = EventPage.objects.get(slug="briefing")
    assert event.start == datetime(YEAR, 1, 28, 10, 0, tzinfo=UTC)
    content = client.get("/events/briefing/").content.decode()
    assert f'datetime="{YEAR}-01-28T11:00:00+01:00"' in content
    assert "Amsterdam time (UTC+01:00)" in content


def test_event_times_read_in_the_visitors_language(client, demo_site):
    """The demo's members' meeting, 14:00 to 17:00 in New York: each language gives the
    date its own way and names the city in its own words, on the page and in the list."""
    expected = {
        "/": ("March 17, 2027, 2 p.m.\u20135 p.m.", "New York time (UTC-04:00)"),
        "/fr/": ("17 mars 2027, de 14:00 à 17:00", "heure locale (New York, UTC-04:00)"),
        "/es/": ("17 de marzo de 2027, de 14:00 a 17:00", "hora de Nueva York (UTC-04:00)"),
        "/ar/": ("17 مارس 2027، من الساعة 14:00 إلى الساعة 17:00", "بتوقيت نيويورك (UTC-04:00)"),
    }
    for prefix, (when, zone) in expected.items():
        for path in (f"{prefix}events/annual-members-meeting-2027/", f"{prefix}events/"):
            content = client.get(path).content.decode()
            assert f">{when}</time>" in content, (path, when)
            assert f">{zone}</bdi>" in content, (path, zone)
    assert " time (" not in client.get("/fr/events/").content.decode()


def test_the_event_list_looks_the_site_time_zone_up_once(client, editor_client, events):
    """Events that name no zone take the site's; listing more of them costs no more
    queries (the zone is looked up once, not per event and per time shown)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    create_through_admin(editor_client, events, EventPage, event_fields(time_zone=""))
    with CaptureQueriesContext(connection) as one:
        assert client.get("/events/").status_code == 200
    for number in range(2, 5):
        fields = event_fields(time_zone="", slug=f"briefing-{number}", title=f"Briefing {number}")
        create_through_admin(editor_client, events, EventPage, fields)
    clear_run_cache()  # publishing purges the page cache only once a transaction commits
    with CaptureQueriesContext(connection) as four:
        content = client.get("/events/").content.decode()
    assert content.count("UTC</bdi>") == 4
    assert len(four.captured_queries) <= len(one.captured_queries)


def test_an_end_before_the_start_is_refused(editor_client, events):
    from django.urls import reverse
    from wagtail.test.utils.form_data import inline_formset, nested_form_data

    data = nested_form_data(
        {"comments": inline_formset([]), **event_fields(end=f"{YEAR}-01-28 10:00")}
    )
    data["action-publish"] = "action-publish"
    url = reverse("wagtailadmin_pages:add", args=["cms", "eventpage", events.pk])
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "end" in response.context["form"].errors
    assert not EventPage.objects.exists()


def _unfold(text: str) -> list[str]:
    """RFC 5545 content lines: CRLF-separated, continuation lines start with a space."""
    assert "\n" not in text.replace("\r\n", "")
    return text.replace("\r\n ", "").split("\r\n")


def test_calendar_file_for_an_event(client, editor_client, events):
    event = create_through_admin(
        editor_client,
        events,
        EventPage,
        event_fields(intro="A briefing on early warning, then questions. " * 4),
    )
    content = client.get("/events/briefing/").content.decode()
    assert 'href="/events/briefing/ics/"' in content

    response = client.get("/events/briefing/ics/", secure=True)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="briefing.ics"'
    raw = response.content.decode()
    assert all(len(line.encode()) <= 75 for line in raw.split("\r\n"))  # folded
    lines = _unfold(raw)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    assert "VERSION:2.0" in lines
    assert f"DTSTART;TZID=America/New_York:{YEAR}0128T110000" in lines
    assert f"DTEND;TZID=America/New_York:{YEAR}0128T123000" in lines
    assert "BEGIN:VTIMEZONE" in lines and "TZID:America/New_York" in lines
    assert "SUMMARY:Briefing\\; Q&A\\, with members" in lines
    assert "LOCATION:Church Center\\, 777 UN Plaza\\, New York" in lines
    assert "URL:https://testserver/events/briefing/" in lines
    assert any(line.startswith("DESCRIPTION:A briefing on early warning") for line in lines)
    uid = next(line for line in lines if line.startswith("UID:"))
    assert str(event.translation_key) in uid

    # The same event's file is the same event for calendars, whenever it is fetched.
    again = _unfold(client.get("/events/briefing/ics/", secure=True).content.decode())
    assert uid in again
    assert [line for line in lines if line.startswith("DTSTAMP")] == [
        line for line in again if line.startswith("DTSTAMP")
    ]


def _editor():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="editor")

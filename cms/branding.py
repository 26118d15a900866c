"""The coalition's name, read from one place: the Wagtail Site (Settings, Sites).

Pages, their title and OpenGraph tags, the news feeds and the calendar files all take it
from here. It is shown in the visitor's language when the interface catalogue has a
translation for it (the demo's name has one in each language); WAGTAIL_SITE_NAME, the
admin's name, stands in where no Site answers (the error pages Django renders without
the database).
"""

from django.conf import settings
from django.utils.translation import gettext, gettext_noop

# The demo's name, kept in the catalogue (makemessages) so each language has its own.
DEMO_SITE_NAME = gettext_noop("International Coalition for the Responsibility to Protect")


def site_name(site=None, *, translated: bool = True) -> str:
    """The Site's name (else WAGTAIL_SITE_NAME), in the active language if translated."""
    name = (getattr(site, "site_name", "") or "").strip() or settings.WAGTAIL_SITE_NAME
    return gettext(name) if translated else name

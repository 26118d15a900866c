"""Every URL of the plugin outside its form pages, for one line in a site's URLconf::

    path("", include("membership_forms.urls")),

- ``api/v3/``: Wagtail's API v3 with the plugin's forms router (``api/v3/forms/``),
  registered by the app's ``ready()``. A site mounts Wagtail's API here, not again.
- Stripe's webhook, the donor's cancel link, the newsletter's confirmation and
  unsubscribe links and the applicant's information-request page, named
  ``membership_forms:<name>``.

The form pages themselves are Wagtail pages, served by ``wagtail.urls``. The pages of
members' and NGO Supporters' people are in each language: a site adds
``path("members/", include("membership_forms.member_urls"))`` to its ``i18n_patterns``.
"""

from django.urls import include, path
from wagtail.api.v3.urls import api

from . import info_views, views, webhooks
from .api import register_router


def _forms_first(api_urls):
    """The API's URLs with the forms router's first. Django tries patterns in order and
    Wagtail's come first, about sixty of them: a submission, the busiest call, would be
    matched last. No Wagtail URL starts with forms/, so no match changes."""
    patterns, app_name, namespace = api_urls
    patterns = sorted(patterns, key=lambda p: not str(p.pattern).startswith("forms/"))
    return patterns, app_name, namespace


public_patterns = [
    path("payments/stripe/webhook/", webhooks.stripe_webhook, name="stripe_webhook"),
    path(
        "payments/monthly/<uuid:token>/cancel/",
        views.cancel_monthly_gift,
        name="cancel_monthly_gift",
    ),
    path(
        "forms/more-information/<str:token>/",
        info_views.information_request,
        name="info_request",
    ),
    path(
        "forms/newsletter/confirm/<str:token>/",
        views.newsletter_confirm,
        name="newsletter_confirm",
    ),
    path(
        "forms/newsletter/unsubscribe/<str:token>/",
        views.newsletter_unsubscribe,
        name="newsletter_unsubscribe",
    ),
]

register_router()  # normally done by ready(); harmless twice, needed before api.urls

urlpatterns = [
    path("api/v3/", _forms_first(api.urls)),
    path("", include((public_patterns, "membership_forms"))),
]

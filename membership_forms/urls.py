"""The plugin's public URLs outside the form pages: Stripe's webhook, the donor's cancel
link, the newsletter's confirmation and unsubscribe links, and the applicant's
information-request page.

A site includes them once: ``path("", include("membership_forms.urls"))``.
"""

from django.urls import path

from . import info_views, views, webhooks

app_name = "membership_forms"

urlpatterns = [
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

"""The plugin's own URLs (not pages): Stripe's webhook and the donor's cancel link.

A site includes them once, e.g. ``path("", include("membership_forms.urls"))``.
"""

from django.urls import path

from . import views, webhooks

app_name = "membership_forms"

urlpatterns = [
    path("payments/stripe/webhook/", webhooks.stripe_webhook, name="stripe_webhook"),
    path(
        "payments/monthly/<uuid:token>/cancel/",
        views.cancel_monthly_gift,
        name="cancel_monthly_gift",
    ),
]

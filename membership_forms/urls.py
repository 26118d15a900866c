"""The plugin's public URLs outside the form pages (include under any prefix)."""

from django.urls import path

from . import info_views, views

app_name = "membership_forms"

urlpatterns = [
    path(
        "more-information/<str:token>/",
        info_views.information_request,
        name="info_request",
    ),
    path(
        "newsletter/confirm/<str:token>/",
        views.newsletter_confirm,
        name="newsletter_confirm",
    ),
]

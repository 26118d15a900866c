"""The plugin's public URLs outside the form pages (include under any prefix)."""

from django.urls import path

from . import views

app_name = "membership_forms"

urlpatterns = [
    path(
        "newsletter/confirm/<str:token>/",
        views.newsletter_confirm,
        name="newsletter_confirm",
    ),
]

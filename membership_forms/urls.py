"""The plugin's public URLs outside form pages: the applicant's information-request page."""

from django.urls import path

from . import info_views

urlpatterns = [
    path(
        "more-information/<str:token>/",
        info_views.information_request,
        name="membership_forms_info_request",
    ),
]

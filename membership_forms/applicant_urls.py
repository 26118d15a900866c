"""The applicant's own pages, for a site to include in its language prefixes::

    urlpatterns += i18n_patterns(path("my/", include("membership_forms.applicant_urls")), ...)

They need a signed-in user (Django's auth, settings.LOGIN_URL); the site decides how
people sign in.
"""

from django.urls import path

from . import applicant_views

app_name = "membership_forms_applicant"

urlpatterns = [
    path("", applicant_views.my_applications, name="my_applications"),
    path("erasure/", applicant_views.my_erasure_request, name="my_erasure_request"),
    path("files/<int:pk>/", applicant_views.my_file, name="my_file"),
    path(
        "newsletter/<int:pk>/unsubscribe/",
        applicant_views.my_unsubscribe,
        name="my_unsubscribe",
    ),
]

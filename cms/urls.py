from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.db import InterfaceError, OperationalError
from django.urls import include, path, re_path
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.api.v3.urls import api
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from cms import twofactor, views
from cms.sitemaps import SiteSitemap
from membership_forms.api import database_unavailable
from membership_forms.api import router as forms_router

# The plugin's router joins Wagtail's v3 API before its URLs are read.
api.add_router("/forms/", forms_router)
# A database restart answers 503 with Retry-After, not 500 (docs/reliability.md).
api.add_exception_handler(OperationalError, database_unavailable)
api.add_exception_handler(InterfaceError, database_unavailable)


def _forms_first(api_urls):
    """The API's URLs with the forms router's first. Django tries patterns in order and
    Wagtail's come first, about sixty of them: a submission, the busiest call, would be
    matched last. No Wagtail URL starts with forms/, so no match changes."""
    patterns, app_name, namespace = api_urls
    patterns = sorted(patterns, key=lambda p: not str(p.pattern).startswith("forms/"))
    return patterns, app_name, namespace


urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": SiteSitemap}}, name="sitemap"),
    path("django-admin/", admin.site.urls),
    path("admin/2fa/", include(twofactor.urlpatterns)),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v3/", _forms_first(api.urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    # The plugin's public URLs: the Stripe webhook, donor, newsletter and information links.
    path("", include("membership_forms.urls")),
]

if getattr(settings, "BENCH_URLS", False):
    from cms import bench_views

    urlpatterns.append(path("bench/bare/", bench_views.bare))

if settings.SERVE_MEDIA:
    # Public media (images, documents' renditions) from local disk; with S3 a CDN serves them.
    # Applicants' files live in private storage, outside MEDIA_ROOT, and are never served here.
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

# Pages last: English at /, the other languages under /fr/, /es/, /ar/.
urlpatterns += i18n_patterns(
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

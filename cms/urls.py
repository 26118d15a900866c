from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from cms import accounts, twofactor, views
from cms.sitemaps import SiteSitemap

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("healthz/ready", views.readiness, name="readiness"),
    path("healthz/live", views.liveness, name="liveness"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": SiteSitemap}}, name="sitemap"),
    path("django-admin/", admin.site.urls),
    path("admin/2fa/", include(twofactor.urlpatterns)),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    # The plugin: Wagtail's API v3 with its forms router at api/v3/, the Stripe webhook,
    # donor, newsletter and information links.
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

# Pages last: English at /, the other languages under /fr/, /es/, /ar/. Before them, in
# each language, the visitors' sign-in (cms.accounts) and the applicant's own page.
urlpatterns += i18n_patterns(
    path("account/", include(accounts.urlpatterns)),
    path("my/", include("membership_forms.applicant_urls")),
    # The plugin's pages for members' and NGO Supporters' people (their organisation).
    path("members/", include("membership_forms.member_urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

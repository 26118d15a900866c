from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from tasks import celery_app

from .operations import (
    Probe,
    probe_beat,
    probe_broker,
    probe_cache,
    probe_database,
    probe_workers,
)


def report(parts: dict[str, Probe]) -> JsonResponse:
    """200 with each part's "ok", or 503 with what failed and the failing parts named."""
    body: dict[str, object] = {name: probe.detail for name, probe in parts.items()}
    failing = [name for name, probe in parts.items() if not probe.ok]
    if failing:
        body["failing"] = failing
    return JsonResponse(body, status=503 if failing else 200)


@never_cache
@require_GET
def healthz(request):
    """For monitoring: 200 when the database and broker answer, a worker replies to a ping
    and beat's heartbeat is recent; 503 naming the failing parts otherwise."""
    broker = probe_broker(celery_app)
    return report(
        {
            "database": probe_database(),
            "broker": broker,
            "workers": (
                probe_workers(celery_app) if broker.ok else Probe(False, "broker unreachable")
            ),
            "beat": probe_beat(),
        }
    )


@never_cache
@require_GET
def readiness(request):
    """For a load balancer: this web process can take visitors, its database, cache and
    broker answer. Workers and beat are not asked: every web process shares them, and
    without them pages are still served and applications stored (the outbox)."""
    return report(
        {"database": probe_database(), "cache": probe_cache(), "broker": probe_broker(celery_app)}
    )


@never_cache
@require_GET
def liveness(request):
    """The process answers requests; asks nothing of shared services, so an outage of the
    database or Redis never gets every web process restarted at once."""
    return JsonResponse({"status": "ok"})


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a refused form (token expired, cookies blocked) explained in the
    site's look and the visitor's language, with a link back to the form, which a GET
    of the same address shows afresh."""
    context = {"back_url": request.get_full_path(), "has_primary_action": True}
    return render(request, "cms/errors/csrf_failure.html", context, status=403)


# Private or endless parts: the admin, the API, the plugin's personal token links and
# payment endpoints, the language switch, and search results (one per query).
ROBOTS_DISALLOWED = [
    "/admin/",
    "/django-admin/",
    "/api/",
    "/i18n/",
    "/payments/",
    "/forms/more-information/",
    "/forms/newsletter/",
]


@require_GET
@cache_control(public=True, max_age=3600)
def robots_txt(request):
    """Crawlers may read the site, not its private parts; the sitemap lists the pages."""
    from cms.models import SearchPage

    default = settings.LANGUAGE_CODE
    searches = {
        "/search/" if code == default else f"/{code}/search/" for code, _name in settings.LANGUAGES
    }
    # A search page an editor gave another slug in some language is kept out too.
    searches |= {page.url for page in SearchPage.objects.live() if page.url}
    lines = [
        "User-agent: *",
        *(f"Disallow: {path}" for path in [*ROBOTS_DISALLOWED, *sorted(searches)]),
        "",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")

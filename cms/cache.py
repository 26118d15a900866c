"""A page cache for anonymous visitors, in the Django cache (Redis).

`PageCacheMiddleware` answers anonymous GET/HEAD requests from the cache and stores the
HTML of pages that `mark_cacheable` (an `on_serve_page` hook) flagged as safe to share.
Editors and anyone with a session never get a cached page.

Invalidation is whole-site: every publish, unpublish, move or delete (and every change to
menus, site settings, regions or documents) bumps one version number that is part of
every key, so all earlier entries become unreachable at once and expire on their own.
A publish can change menus, listings and the home page anywhere on the site, so tracking
which pages depend on which would be both fragile and rarely worth it for a site of this
size.
"""

import functools
import hashlib
import logging
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

VERSION_KEY = "pagecache:version"
HEADER = "X-Page-Cache"
SKIPPED_PREFIXES = ("/admin/", "/django-admin/", "/api/", "/documents/", "/media/", "/healthz")


def get_timeout() -> int:
    return getattr(settings, "PAGE_CACHE_TIMEOUT", 600)


def purge_all() -> None:
    """Make every cached page stale, once the current transaction commits.

    After commit, so that a request served between the bump and the commit cannot store
    the old content under the new version.
    """
    transaction.on_commit(_bump_version)


def _bump_version() -> None:
    try:
        try:
            cache.incr(VERSION_KEY)
        except ValueError:  # no version yet
            cache.add(VERSION_KEY, 1, timeout=None)
    except RedisError:
        # Entries expire after PAGE_CACHE_TIMEOUT; say loudly that they may be stale meanwhile.
        logger.exception("Could not purge the page cache")


@functools.cache
def release() -> str:
    """Changes with each deployment's static files, so that a new release never serves
    pages cached by the last one: they would name stylesheets that are gone."""
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    content = manifest.read_bytes() if manifest.exists() else b""
    return hashlib.sha256(content).hexdigest()[:12]


def _cache_key(request: HttpRequest, version: int) -> str:
    """Host, language and the full path with its query, hashed: any length, any bytes."""
    query = request.META.get("QUERY_STRING", "")
    language = getattr(request, "LANGUAGE_CODE", "")
    target = hashlib.sha256(f"{request.get_host()}:{request.path}?{query}".encode()).hexdigest()
    return f"pagecache:{release()}:{version}:{language}:{target}"


def _eligible(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if request.path.startswith(SKIPPED_PREFIXES):
        return False
    # A session or pending messages mean content may be personal: never share it.
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return False
    return not request.user.is_authenticated


def mark_cacheable(serve: Callable) -> Callable:
    """`on_serve_page` hook: flag responses of live pages that anyone may be shown."""

    def wrapper(page, request, args, kwargs):
        response = serve(page, request, args, kwargs)
        allowed = set(getattr(page.specific_class, "cacheable_query_params", ()))
        if not getattr(request, "is_preview", False) and set(request.GET) <= allowed:
            response.page_cache_allowed = True
        return response

    return wrapper


def _storable(response: HttpResponse) -> bool:
    cache_control = response.get("Cache-Control", "")
    return (
        getattr(response, "page_cache_allowed", False)
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


class PageCacheMiddleware:
    """Place last in MIDDLEWARE: the others then add their headers to cached pages too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not getattr(settings, "PAGE_CACHE_ENABLED", True) or not _eligible(request):
            return self.get_response(request)
        try:
            version = cache.get(VERSION_KEY) or 0
            key = _cache_key(request, version)
            cached = cache.get(key)
        except RedisError:
            logger.warning("Page cache unavailable; serving uncached", exc_info=True)
            return self.get_response(request)
        if cached is not None:
            content, content_type, headers = cached
            response = HttpResponse(content, content_type=content_type)
            for name, value in headers:
                response[name] = value
            response[HEADER] = "hit"
            return response

        response = self.get_response(request)
        if request.method == "GET" and _storable(response):
            headers = [
                (name, value)
                for name, value in response.items()
                if name.lower() not in ("content-type", "content-length", "set-cookie")
            ]
            try:
                cache.set(key, (response.content, response["Content-Type"], headers), get_timeout())
            except RedisError:
                logger.warning("Could not store a page in the cache", exc_info=True)
                return response
            response[HEADER] = "miss"
        return response

"""Cross-origin access to the forms API, for the origins an editor allows on each site.

django-cors-headers answers preflights and writes the headers; its settings (in the
project: `CORS_URLS_REGEX` for the API's paths, the methods, headers and max age) say
how. Which origins may call is a per-site setting (`FormsApiSettings`), edited in the
admin: `allow_site_origins` answers django-cors-headers' `check_request_enabled` signal
with it. Requests without an `Origin` header, or outside the API prefix
(`CORS_PATH_PREFIX`), never touch the setting, so the same-origin submit path costs
nothing; the per-host origin list is kept in the cache and dropped when the setting or a
site changes.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .conf import get_setting

DEFAULT_PORTS = {"http": 80, "https": 443}

GENERATION_KEY = "membership_forms:cors:generation"
CACHE_SECONDS = 300


def normalise_origin(value: str) -> str:
    """`scheme://host[:port]`, lower-cased, default port dropped; ValidationError otherwise.

    Browsers send the origin in exactly this form, so a plain string comparison is enough.
    """
    text = value.strip()
    if "*" in text:
        raise ValidationError(_("%(origin)s: wildcards are not allowed.") % {"origin": text})
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise ValidationError(_("%(origin)s is not an origin.") % {"origin": text}) from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ValidationError(
            _("%(origin)s: use http:// or https:// and a host name.") % {"origin": text}
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment or "@" in parts.netloc:
        raise ValidationError(
            _("%(origin)s: give the scheme and host only (no path, query or user).")
            % {"origin": text}
        )
    host = parts.hostname.lower()
    if not host.isascii():  # browsers send an international name in its ASCII form
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise ValidationError(_("%(origin)s is not an origin.") % {"origin": text}) from None
    if ":" in host:  # an IPv6 literal
        host = f"[{host}]"
    if port is None or port == DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def parse_origins(text: str) -> list[str]:
    """One origin per line (blank lines ignored), normalised; every bad line reported."""
    origins: list[str] = []
    errors: list[ValidationError] = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        try:
            origin = normalise_origin(line)
        except ValidationError as error:
            errors.append(error)
            continue
        if origin not in origins:
            origins.append(origin)
    if errors:
        raise ValidationError(errors)
    return origins


def _host_key(request) -> str:
    # Wagtail picks the site from the raw host and the port; so does the cache key.
    return f"{request._get_raw_host()}|{request.get_port()}"


def allow_site_origins(sender, request, **kwargs) -> bool:
    """django-cors-headers' `check_request_enabled`: may this request's origin call the
    forms API? Only under CORS_PATH_PREFIX, and only an origin its site allows."""
    if not request.path_info.startswith(get_setting("CORS_PATH_PREFIX")):
        return False
    origin = request.headers.get("Origin")
    return bool(origin) and origin in allowed_origins(request)


def allowed_origins(request) -> frozenset[str]:
    """The origins allowed by the site answering `request` (cached per host)."""
    generation = cache.get(GENERATION_KEY, 0)
    key = f"membership_forms:cors:{generation}:{_host_key(request)}"
    origins = cache.get(key)
    if origins is None:
        origins = _load_origins(request)
        cache.set(key, origins, CACHE_SECONDS)
    return frozenset(origins)


def _load_origins(request) -> list[str]:
    from wagtail.models import Site

    from .models import FormsApiSettings

    site = Site.find_for_request(request)
    if site is None:
        return []
    text = (
        FormsApiSettings.objects.filter(site=site).values_list("allowed_origins", flat=True).first()
    )
    try:
        return parse_origins(text or "")
    except ValidationError:
        # A row saved around the form's validation: keep the lines that are origins.
        valid = []
        for line in (text or "").splitlines():
            try:
                valid.append(normalise_origin(line))
            except ValidationError:
                continue
        return valid


def _new_generation() -> None:
    cache.set(GENERATION_KEY, time.time_ns(), None)


def forget_allowed_origins(**kwargs) -> None:
    """Start a new cache generation: every host reads its site's setting again.

    Now, and again after the commit, so a request reading between the two cannot keep the
    old list.
    """
    _new_generation()
    transaction.on_commit(_new_generation)

"""Request-level guards: the body size limit and API token scopes (CORS: django-cors-headers
with `membership_forms.cors`)."""

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .conf import get_setting
from .services import tokens


class RequestSizeLimitMiddleware:
    """413 for bodies over MAX_REQUEST_BYTES on the public site (the admin has its own limits)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > get_setting("MAX_REQUEST_BYTES") and not request.path.startswith("/admin/"):
            if request.path.startswith(get_setting("CORS_PATH_PREFIX")):
                return JsonResponse(
                    {"errors": {"non_field_errors": [_("The request is too large.")]}}, status=413
                )
            return self.too_large_page(request)
        return self.get_response(request)

    @staticmethod
    def too_large_page(request):
        """A visitor's form that is too large: a page in the site's look and language that
        says the limits (the body is never read)."""
        language = translation.get_language_from_path(request.path_info) or (
            translation.get_language_from_request(request)
        )
        with translation.override(language):
            return render(
                request,
                "membership_forms/request_too_large.html",
                {
                    "max_file_bytes": get_setting("MAX_FILE_BYTES"),
                    "max_request_bytes": get_setting("MAX_REQUEST_BYTES"),
                    "back": _same_site_path(request.path),
                },
                status=413,
            )


def _same_site_path(path: str) -> str:
    """`path` when it is a path on this site; the home page for `//other.example/` and
    the like, which a browser would follow off the site."""
    return path if url_has_allowed_host_and_scheme(path, allowed_hosts=None) else "/"


# The forms API's routes anyone may call, writes included: a token sent along (a
# partner's script that sends it with every call) is not looked at there.
PUBLIC_ROUTES = frozenset({"wagtailapi_v3:submit_form"})


def _public_route(request) -> bool:
    try:
        return resolve(request.path_info).view_name in PUBLIC_ROUTES
    except Resolver404:
        return False


class ApiTokenScopeMiddleware:
    """Holds every API token to its scope on every route, Wagtail's API routers included:
    an expired token is refused with 401, a read-only token's writes with 403.

    Wagtail's token authentication knows neither expiry nor scope, and its routers take
    no other; this runs before them. Requests without a bearer token cost nothing here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        scheme, _sep, key = request.headers.get("Authorization", "").partition(" ")
        refused = None
        if scheme.lower() == "bearer" and key.strip() and not _public_route(request):
            refused = tokens.refusal(key.strip(), request.method)
        if refused is None:
            return self.get_response(request)
        status, message = refused
        response = JsonResponse(
            {"errors": {"non_field_errors": [message]}},
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
        if status == 401:
            response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response

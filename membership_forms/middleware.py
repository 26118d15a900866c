"""Request-level guards: the body size limit, and CORS for the forms API."""

from django.http import HttpResponse, JsonResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from . import cors
from .conf import get_setting


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
            return JsonResponse(
                {"errors": {"non_field_errors": [_("The request is too large.")]}}, status=413
            )
        return self.get_response(request)


class CorsMiddleware:
    """CORS for the forms API: the request's origin echoed when its site allows it.

    A preflight (OPTIONS with Access-Control-Request-Method) is answered here, with the
    CORS headers for an allowed origin and without them otherwise, so the browser refuses.
    No credentials: the API's public endpoints need no cookie, and the staff endpoint is
    not meant for other sites' pages.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(get_setting("CORS_PATH_PREFIX")):
            return self.get_response(request)
        origin = request.headers.get("Origin")
        allowed = bool(origin) and origin in cors.allowed_origins(request)
        preflight = (
            request.method == "OPTIONS"
            and origin
            and "Access-Control-Request-Method" in request.headers
        )
        if preflight:
            response = HttpResponse(status=204)
            if allowed:
                response["Access-Control-Allow-Methods"] = cors.ALLOWED_METHODS
                response["Access-Control-Allow-Headers"] = cors.ALLOWED_HEADERS
                response["Access-Control-Max-Age"] = str(get_setting("CORS_MAX_AGE"))
        else:
            response = self.get_response(request)
            if allowed:
                response["Access-Control-Expose-Headers"] = cors.EXPOSED_HEADERS
        if allowed:
            response["Access-Control-Allow-Origin"] = origin
        # The answer depends on the Origin header whether or not it is allowed.
        patch_vary_headers(response, ["Origin"])
        return response

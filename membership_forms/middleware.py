"""Refuse an oversized request from its Content-Length, before a byte of the body is read."""

from django.http import JsonResponse
from django.utils.translation import gettext as _

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

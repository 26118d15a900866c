"""What every endpoint of the forms API shares: the router, the error shape, the language.

Errors are `{"errors": {field: [message, ...]}}` in the request's language (`?locale=` or
Accept-Language).
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Router, Schema

from ..filters import language_codes

logger = logging.getLogger(__name__)
router = Router(tags=["forms"])


class Errors(Schema):
    errors: dict[str, list[str]]


def answer(status: int, body: dict, **headers) -> JsonResponse:
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    for name, value in headers.items():
        response[name] = value
    return response


def error(status: int, key: str, message: str, **headers) -> JsonResponse:
    return answer(status, {"errors": {key: [message]}}, **headers)


def database_unavailable(request: HttpRequest, exc: Exception) -> JsonResponse:
    """503 with Retry-After when the database is unreachable (a restart, a failover).

    Nothing was stored: the submission's transaction did not commit, so the client may
    send the same request again (with its Idempotency-Key, if it has one).
    """
    logger.warning("Database unavailable: %s", exc.__class__.__name__)
    return error(
        503,
        "non_field_errors",
        _("The service is briefly unavailable. Please try again in a moment."),
        **{"Retry-After": "5"},
    )


def request_language(request: HttpRequest) -> str:
    """?locale= first, then Accept-Language (unprefixed URLs otherwise mean English)."""
    wanted = (request.GET.get("locale") or "")[:5]
    if wanted in language_codes():
        return wanted
    return translation.get_language_from_request(request) or "en"

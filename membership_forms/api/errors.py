"""The forms API's one error shape for what the framework refuses before an endpoint runs.

Django Ninja validates typed parameters (an enum, a number) before the endpoint, and
Wagtail's API answers those refusals as RFC 7807 problems with a list of errors; a path
that matches no endpoint (`/forms/abc/`) falls through to Django's HTML 404. Under the
forms router both answer as every endpoint does, `{"errors": {field: [message, ...]}}`
in the request's language; Wagtail's own endpoints keep their shape.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext as django_says
from ninja.errors import ValidationError

from .common import error, request_language, router

# Pydantic's error types in the words of Django's own form fields, translated by Django's
# catalogues (called through an alias that `makemessages` does not collect, so that the
# plugin's catalogue does not copy them).
_INVALID_CHOICE = "Select a valid choice. That choice is not one of the available choices."
_INVALID = "Enter a valid value."
_MESSAGES = {
    "missing": "This field is required.",
    "enum": _INVALID_CHOICE,
    "literal_error": _INVALID_CHOICE,
    "int_parsing": "Enter a whole number.",
    "int_type": "Enter a whole number.",
}
_SOURCES = {"query", "path", "body", "form", "file", "header", "cookie"}


def _field(location) -> str:
    """`("query", "kind")` -> "kind"; a nested body field by its last name."""
    names = [str(part) for part in location if not isinstance(part, int)]
    names = [name for name in names if name not in _SOURCES]
    return names[-1] if names else "non_field_errors"


def field_errors(exc: ValidationError) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for item in exc.errors:
        message = django_says(_MESSAGES.get(item.get("type", ""), _INVALID))
        messages = errors.setdefault(_field(item.get("loc", ())), [])
        if message not in messages:
            messages.append(message)
    return errors


def is_forms_request(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and "forms/" in (match.route or "")


Handler = Callable[[HttpRequest, ValidationError], HttpResponse]


def validation_handler(previous: Handler | None) -> Handler:
    """Our shape under the forms router; `previous` (Wagtail's) everywhere else."""

    def handle(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        if not is_forms_request(request) and previous is not None:
            return previous(request, exc)
        with translation.override(request_language(request)):
            body = {"errors": field_errors(exc)}
            return JsonResponse(body, status=422, json_dumps_params={"ensure_ascii": False})

    return handle


def not_found(request: HttpRequest, rest: str):
    """Any path under the router that no endpoint matches (`/forms/abc/`): a JSON 404."""
    with translation.override(request_language(request)):
        return error(404, "non_field_errors", gettext("Not found."))


def add_catch_all() -> None:
    """Add `not_found` after every endpoint: Ninja tries a router's paths in the order
    they were added, so it must come last (`register_router` calls this)."""
    router.api_operation(
        ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", include_in_schema=False
    )(not_found)

"""The forms router for Wagtail's API v3: list, definition, submit, staff status,
directory and donation status.

Each endpoint validates, hands off to the intake or a query, and answers; errors are
`{"errors": {field: [message, ...]}}` in the request's language (`?locale=` or
Accept-Language).
"""

from __future__ import annotations

from . import applicant, errors, forms, openapi, records  # noqa: F401  (endpoints join the router)
from .common import database_unavailable, router

__all__ = ["database_unavailable", "register_router", "router"]

_registered = False


def register_router() -> None:
    """Add the forms router to Wagtail's API v3, once (the app's ``ready()`` calls it).

    Wagtail's API is one NinjaAPI object; routers join it before its URLs are read. A
    database restart answers 503 with Retry-After, not 500 (docs/reliability.md).
    """
    from django.db import InterfaceError, OperationalError
    from ninja.errors import ValidationError
    from wagtail.api.v3.urls import api

    global _registered
    if _registered:
        return
    _registered = True
    errors.add_catch_all()
    api.add_router("/forms/", router)
    openapi.serve_valid_documents(api)
    api.add_exception_handler(OperationalError, database_unavailable)
    api.add_exception_handler(InterfaceError, database_unavailable)
    # Wagtail's handler stays for its own endpoints; Ninja keeps no public getter for it.
    wagtail_handler = api._exception_handlers.get(ValidationError)
    api.add_exception_handler(ValidationError, errors.validation_handler(wagtail_handler))

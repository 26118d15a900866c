"""Live form pages kept in the cache (Redis) for the submit path.

Loading a form page costs four queries (page type, page, view restrictions, fields);
the API answers every submission from one cache read instead. Any save, publication,
unpublication or deletion of a form page, or a change to view restrictions, drops the
entry; the timeout is only a backstop.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.utils import translation

logger = logging.getLogger(__name__)

TIMEOUT = 300


def _key(form_id: int) -> str:
    return f"mf:form:{form_id}"


def get_form_page(form_id: int, loader: Callable[[int], object | None]):
    """The cached page, or the loader's, cached with its fields ready in every language."""
    try:
        page = cache.get(_key(form_id))
    except Exception:
        logger.warning("Form cache unavailable", exc_info=True)
        return loader(form_id)
    if page is not None:
        return page
    page = loader(form_id)
    if page is None:
        return None
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            page.get_field_specs()
    try:
        cache.set(_key(form_id), page, TIMEOUT)
    except Exception:
        logger.warning("Form cache unavailable", exc_info=True)
    return page


def forget_form_page(form_id: int) -> None:
    try:
        cache.delete(_key(form_id))
    except Exception:
        logger.warning("Form cache unavailable; entry for %s kept", form_id, exc_info=True)


def forget_all_form_pages() -> None:
    from .models import FORM_PAGE_MODELS

    for model in FORM_PAGE_MODELS:
        for pk in model.objects.values_list("pk", flat=True):
            forget_form_page(pk)

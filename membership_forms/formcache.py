"""Live form pages kept in the cache for the submit path.

Loading a form page costs four queries (page type, page, view restrictions, fields);
the API answers submissions from the shared cache (Redis) instead, and each process keeps
what it read for `LOCAL_TIMEOUT` seconds so a busy form costs no round trip at all. Any
save, publication, unpublication or deletion of a form page, or a change to view
restrictions, drops the shared entry and this process's copy; other processes follow
within `LOCAL_TIMEOUT`. The shared timeout is only a backstop.

The page object is shared by the requests of one process: the submit path only reads it
(its field specifications are built for every language before it is stored).

The shared entry is a pickled page, which only the code that wrote it can be trusted to
read: its key carries a fingerprint of the plugin's source, so that during a rolling
deploy old and new processes each keep their own entries instead of reading each
other's (docs/operations.md).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from functools import cache as once
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import translation

logger = logging.getLogger(__name__)

TIMEOUT = 300
LOCAL_TIMEOUT = 2.0

_local: dict[int, tuple[float, object]] = {}


@once
def code_fingerprint() -> str:
    """A digest of the plugin's Python source (read once per process, a few ms)."""
    digest = hashlib.blake2b(digest_size=6)
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _key(form_id: int) -> str:
    return f"mf:form:{code_fingerprint()}:{form_id}"


def get_form_page(form_id: int, loader: Callable[[int], Any]):
    """The cached page, or the loader's, cached with its fields ready in every language."""
    now = time.monotonic()
    kept = _local.get(form_id)
    if kept is not None and kept[0] > now:
        return kept[1]
    try:
        page = cache.get(_key(form_id))
    except Exception:
        logger.warning("Form cache unavailable", exc_info=True)
        return loader(form_id)
    if page is not None:
        _local[form_id] = (now + LOCAL_TIMEOUT, page)
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
    _local[form_id] = (now + LOCAL_TIMEOUT, page)
    return page


def forget_form_page(form_id: int) -> None:
    _local.pop(form_id, None)
    try:
        cache.delete(_key(form_id))
    except Exception:
        logger.warning("Form cache unavailable; entry for %s kept", form_id, exc_info=True)


def forget_local_copies() -> None:
    """Drop this process's copies; the shared cache keeps its entries."""
    _local.clear()


def forget_all_form_pages() -> None:
    from . import kinds

    forget_local_copies()
    for model in kinds.page_models():
        for pk in model.objects.values_list("pk", flat=True):
            forget_form_page(pk)

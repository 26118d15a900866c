"""The plugin's settings, read from one dict: ``MEMBERSHIP_FORMS = {...}``.

Every key has a default here; a project overrides only what it needs.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULTS: dict[str, Any] = {
    # Per-client submission rate, "N/s", "N/m", "N/h" or "N/d" (the SUBMISSION_RATE_LIMIT env).
    "SUBMISSION_RATE_LIMIT": "10/m",
    "MAX_FILE_BYTES": 10 * 1024 * 1024,
    "MAX_REQUEST_BYTES": 25 * 1024 * 1024,
    # Seconds a submission may stay `received` before the sweep queues it again.
    "REQUEUE_AFTER": 120,
    # Eligibility rules per kind, as dotted paths; None means the module's defaults.
    "RULES": None,
}


def get_setting(name: str) -> Any:
    """One setting of the plugin, from settings.MEMBERSHIP_FORMS or the default."""
    if name not in DEFAULTS:
        raise ImproperlyConfigured(f"Unknown membership_forms setting {name!r}")
    overrides = getattr(settings, "MEMBERSHIP_FORMS", {}) or {}
    return overrides.get(name, DEFAULTS[name])

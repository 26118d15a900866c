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
    # A JSON body larger than this is refused with 413 before it is parsed.
    "MAX_JSON_BYTES": 256 * 1024,
    # Confirmation emails one address may receive a day (the rest are suppressed).
    "CONFIRMATIONS_PER_ADDRESS": 3,
    # Seconds a visitor takes at least to fill the HTML form (faster is a robot).
    "MIN_FILL_SECONDS": 3,
    # The request header holding the client address behind a trusted proxy, e.g.
    # "HTTP_X_FORWARDED_FOR"; None uses REMOTE_ADDR.
    "CLIENT_IP_HEADER": None,
    # Submissions re-queued by one run of the sweep.
    "REQUEUE_BATCH": 500,
    # Seconds a submission may stay `received` before the sweep queues it again.
    "REQUEUE_AFTER": 120,
    # Days after a decline or withdrawal before the applicant's personal data is removed.
    "RETENTION_DAYS": 365,
    # Days a review may wait in one state before its reviewers get a daily reminder.
    "REVIEW_SLA_DAYS": 14,
    # What happens to internship reviews still open after their term's deadline: "flag"
    # (marked in the queue for the coordinator to decide). Declining is left to people.
    "TERM_CLOSE_OUT": "flag",
    # Eligibility rules per kind, as dotted paths; None means the module's defaults.
    "RULES": None,
}


def get_setting(name: str) -> Any:
    """One setting of the plugin, from settings.MEMBERSHIP_FORMS or the default."""
    if name not in DEFAULTS:
        raise ImproperlyConfigured(f"Unknown membership_forms setting {name!r}")
    overrides = getattr(settings, "MEMBERSHIP_FORMS", {}) or {}
    return overrides.get(name, DEFAULTS[name])

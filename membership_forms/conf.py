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
    # Eligibility rules per kind, as dotted paths; None means the module's defaults.
    "RULES": None,
    # Stripe: unset keys mean donations are pledges (bank transfer or cheque).
    "STRIPE_SECRET_KEY": None,
    "STRIPE_WEBHOOK_SECRET": None,
    # Another API address (a recorded-response server in tests); None is Stripe's.
    "STRIPE_API_BASE": None,
    # Seconds the worker waits on one Stripe call; retries are Celery's, not the SDK's.
    "STRIPE_TIMEOUT": 10,
    # Seconds a webhook signature stays valid (Stripe's default tolerance).
    "STRIPE_WEBHOOK_TOLERANCE": 300,
    # Card testing: a client with this many failed small payments in the window is refused.
    "CARD_TESTING_MAX_FAILURES": 3,
    "CARD_TESTING_WINDOW": 3600,
    "CARD_TESTING_SMALL_AMOUNT": "20",
    # US receipts carry the no-goods-or-services statement from this amount (in USD).
    "US_RECEIPT_THRESHOLD": "250",
    # Hours a donation may stay pending before reconciliation flags it.
    "RECONCILE_PENDING_AFTER_HOURS": 24,
}


def get_setting(name: str) -> Any:
    """One setting of the plugin, from settings.MEMBERSHIP_FORMS or the default."""
    if name not in DEFAULTS:
        raise ImproperlyConfigured(f"Unknown membership_forms setting {name!r}")
    overrides = getattr(settings, "MEMBERSHIP_FORMS", {}) or {}
    return overrides.get(name, DEFAULTS[name])

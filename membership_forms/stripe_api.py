"""The one place the plugin builds a Stripe client: keys, address and timeout from settings."""

from __future__ import annotations

from decimal import Decimal

import stripe

from .conf import get_setting

# ISO 4217 currencies Stripe takes in whole units (no cents).
ZERO_DECIMAL = {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND"}


def stripe_enabled() -> bool:
    return bool(get_setting("STRIPE_SECRET_KEY"))


def stripe_client() -> stripe.StripeClient:
    """A client that fails fast: a short timeout and no SDK retries (Celery retries)."""
    base = get_setting("STRIPE_API_BASE")
    return stripe.StripeClient(
        get_setting("STRIPE_SECRET_KEY"),
        base_addresses={"api": base} if base else None,
        max_network_retries=0,
        http_client=stripe.RequestsClient(timeout=get_setting("STRIPE_TIMEOUT")),
    )


def minor_units(amount: Decimal, currency: str) -> int:
    if currency.upper() in ZERO_DECIMAL:
        return int(amount)
    return int((amount * 100).quantize(Decimal("1")))

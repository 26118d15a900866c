"""Donation tasks: thin wrappers around membership_forms' donation and Stripe services."""

import logging

import stripe
from celery import shared_task

from membership_forms.models import Donation
from membership_forms.services import donations, retention, stripe_events

logger = logging.getLogger(__name__)

# Stripe refused the request itself (parameters, keys, permissions): no retry mends that.
PERMANENT = (stripe.InvalidRequestError, stripe.AuthenticationError, stripe.PermissionError)


@shared_task(
    name="tasks.donations.create_checkout_session",
    bind=True,
    max_retries=4,
    retry_backoff=True,
    retry_jitter=True,
)
def create_checkout_session(self, donation_id: int) -> bool:
    """Make the Stripe Checkout Session the donor's page is waiting for."""
    donation = Donation.objects.select_related("submission__page").filter(pk=donation_id).first()
    if donation is None or donation.submission.page is None:
        return False
    page = donation.submission.page.specific
    url = page.donation_url(donation, full=True)
    try:
        return donations.create_checkout_session(
            donation_id, return_url=f"{url}?returned=1", cancel_url=url
        )
    except Exception as error:
        if isinstance(error, PERMANENT) or self.request.retries >= self.max_retries:
            # Given up: the donor's page offers a new attempt or the pledge instructions.
            donations.record_checkout_error(donation_id, f"{type(error).__name__}: {error}")
            raise
        raise self.retry(exc=error, countdown=2**self.request.retries) from error


@shared_task(
    name="tasks.donations.process_stripe_event",
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
)
def process_stripe_event(event_pk: int, force: bool = False) -> bool:
    """Apply one stored Stripe event; failures stay visible as `failed` and can be replayed."""
    return stripe_events.process_event(event_pk, force=force)


@shared_task(name="tasks.donations.reconcile_donations")
def reconcile_donations() -> int:
    return donations.reconcile_donations()


@shared_task(name="tasks.donations.send_yearly_summaries")
def send_yearly_summaries(year: int | None = None) -> int:
    from django.utils import timezone

    return donations.yearly_summaries(year or timezone.now().year - 1)


@shared_task(name="tasks.donations.purge_expired_donations")
def purge_expired_donations() -> int:
    """Donors' personal data past its retention period, and old Stripe event payloads."""
    retention.purge_stripe_event_payloads()
    return retention.purge_expired_donations()

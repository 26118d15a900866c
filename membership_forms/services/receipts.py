"""Donation receipts: one per paid gift, numbered per year, and the yearly summary each
donor receives of their gifts."""

from __future__ import annotations

import logging
from decimal import Decimal

from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ..conf import get_setting
from ..links import absolute
from ..models import (
    Donation,
    DonationStatus,
    NotificationKind,
    Receipt,
    ReceiptCounter,
)
from .notifications import queue_notification

logger = logging.getLogger(__name__)

US_STATEMENT = gettext_noop("No goods or services were provided in exchange for this contribution.")


def issue_receipt(donation: Donation) -> Receipt:
    """Number the receipt once and queue its email once; a second call returns the first."""
    existing = Receipt.objects.filter(donation=donation).first()
    if existing:
        return existing
    year = (donation.paid_at or timezone.now()).year
    counter, _created = ReceiptCounter.objects.select_for_update().get_or_create(year=year)
    ReceiptCounter.objects.filter(pk=counter.pk).update(value=F("value") + 1)
    counter.refresh_from_db(fields=["value"])
    receipt = Receipt.objects.create(
        donation=donation,
        year=year,
        sequence=counter.value,
        number=f"R-{year}-{counter.value:06d}",
    )
    queue_notification(
        donation.submission,
        "receipt",
        recipient=donation.donor_email,
        discriminator=str(donation.pk),
        context=receipt_context(receipt),
    )
    return receipt


def needs_us_statement(donation: Donation) -> bool:
    return donation.currency == "USD" and donation.amount >= Decimal(
        str(get_setting("US_RECEIPT_THRESHOLD"))
    )


def receipt_context(receipt: Receipt) -> dict:
    """The receipt's facts; the statement a US charity must give is in the donor's language."""
    donation = receipt.donation
    page = donation.submission.page.specific if donation.submission.page else None
    with translation.override(donation.locale):
        statement = _(US_STATEMENT) if needs_us_statement(donation) else ""
    return {
        "receipt_number": receipt.number,
        "reference": donation.submission.reference,
        "donor_name": donation.donor_name,
        "amount": str(donation.amount),
        "currency": donation.currency,
        "frequency": donation.frequency,
        "paid_at": (donation.paid_at or receipt.issued_at).date().isoformat(),
        "dedication": donation.dedication,
        "organisation": getattr(page, "receipt_organisation", "") or "",
        "us_statement": str(statement),
        "language": donation.locale,
        "cancel_url": cancel_url(donation),
    }


def cancel_url(donation: Donation) -> str:
    """The donor's link to end a monthly gift (absolute, for emails); "" for one-off gifts."""
    subscription = donation.subscription if donation.subscription_id is not None else None
    if subscription is None:
        return ""
    return absolute(
        reverse("membership_forms:cancel_monthly_gift", args=[subscription.cancel_token])
    )


def _paid_on(gift: Donation) -> str:
    """The ISO date a paid gift was paid (only paid gifts are summarised)."""
    assert gift.paid_at is not None
    return gift.paid_at.date().isoformat()


def yearly_summaries(year: int) -> int:
    """Queue one summary per donor address for the gifts paid in `year` (once each)."""
    paid = (
        Donation.objects.filter(status=DonationStatus.PAID, paid_at__year=year)
        .select_related("submission", "receipt")
        .order_by("donor_email", "paid_at")
    )
    by_donor: dict[str, list[Donation]] = {}
    for donation in paid:
        by_donor.setdefault(donation.donor_email.casefold(), []).append(donation)
    for email, gifts in by_donor.items():
        last = gifts[-1]
        totals: dict[str, Decimal] = {}
        for gift in gifts:
            totals[gift.currency] = totals.get(gift.currency, Decimal(0)) + gift.amount
        queue_notification(
            last.submission,
            NotificationKind.RECEIPT_SUMMARY,
            recipient=last.donor_email,
            discriminator=f"{year}:{email}",
            context={
                "year": year,
                "donor_name": last.donor_name,
                "gifts": [
                    {
                        "receipt_number": getattr(getattr(gift, "receipt", None), "number", ""),
                        "date": _paid_on(gift),
                        "amount": str(gift.amount),
                        "currency": gift.currency,
                    }
                    for gift in gifts
                ],
                "totals": {currency: str(total) for currency, total in totals.items()},
                # The same facts as plain lines, for the email's {gift_lines} and {total_lines}.
                "gift_lines": "\n".join(
                    f"{_paid_on(gift)}  {gift.amount} {gift.currency}"
                    f"  {getattr(getattr(gift, 'receipt', None), 'number', '')}"
                    for gift in gifts
                ),
                "total_lines": "\n".join(
                    f"{total} {currency}" for currency, total in totals.items()
                ),
                "language": last.locale,
            },
        )
    return len(by_donor)

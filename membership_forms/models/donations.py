"""Donations: the gift, the monthly subscription, Stripe's event ledger and the receipts."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..kinds import FREQUENCIES


class DonationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")
    REFUNDED = "refunded", _("Refunded")
    CANCELLED = "cancelled", _("Cancelled")


class PaymentMethod(models.TextChoices):
    STRIPE = "stripe", _("Card (Stripe Checkout)")
    PLEDGE = "pledge", _("Pledge (bank transfer or cheque)")


class Frequency(models.TextChoices):
    ONE_TIME = FREQUENCIES[0][0], FREQUENCIES[0][1]
    MONTHLY = FREQUENCIES[1][0], FREQUENCIES[1][1]


class DonationSubscription(models.Model):
    """A monthly gift: one Stripe subscription, one donation per paid invoice."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACTIVE = "active", _("Active")
        CANCELLED = "cancelled", _("Cancelled")

    submission = models.OneToOneField(
        "membership_forms.Submission", on_delete=models.PROTECT, related_name="subscription"
    )
    stripe_subscription_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    stripe_customer_id = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    donor_email = models.EmailField(_("donor email"))
    cancel_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("monthly gift")
        verbose_name_plural = _("monthly gifts")

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}/month ({self.status})"


# An online gift whose Checkout Session could not be made (the worker gave up, or its
# task was lost): nothing can be paid until the donor tries again or pledges offline.
CHECKOUT_FAILED = models.Q(
    method=PaymentMethod.STRIPE,
    status=DonationStatus.PENDING,
    checkout_session_id__isnull=True,
) & ~models.Q(checkout_error="")


class DonationQuerySet(models.QuerySet):
    def needing_attention(self):
        """Gifts staff should look at: the ones with an `attention` text."""
        return self.filter(
            ~models.Q(payment_issue="") | CHECKOUT_FAILED | ~models.Q(reconciliation_flag="")
        )


class Donation(models.Model):
    """One gift. Monthly gifts get one row per paid (or failed) invoice.

    The first row of a monthly gift is the one the form created; later invoices add rows
    keyed by their invoice id.
    """

    submission = models.ForeignKey(
        "membership_forms.Submission", on_delete=models.PROTECT, related_name="donations"
    )
    subscription = models.ForeignKey(
        DonationSubscription,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="donations",
    )
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=DonationStatus.choices, default=DonationStatus.PENDING
    )
    method = models.CharField(_("method"), max_length=10, choices=PaymentMethod.choices)
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    donor_name = models.CharField(_("donor name"), max_length=200)
    donor_email = models.EmailField(_("donor email"))
    dedication = models.TextField(_("dedication"), blank=True)
    locale = models.CharField(_("language"), max_length=10)
    client_hash = models.CharField(max_length=64, blank=True)
    checkout_session_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    checkout_url = models.URLField(max_length=2000, blank=True)
    checkout_error = models.TextField(blank=True)
    # Times the donor asked for a new payment page after one could not be made.
    checkout_restarts = models.PositiveSmallIntegerField(default=0)
    payment_intent_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    invoice_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    reconciliation_flag = models.CharField(_("reconciliation"), max_length=255, blank=True)
    # A Stripe object that named this gift but was not made for it, or did not match its
    # amount, currency or mode: never applied, left to staff (see services.stripe_events).
    payment_issue = models.CharField(_("payment issue"), max_length=500, blank=True)
    reconciled_at = models.DateTimeField(null=True, blank=True)
    # When the donor's personal data was removed (retention); amounts and dates stay.
    purged_at = models.DateTimeField(null=True, blank=True)

    objects = DonationQuerySet.as_manager()

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="mf_donation_status"),
            models.Index(fields=["client_hash", "status"], name="mf_donation_client"),
        ]

    def __str__(self) -> str:
        return f"{self.submission_id}: {self.amount} {self.currency} ({self.status})"

    @property
    def reference(self) -> str:
        return self.submission.reference

    @property
    def checkout_failed(self) -> bool:
        """The payment page could not be made (see CHECKOUT_FAILED)."""
        return (
            self.method == PaymentMethod.STRIPE
            and self.status == DonationStatus.PENDING
            and not self.checkout_session_id
            and bool(self.checkout_error)
        )

    @property
    def attention(self) -> str:
        """What staff should look at first ("" when nothing); see `needing_attention`."""
        if self.payment_issue:
            return self.payment_issue
        if self.checkout_failed:
            return str(
                _("The payment page could not be made: %(error)s") % {"error": self.checkout_error}
            )
        return self.reconciliation_flag


class StripeEvent(models.Model):
    """Stripe's events, stored as received (after the signature check), processed once."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        PROCESSED = "processed", _("Processed")
        IGNORED = "ignored", _("Ignored")
        FAILED = "failed", _("Failed")

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100, db_index=True)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    attempts = models.PositiveIntegerField(default=0)
    deliveries = models.PositiveIntegerField(default=1)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.event_id} {self.type}"


class ReceiptCounter(models.Model):
    """The last receipt number given per year (row locked while incremented)."""

    year = models.PositiveIntegerField(unique=True)
    value = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.value}"


class Receipt(models.Model):
    """A receipt number, given once to a paid donation and never reused (even on refund)."""

    donation = models.OneToOneField(Donation, on_delete=models.PROTECT, related_name="receipt")
    number = models.CharField(_("number"), max_length=30, unique=True)
    year = models.PositiveIntegerField()
    sequence = models.PositiveIntegerField()
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="mf_receipt_sequence")
        ]

    def __str__(self) -> str:
        return self.number

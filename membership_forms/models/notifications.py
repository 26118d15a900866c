"""Emails recorded before they are sent, so each one goes out once whatever the workers do."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement")
    STAFF_ALERT = "staff_alert", _("Staff alert")
    DECISION = "decision", _("Decision")
    INFO_REQUEST = "info_request", _("Request for information")
    REMINDER = "reminder", _("Reminder")
    NEWSLETTER_CONFIRMATION = "newsletter_confirmation", _("Newsletter confirmation")
    RECEIPT = "receipt", _("Receipt")
    RECEIPT_SUMMARY = "receipt_summary", _("Yearly receipt summary")
    DIGEST = "digest", _("Digest")
    INVITATION = "invitation", _("Invitation to an organisation")
    LISTING_REJECTED = "listing_rejected", _("Listing change not approved")
    RENEWAL = "renewal", _("Yearly confirmation of membership")
    ERASURE_REQUEST = "erasure_request", _("Erasure request")


# Confirmations of what a visitor sent: limited per address a day, their texts are the form
# page's confirmation subject and body.
CONFIRMATION_KINDS = frozenset(
    {NotificationKind.ACKNOWLEDGEMENT, NotificationKind.NEWSLETTER_CONFIRMATION}
)


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SUPPRESSED = "suppressed", _("Suppressed")


class Notification(models.Model):
    """One email about one submission; (submission, kind, discriminator) is its lasting key.

    `discriminator` lets several emails of one kind share a submission (one receipt per
    donation, one digest per day). `context` holds extra placeholders for the template.
    """

    submission = models.ForeignKey(
        "membership_forms.Submission",
        verbose_name=_("submission"),
        on_delete=models.CASCADE,
        related_name="notifications",
        null=True,
        blank=True,
    )
    kind = models.CharField(_("kind"), max_length=40, choices=NotificationKind.choices)
    discriminator = models.CharField(max_length=100, blank=True, default="")
    recipient = models.TextField(_("recipient"), blank=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    context = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=NotificationStatus.choices,
        default=NotificationStatus.PENDING,
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "kind", "discriminator"], name="mf_notification_once"
            ),
            # Digests belong to no submission; NULLs never clash, so they get their own key.
            models.UniqueConstraint(
                fields=["kind", "discriminator"],
                condition=models.Q(submission__isnull=True),
                name="mf_notification_once_unattached",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="mf_notification_status")]

    def __str__(self) -> str:
        return f"{self.kind} {self.discriminator}".strip()


class NewsletterConsent(models.Model):
    """The record of a double opt-in: when the link was confirmed, and from where (hashed)."""

    submission = models.OneToOneField(
        "membership_forms.Submission", on_delete=models.CASCADE, related_name="consent"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"))
    ip_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("newsletter consent")
        verbose_name_plural = _("newsletter consents")

    def __str__(self) -> str:
        return f"consent {self.confirmed_at:%Y-%m-%d %H:%M}"

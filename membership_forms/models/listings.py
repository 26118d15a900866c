"""Changes to a directory listing that an organisation proposed, waiting for the Secretariat.

A member's edit is stored here, never on the `DirectoryEntry` itself; only the
Secretariat's approval copies it there (services/listings.py). Why the plugin's own queue
and not Wagtail's moderation: docs/members.md, "Your listing".
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The listing's fields that members edit, in the order staff read them.
LISTING_FIELDS = ("regions", "mandate", "website", "logo", "descriptions")


class ListingChangeStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for moderation")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ListingChange(models.Model):
    """The listing as the organisation wants it (`proposed`), and the Secretariat's decision.

    `proposed` holds every field of LISTING_FIELDS (the logo as an image id); an edit
    while a change waits replaces what it proposes.
    """

    organisation = models.ForeignKey(
        "membership_forms.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="listing_changes",
    )
    proposed = models.JSONField(_("proposed listing"), default=dict)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ListingChangeStatus.choices,
        default=ListingChangeStatus.PENDING,
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed"), auto_now=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)

    class Meta:
        verbose_name = _("listing change")
        verbose_name_plural = _("listing changes")
        ordering = ["-proposed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(status="pending"),
                name="mf_one_pending_listing_change",
            )
        ]

    def __str__(self) -> str:
        return str(self.organisation)

"""Approved members and NGO Supporters as organisations with several people.

An approved membership or supporter application creates the `Organisation` (beside its
public `DirectoryEntry`) and its primary contact; the primary contact invites colleagues
(`Invitation`, single use, by email) and removes them. People are Django users found by
their email address.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Days an invitation can be accepted.
INVITATION_DAYS = 14


class OrganisationStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    LAPSE_PENDING = "lapse_pending", _("Lapse pending review")
    LAPSED = "lapsed", _("Lapsed")
    SUSPENDED = "suspended", _("Suspended")


# The statuses whose contacts reach the member-only pages and documents.
IN_GOOD_STANDING = (OrganisationStatus.ACTIVE, OrganisationStatus.LAPSE_PENDING)


class ContactRole(models.TextChoices):
    PRIMARY = "primary", _("Primary contact")
    EDITOR = "editor", _("Editor")
    READER = "reader", _("Reader")


# The roles that may propose changes to the organisation's listing.
EDITING_ROLES = (ContactRole.PRIMARY, ContactRole.EDITOR)


class Organisation(models.Model):
    """A member or NGO Supporter: its listing, the application that made it, its status."""

    entry = models.OneToOneField(
        "membership_forms.DirectoryEntry",
        verbose_name=_("directory entry"),
        on_delete=models.PROTECT,
        related_name="organisation",
    )
    submission = models.OneToOneField(
        "membership_forms.Submission",
        verbose_name=_("approved application"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organisation",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=OrganisationStatus.choices,
        default=OrganisationStatus.ACTIVE,
    )
    anniversary = models.DateField(
        _("anniversary"), help_text=_("The next day the membership is to be confirmed.")
    )
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    renewed_at = models.DateTimeField(_("last renewed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["entry__organisation_name", "pk"]
        indexes = [models.Index(fields=["status", "anniversary"], name="mf_org_status_anniversary")]

    def __str__(self) -> str:
        return self.entry.organisation_name

    @property
    def name(self) -> str:
        return self.entry.organisation_name

    @property
    def in_good_standing(self) -> bool:
        return self.status in IN_GOOD_STANDING


class OrganisationContact(models.Model):
    """One person of an organisation, with what they may do for it."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="organisation_contacts",
    )
    role = models.CharField(_("role"), max_length=20, choices=ContactRole.choices)
    language = models.CharField(_("language"), max_length=10, default="en")
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation contact")
        verbose_name_plural = _("organisation contacts")
        ordering = ["organisation", "role", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="mf_contact_once"),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(role="primary"),
                name="mf_one_primary_contact",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.email} ({self.get_role_display()})"

    @property
    def email(self) -> str:
        return self.user.email

    @property
    def can_edit_listing(self) -> bool:
        return self.role in EDITING_ROLES

    @property
    def is_primary(self) -> bool:
        return self.role == ContactRole.PRIMARY


def new_invitation_token() -> str:
    return secrets.token_urlsafe(32)


def invitation_expiry():
    return timezone.now() + timedelta(days=INVITATION_DAYS)


class Invitation(models.Model):
    """The primary contact's invitation of a colleague: single use, for one email address."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=20, choices=ContactRole.choices)
    language = models.CharField(_("language"), max_length=10, default="en")
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), default=invitation_expiry)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return self.email

    @property
    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


# The auth groups whose people reach the member-only pages and documents, by directory
# category (made by migration 0030; Wagtail page privacy and private collections name them).
MEMBER_GROUPS = {"member": "Members", "supporter": "NGO Supporters"}
